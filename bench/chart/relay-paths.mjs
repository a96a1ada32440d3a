#!/usr/bin/env node
// Draws docs/img/relay-paths.svg from the relay and daemon benchmark results (issue #10): per path, msg/s bars per
// window with the ratio to NATS at the same window, and p50–p99 latency on a second panel (log scale when the values
// span more than a decade). Node only, no packages, so that the benches can call it at their end.
//
// Usage: node bench/chart/relay-paths.mjs [--relay FILE] [--daemon FILE|none] [--results DIR] [--out FILE]
//   --relay   a bench/relay-bench.sh result (default: the newest relay-<yyyymmdd-hhmmss>*.json in DIR)
//   --daemon  a bench/daemon-bench.sh result (default: the newest daemon-<yyyymmdd-hhmmss>*.json in DIR with
//             throughput results; "none" leaves the daemon path out). Skipped when the relay result already holds
//             daemon scenarios (then they come from the same run).
//   --results DIR (default bench/results), --out FILE (default docs/img/relay-paths.svg)
// A missing or malformed file ends the program with one line on stderr and exit code 1.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NAME = 'relay-paths chart';

class ChartError extends Error {}
const fail = (msg) => { throw new ChartError(msg); };

// ---------- input ----------

function parseArgs(argv) {
  const opts = { results: path.join(ROOT, 'bench/results'), out: path.join(ROOT, 'docs/img/relay-paths.svg') };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (!['--relay', '--daemon', '--results', '--out'].includes(flag)) fail(`unknown argument ${flag} (see the usage at the top of ${path.relative(ROOT, fileURLToPath(import.meta.url))})`);
    if (value === undefined || value.startsWith('--')) fail(`${flag} needs a value`);
    opts[flag.slice(2)] = value;
  }
  return opts;
}

/** Result files named <prefix>-<yyyymmdd>-<hhmmss>[-label].json in dir, newest stamp first. */
function resultFiles(dir, prefix) {
  let names;
  try { names = fs.readdirSync(dir); } catch (e) { fail(`cannot read results directory ${dir}: ${e.code || e.message}`); }
  const re = new RegExp(`^${prefix}-(\\d{8}-\\d{6})(?:-.*)?\\.json$`);
  return names.map((n) => [n, re.exec(n)]).filter(([, m]) => m)
    .sort((a, b) => b[1][1].localeCompare(a[1][1]) || b[0].localeCompare(a[0]))
    .map(([n]) => path.join(dir, n));
}

function readJson(file) {
  let text;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { fail(`${file}: cannot read (${e.code || e.message})`); }
  try { return JSON.parse(text); } catch (e) { fail(`${file}: not valid JSON (${e.message})`); }
}

const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
// The same median as bench/relay-bench.sh: the lower middle value for an even count.
const median = (xs) => { const s = xs.filter(isNum).sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };

const SCENARIO_LABELS = { nats: 'NATS request/reply', mosquitto: 'Mosquitto QoS 1', meshwire: 'meshwire coordinator relay' };
const SCENARIO_ORDER = ['nats', 'mosquitto', 'meshwire'];
// Scenarios added to the relay bench later keep their own name; daemon-<path> reads as the daemon user path.
const scenarioLabel = (k) => SCENARIO_LABELS[k] || k.replace(/^daemons?[-_ ]?(.+)$/i, 'meshwire daemons, $1');

/** Rows (one per scenario, one bar per window) from a relay-bench result. */
function relayRows(file, json) {
  if (!Array.isArray(json.summary) || json.summary.length === 0) fail(`${file}: no "summary" array (not a bench/relay-bench.sh result?)`);
  const rows = new Map();
  for (const s of json.summary) {
    if (typeof s?.scenario !== 'string' || !isNum(s.window) || !isNum(s.msgPerSec)) {
      fail(`${file}: a summary entry lacks scenario, window or msgPerSec: ${JSON.stringify(s).slice(0, 120)}`);
    }
    if (!rows.has(s.scenario)) rows.set(s.scenario, { key: s.scenario, label: scenarioLabel(s.scenario), note: '', bars: [] });
    rows.get(s.scenario).bars.push({ window: s.window, msgPerSec: s.msgPerSec, p50: s.p50Ms, p99: s.p99Ms });
  }
  const rank = (k) => (SCENARIO_ORDER.includes(k) ? SCENARIO_ORDER.indexOf(k) : SCENARIO_ORDER.length);
  return [...rows.values()].sort((a, b) => rank(a.key) - rank(b.key));
}

/** Throughput-mode results of a daemon-bench result, or null when it has none (e.g. a paced-only run). */
function daemonThroughput(file, json) {
  if (!Array.isArray(json.results)) fail(`${file}: no "results" array (not a bench/daemon-bench.sh result?)`);
  if (!isNum(json.window)) fail(`${file}: no numeric "window"`);
  const tp = json.results.filter((r) => r?.mode === 'throughput');
  for (const r of tp) if (typeof r.path !== 'string' || !isNum(r.msgPerSec)) fail(`${file}: a throughput result lacks path or msgPerSec`);
  return tp.length ? tp : null;
}

/** Rows (relay, then direct) for the daemon user path: medians over the throughput rounds. */
function daemonRows(json, tp) {
  const how = json.batch > 0 ? `batch of ${json.batch}` : 'one /v1/send each';
  const paths = [...new Set(tp.map((r) => r.path))].sort((a, b) => (a === 'relay' ? -1 : b === 'relay' ? 1 : a.localeCompare(b)));
  return paths.map((p) => {
    const rs = tp.filter((r) => r.path === p);
    const via = p === 'direct' ? `data channel${json.directPath ? ` (${json.directPath.replace(/^direct\s*/, '')})` : ''}`
      : p === 'relay' ? 'coordinator relay' : p;
    return {
      key: `daemon-${p}`, label: `meshwire daemons, ${p} †`, note: `${via}, ${how}`, crossRun: true,
      bars: [{ window: json.window, msgPerSec: median(rs.map((r) => r.msgPerSec)), p50: median(rs.map((r) => r.p50Ms)), p99: median(rs.map((r) => r.p99Ms)) }],
    };
  });
}

function pickDaemon(opts, relayHasDaemon) {
  if (opts.daemon === 'none' || (relayHasDaemon && opts.daemon === undefined)) return null;
  const candidates = opts.daemon ? [path.resolve(opts.daemon)] : resultFiles(opts.results, 'daemon');
  for (const file of candidates) {
    const json = readJson(file);
    const tp = daemonThroughput(file, json);
    if (tp) return { file, json, tp };
    if (opts.daemon) fail(`${file}: no throughput results (a paced-only run?)`);
  }
  return null;
}

// ---------- drawing ----------

const FONT = 'DejaVu Sans, Verdana, Arial, Helvetica, sans-serif';
const WINDOW_COLORS = ['#3b6fb6', '#e8862a', '#4a9a4a', '#c0392b', '#7d5ba6'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmtInt = (x) => Math.round(x).toLocaleString('en-US');
const fmtMs = (x) => (x < 1 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));
const fmtRatio = (r) => (r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toPrecision(2));
// Average glyph width of the sans-serif fonts above, as a share of the font size (for wrapping and placing labels).
const textWidth = (s, size) => String(s).length * size * 0.6;

function text(x, y, s, { size = 12, anchor = 'start', fill = '#222', weight = 'normal' } = {}) {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${size}" text-anchor="${anchor}" fill="${fill}"`
    + `${weight !== 'normal' ? ` font-weight="${weight}"` : ''}>${esc(s)}</text>`;
}

function wrap(s, size, width) {
  const lines = [];
  let line = '';
  for (const word of s.split(' ')) {
    if (line && textWidth(`${line} ${word}`, size) > width) { lines.push(line); line = word; } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above x. */
function niceCeil(x) {
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((v) => v >= x);
}

function linearScale(max, x0, x1) {
  const top = niceCeil(max);
  const step = niceCeil(top / 6);
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return { x: (v) => x0 + (v / ticks[ticks.length - 1]) * (x1 - x0), ticks, log: false };
}

function logScale(min, max, x0, x1) {
  const lo = Math.floor(Math.log10(min)), hi = Math.ceil(Math.log10(max));
  const x = (v) => x0 + ((Math.log10(v) - lo) / (hi - lo)) * (x1 - x0);
  const minorLabels = (x1 - x0) / (hi - lo) >= 80;
  const ticks = [];
  for (let d = lo; d <= hi; d++) for (const m of d < hi ? [1, 2, 5] : [1]) ticks.push({ v: m * 10 ** d, label: m === 1 || minorLabels });
  return { x, ticks, log: true };
}

const fmtTick = (v) => (v >= 1000 ? `${v / 1000}k` : String(+v.toPrecision(3)));

/** relay-bench writes loadAverageStart/End ("1 5 15" minutes), daemon-bench loadBefore ("1 5 15") and loadAfter (1 min). */
function loadText(json) {
  const j = (s) => (isNum(s) ? `${s.toFixed(2)} (1 min)` : String(s).trim().split(/\s+/).join(' / '));
  const parts = [[json.loadAverageStart ?? json.loadBefore, 'at start'], [json.loadAverageEnd ?? json.loadAfter, 'at end']]
    .filter(([v]) => v !== undefined && v !== null).map(([v, when]) => `${j(v)} ${when}`);
  return parts.length ? `load average ${parts.join(', ')}` : 'load average not recorded';
}

const machineText = (json) => [json.machine, isNum(json.cpus) ? `${json.cpus} CPUs` : null].filter(Boolean).join(', ') || 'machine not recorded';
const dateText = (d) => (typeof d === 'string' ? d.replace('T', ' ').replace(/:\d\d(\.\d+)?(Z)?$/, (_, __, z) => (z ? ' UTC' : '')) : 'date not recorded');

function caption(relay, daemon) {
  const r = relay.json;
  const v = r.versions || {};
  const versions = [v.natsServer, v.mosquitto, v.meshwire, v.java && v.java.replace(/^openjdk version "([^"]+)".*/, 'OpenJDK $1'), v.node && `Node ${v.node}`].filter(Boolean).join(', ');
  const parts = [
    `Relay run: ${path.basename(relay.file)}, ${dateText(r.date)}, ${machineText(r)}, ${loadText(r)}. `
      + `${r.payloadBytes ?? 1024}-byte messages, one sender → one receiver, ${r.secondsPerScenario ?? '?'} s per scenario after a ${r.warmupSeconds ?? '?'} s warm-up, `
      + `median of ${r.rounds ?? '?'} interleaved rounds; a message counts when its end-to-end ack is back at the sender, and latency is that round trip. ${versions}.`,
  ];
  if (daemon) {
    const d = daemon.json;
    const rounds = new Set(daemon.tp.map((x) => x.round)).size;
    parts.push(`† Daemon user path, another run (not interleaved with the relay run; its ratio uses that run's NATS figure): ${path.basename(daemon.file)}, `
      + `${dateText(d.date)}, ${machineText(d)}, ${loadText(d)}. App → IPC (${d.batch > 0 ? `POST /v1/send/batch, ${d.batch} messages per call` : 'one POST /v1/send per message'}) → outbox → `
      + `direct data channel or coordinator relay → receiving daemon's inbox → message event, all in one JVM; ${d.messageBytes ?? '?'}-byte messages, window ${d.window}, ${d.seconds} s per path, median of ${rounds} round${rounds === 1 ? '' : 's'}${rounds % 2 ? '' : ' (the lower middle value)'}; latency from the send call to the receiver's event.`);
  }
  return parts;
}

// Layout (px): label column, throughput panel, latency panel (its value labels run to the right edge).
const L = { W: 1040, labelW: 232, tpX0: 244, tpX1: 590, latX0: 668, latX1: 945, barH: 16, barGap: 4, groupGap: 16, top: 118 };

/** Scales and colours for the rows: linear msg/s, latency on a log scale when it spans more than a decade. */
function scales(rows) {
  const windows = [...new Set(rows.flatMap((r) => r.bars.map((b) => b.window)))].sort((a, b) => a - b);
  const tp = linearScale(Math.max(1, ...rows.flatMap((r) => r.bars.map((b) => b.msgPerSec))), L.tpX0, L.tpX1);
  const lats = rows.flatMap((r) => r.bars.flatMap((b) => [b.p50, b.p99])).filter((x) => isNum(x) && x > 0);
  const lat = lats.length && Math.max(...lats) / Math.min(...lats) > 10
    ? logScale(Math.min(...lats), Math.max(...lats), L.latX0, L.latX1)
    : linearScale(Math.max(1, ...lats), L.latX0, L.latX1);
  if (!lat.log) lat.ticks = lat.ticks.map((v) => ({ v, label: true }));
  return { windows, tp, lat, color: (w) => WINDOW_COLORS[windows.indexOf(w) % WINDOW_COLORS.length] };
}

/** One bar's msg/s (with its ratio to NATS at the same window) and its p50–p99 latency marks. */
function drawBar(row, b, cy, by, sc, nats) {
  const out = [];
  const bx1 = sc.tp.x(b.msgPerSec);
  out.push(`<rect x="${L.tpX0}" y="${by}" width="${Math.max(1, bx1 - L.tpX0).toFixed(1)}" height="${L.barH}" fill="${sc.color(b.window)}"/>`);
  const ref = nats.get(b.window);
  const ratio = row.key !== 'nats' && ref ? ` · ${fmtRatio(b.msgPerSec / ref)}× NATS${row.crossRun ? '†' : ''}` : '';
  const label = `${fmtInt(b.msgPerSec)}${ratio}`;
  const inside = bx1 + 6 + textWidth(label, 11.5) > L.tpX1 + 60; // no room right of a long bar: write on it
  out.push(text(inside ? bx1 - 5 : bx1 + 5, cy + 4, label, { size: 11.5, anchor: inside ? 'end' : 'start', fill: inside ? '#fff' : '#222', weight: ratio && !inside ? 'bold' : 'normal' }));
  if (isNum(b.p50) && isNum(b.p99) && b.p50 > 0) {
    const x50 = sc.lat.x(b.p50), x99 = sc.lat.x(b.p99), c = sc.color(b.window);
    out.push(`<line x1="${x50.toFixed(1)}" y1="${cy}" x2="${x99.toFixed(1)}" y2="${cy}" stroke="${c}" stroke-width="3"/>`);
    out.push(`<circle cx="${x50.toFixed(1)}" cy="${cy}" r="5" fill="${c}"/>`);
    out.push(`<path d="M${x99.toFixed(1)} ${cy - 6} l6 6 l-6 6 l-6 -6 z" fill="#fff" stroke="${c}" stroke-width="2"/>`);
    const lt = `${fmtMs(b.p50)} / ${fmtMs(b.p99)}`;
    out.push(x99 + 10 + textWidth(lt, 11) < L.W - 4 ? text(x99 + 10, cy + 4, lt, { size: 11 }) : text(x50 - 9, cy + 4, lt, { size: 11, anchor: 'end' }));
  }
  return out;
}

/** Row bands (drawn under the grid) and the rows' labels and marks; bottom is where the panels end. */
function drawRows(rows, sc) {
  const nats = new Map((rows.find((r) => r.key === 'nats')?.bars || []).map((b) => [b.window, b.msgPerSec]));
  const bands = [], marks = [];
  let y = L.top;
  rows.forEach((row, i) => {
    const h = row.bars.length * (L.barH + L.barGap) - L.barGap;
    bands.push(`<rect x="0" y="${y - L.groupGap / 2}" width="${L.W}" height="${h + L.groupGap}" fill="${i % 2 ? '#ffffff' : '#f3f5f8'}"/>`);
    const mid = y + h / 2;
    const ours = row.key.startsWith('meshwire') || row.key.startsWith('daemon');
    marks.push(text(L.labelW, mid + (row.note ? -2 : 4), row.label, { size: 13, anchor: 'end', weight: ours ? 'bold' : 'normal' }));
    if (row.note) marks.push(text(L.labelW, mid + 12, row.note, { size: 10.5, anchor: 'end', fill: '#555' }));
    row.bars.forEach((b, j) => {
      const by = y + j * (L.barH + L.barGap);
      marks.push(...drawBar(row, b, by + L.barH / 2, by, sc, nats));
    });
    y += h + L.groupGap;
  });
  return { bands, marks, bottom: y - L.groupGap / 2 };
}

function drawAxes(sc, bottom) {
  const out = [];
  const tick = (x, major, label) => {
    out.push(`<line x1="${x.toFixed(1)}" y1="${L.top - 10}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="${major}"/>`);
    if (label !== null) out.push(text(x, bottom + 16, label, { size: 11, anchor: 'middle', fill: '#444' }));
  };
  for (const v of sc.tp.ticks) tick(sc.tp.x(v), v ? '#d5d9e0' : '#555', fmtTick(v));
  for (const t of sc.lat.ticks) tick(sc.lat.x(t.v), t.label ? '#c8ccd4' : '#e6e8ec', t.label ? fmtTick(t.v) : null);
  out.push(text((L.tpX0 + L.tpX1) / 2, bottom + 34, 'messages per second (higher is better)', { size: 12.5, anchor: 'middle', weight: 'bold' }),
    text((L.latX0 + L.latX1) / 2, bottom + 34, `latency p50 / p99, ms${sc.lat.log ? ', log scale' : ''} (lower is better)`, { size: 12.5, anchor: 'middle', weight: 'bold' }));
  return out;
}

function drawHead(relay, sc) {
  const out = [
    text(16, 28, 'meshwire relay paths against NATS and Mosquitto: throughput and latency', { size: 18, weight: 'bold' }),
    text(16, 50, `Per path and window (messages outstanding): msg/s with the ratio to NATS at the same window; `
      + `latency ● p50 to ◇ p99. Relay run ${dateText(relay.json.date)}.`, { size: 12.5, fill: '#333' }),
    text((L.tpX0 + L.tpX1) / 2, L.top - 18, 'throughput', { size: 13, anchor: 'middle', weight: 'bold', fill: '#333' }),
    text((L.latX0 + L.latX1) / 2, L.top - 18, 'latency', { size: 13, anchor: 'middle', weight: 'bold', fill: '#333' }),
  ];
  let lx = 16;
  for (const w of sc.windows) {
    out.push(`<rect x="${lx}" y="66" width="14" height="14" fill="${sc.color(w)}"/>`, text(lx + 20, 78, `window ${w}`, { size: 12.5 }));
    lx += 30 + textWidth(`window ${w}`, 12.5);
  }
  out.push(`<circle cx="${lx + 8}" cy="73" r="5" fill="#666"/>`, text(lx + 18, 78, 'p50', { size: 12.5 }));
  lx += 52;
  out.push(`<path d="M${lx + 8} 67 l6 6 l-6 6 l-6 -6 z" fill="#fff" stroke="#666" stroke-width="2"/>`, text(lx + 20, 78, 'p99', { size: 12.5 }));
  return out;
}

function render(relay, rows, daemon) {
  const sc = scales(rows);
  const { bands, marks, bottom } = drawRows(rows, sc);
  const cap = [];
  let cy = bottom + 60;
  for (const para of caption(relay, daemon)) {
    for (const line of wrap(para, 12, L.W - 32)) { cap.push(text(16, cy, line, { size: 12, fill: '#333' })); cy += 16; }
    cy += 5;
  }
  const H = Math.ceil(cy + 4);
  return `<?xml version="1.0" encoding="UTF-8"?>\n`
    + `<svg xmlns="http://www.w3.org/2000/svg" width="${L.W}" height="${H}" viewBox="0 0 ${L.W} ${H}" font-family="${FONT}">\n`
    + `<!-- generated by bench/chart/relay-paths.mjs from ${esc(path.basename(relay.file))}${daemon ? ` and ${esc(path.basename(daemon.file))}` : ''}; do not edit -->\n`
    + `<rect width="${L.W}" height="${H}" fill="#ffffff"/>\n`
    + [...bands, ...drawAxes(sc, bottom), ...marks, ...drawHead(relay, sc), ...cap].join('\n')
    + '\n</svg>\n';
}

// ---------- main ----------

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const relayFile = opts.relay ? path.resolve(opts.relay) : resultFiles(opts.results, 'relay')[0];
  if (!relayFile) fail(`no relay-<yyyymmdd-hhmmss>*.json in ${opts.results} (run bench/relay-bench.sh, or pass --relay FILE)`);
  const relay = { file: relayFile, json: readJson(relayFile) };
  const rows = relayRows(relayFile, relay.json);
  const daemon = pickDaemon(opts, rows.some((r) => /daemon/i.test(r.key)));
  if (daemon) rows.push(...daemonRows(daemon.json, daemon.tp));
  const svg = render(relay, rows, daemon);
  fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  fs.writeFileSync(opts.out, svg);
  console.error(`${NAME}: wrote ${path.relative(process.cwd(), path.resolve(opts.out)) || opts.out} from ${path.basename(relayFile)}${daemon ? ` and ${path.basename(daemon.file)}` : ''}`);
}

try {
  main();
} catch (e) {
  console.error(`${NAME}: ${e instanceof ChartError ? e.message : `unexpected failure: ${e.message}`}`);
  process.exit(1);
}
