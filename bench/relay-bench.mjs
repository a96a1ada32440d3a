// Side-by-side relay benchmark client (issue #10 item 1): one sender, one receiver, 1 KiB payloads, a window of W
// messages outstanding, a message counted only when its end-to-end ack returns to the sender.
//
//   node relay-bench.mjs <nats|mqtt|meshwire> <window> <seconds> <url> [meshwire data dir]
//
// The sender is this process; the receiver is a child process (fork), so the two clients do not share one Node
// event loop. Prints one JSON line: msgs, msg/s, round-trip latency p50/p99 (send → end-to-end ack, ms), and the CPU
// of the sender, the receiver and the broker over the measured window only (…WindowCpuSeconds, …CpuUsPerMsg: CPU
// per counted message), errors.
//
// Environment: BENCH_SERVER_PID (the broker's pid; its CPU is read from /proc at the window's start and end),
// BENCH_CLK_TCK (the kernel's clock ticks per second, default 100), BENCH_NODE_MODULES (where nats, mqtt, ws are).
// With BENCH_SERVER_PID the line also has brokerThreads: the broker's CPU per counted message by thread group (a JVM's
// event loops, SQLite writer, JIT, GC, other), the busiest thread's and the writer's share of one core over the window,
// and the bytes it wrote to storage per message.
//
// The meshwire client is written from docs/protocol.md only (it is also a check of that contract). It is built to
// cost the machine as little as the NATS and MQTT clients do, so that on a small machine the bench measures the
// coordinator, not Node:
// - Envelopes are signed BEFORE the measured run, not in it. Each message's `send` needs a fresh nonce and an
//   Ed25519 signature over the §3 canonical string (~33 µs of CPU each in node:crypto, more than Mosquitto's whole
//   broker spends on a message). The sender signs a pool of them in worker threads (one per CPU) before it sends
//   anything: unique clientMessageId `c<n>`, unique random 24-byte nonce, valid signature — exactly what it would
//   sign on the fly, so a coordinator run with --verify-envelopes accepts every one. The pool is sized for the run:
//   BENCH_MW_RATE_HINT (msg/s, the bench passes the best meshwire rate it has seen; default 10,000) ×
//   BENCH_MW_POOL_MARGIN (default 2.5) × (warm-up + seconds) + W, at most BENCH_MW_POOL_MAX (default 2,000,000;
//   160 bytes each: nonce and signature, the rest of the frame is the same for every message). Should the pool run
//   out, the sender signs on the fly and says so (signedOnTheFly, signedOnTheFlyInWindow). BENCH_MW_PRESIGN=0 signs
//   every message on the fly (the bench's coordinator warm-up does). The pre-signing CPU is reported
//   (presignCpuSeconds) and is not in the window.
// - Frames the clients receive are read with JSON.parse, which is cheap next to the rest: 1.8 µs for a 1.9 KB deliver
//   (2.4 µs with the client_ack's JSON.stringify), 0.6 µs for a receipt, single-threaded on this machine. Reading the
//   three members by position was not cheaper once made exact (3.1 µs: every key must be checked to occur once,
//   which scans the 1.4 KB ciphertext several times), so the clients parse.
// - Writes made in one turn of the event loop go out in one system call (the socket is corked until the next tick),
//   as the NATS client (its outbound buffer) and MQTT.js (mqtt-packet corks per packet until nextTick) already do.
//   BENCH_MW_CORK=0 turns that off.
// - The receiver acks every deliver at once; it does not verify or store (a real client does both).
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const require = createRequire(process.env.BENCH_NODE_MODULES ? process.env.BENCH_NODE_MODULES + '/' : import.meta.url);
const PAYLOAD = 1024;
const WARMUP_MS = 2000;

const role = process.env.BENCH_ROLE || 'sender';
const [scenario, windowArg, secondsArg, url, dataDir] = process.argv.slice(2);

// ---------- CPU of this process and of the broker ----------
const cpuSec = (c = process.cpuUsage()) => (c.user + c.system) / 1e6;
const BROKER_PID = process.env.BENCH_SERVER_PID;
const CLK_TCK = +(process.env.BENCH_CLK_TCK || 100);
/** The broker's CPU seconds so far (user + system, /proc/<pid>/stat fields 14 and 15), or null. */
function brokerCpu() {
  if (!BROKER_PID) return null;
  try {
    const stat = fs.readFileSync(`/proc/${BROKER_PID}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (the name may hold spaces)
    return (+f[11] + +f[12]) / CLK_TCK;
  } catch {
    return null;
  }
}

/**
 * The broker's CPU seconds so far by thread group, and the bytes it had written to storage (/proc/<pid>/io
 * write_bytes: WAL, checkpoints, logs), or null. Thread names are the kernel's 15-character comm; a JVM's threads
 * fall into the groups below (NATS and Mosquitto are mostly 'other'), so a coordinator run shows which of its
 * threads is the limit: an event loop or the SQLite writer near one core's worth of CPU per second is.
 */
const THREAD_GROUPS = [['eventLoop', /^vert\.x-eventloo/], ['sqliteWriter', /^meshwire-sqlite/], ['jit', /Compiler/],
  ['gc', /^(GC |G1 )/]];
function brokerThreads() {
  if (!BROKER_PID) return null;
  try {
    const out = { eventLoop: 0, sqliteWriter: 0, jit: 0, gc: 0, other: 0, eventLoopMax: 0 };
    for (const t of fs.readdirSync(`/proc/${BROKER_PID}/task`)) {
      let stat;
      try { stat = fs.readFileSync(`/proc/${BROKER_PID}/task/${t}/stat`, 'utf8'); } catch { continue; } // the thread ended
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const sec = (+f[11] + +f[12]) / CLK_TCK;
      const g = (THREAD_GROUPS.find(([, re]) => re.test(name)) || ['other'])[0];
      out[g] += sec;
      out[`tid${t}`] = sec; // per thread, to find the busiest event loop
    }
    const io = fs.readFileSync(`/proc/${BROKER_PID}/io`, 'utf8').match(/^write_bytes: (\d+)/m);
    out.writeBytes = io ? +io[1] : null;
    return out;
  } catch {
    return null;
  }
}

/** Per counted message: µs of CPU per thread group, the busiest event loop thread's µs, bytes written. */
function threadCosts(a, b, msgs, seconds) {
  if (!a || !b || !msgs) return null;
  const us = (k) => ((b[k] || 0) - (a[k] || 0)) / msgs * 1e6;
  let busiest = 0;
  for (const k of Object.keys(b)) {
    if (k.startsWith('tid') && k in a) busiest = Math.max(busiest, b[k] - a[k]);
  }
  const r = { eventLoopUsPerMsg: us('eventLoop'), sqliteWriterUsPerMsg: us('sqliteWriter'), jitUsPerMsg: us('jit'),
    gcUsPerMsg: us('gc'), otherUsPerMsg: us('other'),
    // share of one core over the window: 1.0 means that thread was the limit
    busiestThreadCoreShare: busiest / seconds,
    sqliteWriterCoreShare: ((b.sqliteWriter || 0) - (a.sqliteWriter || 0)) / seconds,
    writeBytesPerMsg: a.writeBytes != null && b.writeBytes != null ? (b.writeBytes - a.writeBytes) / msgs : null };
  return r;
}

// ---------- shared driver: keeps W outstanding, measures after a warm-up ----------
// onWindow(edge) is called at the measured window's 'start' and 'end' (the receiver's CPU is taken then).
function driver(window, seconds, sendOne, onWindow = () => {}) {
  const sentAt = new Map();
  let seq = 0, counted = 0, measuring = false, stopped = false, progress = 0;
  const lat = [];
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  let tStart = 0, cpu0 = null, broker0 = null, threads0 = null;
  function pump() {
    while (!stopped && sentAt.size < window) {
      const s = seq++;
      sentAt.set(s, performance.now());
      sendOne(s);
    }
  }
  function acked(s) {
    const t0 = sentAt.get(s);
    if (t0 === undefined) return; // duplicate ack
    sentAt.delete(s);
    progress++;
    if (measuring) {
      counted++;
      lat.push(performance.now() - t0);
    }
    pump();
  }
  setTimeout(() => {
    measuring = true; tStart = performance.now(); cpu0 = process.cpuUsage(); broker0 = brokerCpu(); threads0 = brokerThreads();
    onWindow('start');
  }, WARMUP_MS);
  setTimeout(() => {
    if (stopped) return; // the watchdog ended it
    stopped = true; measuring = false;
    const elapsed = (performance.now() - tStart) / 1000;
    const cpu = cpuSec(process.cpuUsage(cpu0)), broker1 = brokerCpu(), threads1 = brokerThreads();
    onWindow('end');
    lat.sort((a, b) => a - b);
    const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : null);
    resolveDone({ msgs: counted, seconds: elapsed, msgPerSec: counted / elapsed, p50: q(0.5), p99: q(0.99), sent: seq,
      senderWindowCpuSeconds: cpu, brokerWindowCpuSeconds: broker0 != null && broker1 != null ? broker1 - broker0 : null,
      brokerThreads: threadCosts(threads0, threads1, counted, elapsed) });
  }, WARMUP_MS + seconds * 1000);
  let seen = -1, stalledSince = Date.now();
  const watchdog = setInterval(() => {
    if (progress !== seen) { seen = progress; stalledSince = Date.now(); return; }
    if (!stopped && Date.now() - stalledSince > 15000) {
      stopped = true;
      resolveDone({ error: `no end-to-end ack for 15 s (${sentAt.size} outstanding)` });
    }
  }, 1000);
  done.finally(() => clearInterval(watchdog));
  return { pump, acked, done, get measuring() { return measuring; } };
}

function startReceiver(extraEnv) {
  const child = fork(new URL(import.meta.url).pathname, process.argv.slice(2), {
    env: { ...process.env, BENCH_ROLE: 'receiver', ...extraEnv },
  });
  const ready = new Promise((res, rej) => {
    child.once('message', (m) => (m.ready ? res(m) : rej(new Error(m.error || 'receiver failed'))));
    child.once('exit', (c) => rej(new Error('receiver exited ' + c)));
  });
  const stop = () => new Promise((res) => {
    child.once('message', (m) => res(m));
    child.send({ stop: true });
  });
  const mark = (edge) => child.send({ mark: edge });
  return { ready, stop, mark, child };
}

// The receiver's side of the control channel: its CPU at the window's marks and at stop.
function receiverControl(cleanup) {
  let atStart = null, inWindow = null;
  process.on('message', async (m) => {
    if (m.mark === 'start') atStart = process.cpuUsage();
    else if (m.mark === 'end' && atStart) inWindow = cpuSec(process.cpuUsage(atStart));
    else if (m.stop) {
      const cpu = cpuSec();
      await cleanup();
      process.send({ cpuSeconds: cpu, windowCpuSeconds: inWindow });
      process.exit(0);
    }
  });
}

const payload = crypto.randomBytes(PAYLOAD);

// ---------- NATS request/reply: the reply is the ack ----------
async function nats() {
  const { connect } = require('nats');
  if (role === 'receiver') {
    const nc = await connect({ servers: url, noEcho: true });
    nc.subscribe('bench.req', { callback: (err, m) => { if (!err) m.respond(m.data.subarray(0, 8)); } });
    await nc.flush();
    receiverControl(() => nc.close());
    process.send({ ready: true });
    return;
  }
  const rx = startReceiver();
  await rx.ready;
  const nc = await connect({ servers: url });
  // Request/reply by hand: one reply inbox subscription, the reply names the request by its sequence number.
  // (nc.request() arms a timer and a promise per request, which made the Node sender the bottleneck.)
  const inbox = '_INBOX.bench.' + process.pid;
  let d;
  nc.subscribe(inbox, { callback: (err, m) => { if (!err) d.acked(Buffer.from(m.data).readUInt32BE(0)); } });
  await nc.flush();
  d = driver(+windowArg, +secondsArg, (s) => {
    const b = Buffer.from(payload); b.writeUInt32BE(s, 0);
    nc.publish('bench.req', b, { reply: inbox });
  }, rx.mark);
  d.pump();
  const r = await d.done;
  const recv = await rx.stop();
  await nc.close();
  return { ...r, senderCpuSeconds: cpuSec(), receiverCpuSeconds: recv.cpuSeconds, receiverWindowCpuSeconds: recv.windowCpuSeconds };
}

// ---------- MQTT QoS 1: publish → subscriber (QoS 1) → ack publish (QoS 1) → sender's subscription ----------
async function mqttScenario() {
  const mqtt = require('mqtt');
  const opts = { clean: true, protocolVersion: 4, reconnectPeriod: 0 };
  const conn = (id) => new Promise((res, rej) => {
    const c = mqtt.connect(url, { ...opts, clientId: id });
    // TCP_NODELAY on the client sockets too (the broker has set_tcp_nodelay): no Nagle wait on small acks.
    c.once('connect', () => { c.stream.setNoDelay?.(true); res(c); }); c.once('error', rej);
  });
  if (role === 'receiver') {
    const c = await conn('bench-rx-' + process.pid);
    await c.subscribeAsync('bench/req', { qos: 1 });
    c.on('message', (topic, msg) => c.publish('bench/ack', msg.subarray(0, 8), { qos: 1 }));
    receiverControl(() => c.endAsync());
    process.send({ ready: true });
    return;
  }
  const rx = startReceiver();
  await rx.ready;
  const c = await conn('bench-tx-' + process.pid);
  await c.subscribeAsync('bench/ack', { qos: 1 });
  let d;
  c.on('message', (topic, msg) => d.acked(msg.readUInt32BE(0)));
  d = driver(+windowArg, +secondsArg, (s) => {
    const b = Buffer.from(payload); b.writeUInt32BE(s, 0);
    c.publish('bench/req', b, { qos: 1 });
  }, rx.mark);
  d.pump();
  const r = await d.done;
  const recv = await rx.stop();
  await c.endAsync(true);
  return { ...r, senderCpuSeconds: cpuSec(), receiverCpuSeconds: recv.cpuSeconds, receiverWindowCpuSeconds: recv.windowCpuSeconds };
}

// ---------- meshwire relay over a raw WebSocket, from docs/protocol.md ----------
const hex = (b) => Buffer.from(b).toString('hex');
function newKey() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  return { pub: hex(Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url')), priv: privateKey };
}
const sign = (k, s) => crypto.sign(null, Buffer.from(s, 'utf8'), k.priv).toString('hex');

// The §3 envelope canonical string of the bench's dm number s (meta is {"clientMessageId":"c<s>"}, whose RFC 8785
// form is itself).
const envelopeCanonical = (to, from, nonce, ctHash, s) =>
  `meshwire-envelope|v2|dm|${to}|${from}|${nonce}|${ctHash}|1|{"clientMessageId":"c${s}"}`;
// One pre-signed message in the pool: the base64 of its 24-byte nonce (32 chars), then its signature (128 hex).
const NONCE_CHARS = 32, POOL_ENTRY = NONCE_CHARS + 128;

/** Worker thread: signs pool entries [start, start + count) into the shared pool. */
function presignWorker() {
  const { pool, pkcs8, to, from, ctHash, start, count } = workerData;
  const key = crypto.createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const out = Buffer.from(pool);
  const nonces = crypto.randomBytes(24 * count);
  for (let i = 0; i < count; i++) {
    const s = start + i, at = s * POOL_ENTRY;
    const nonce = nonces.toString('base64', i * 24, i * 24 + 24);
    out.write(nonce, at, 'latin1');
    out.write(crypto.sign(null, Buffer.from(envelopeCanonical(to, from, nonce, ctHash, s)), key).toString('hex'), at + NONCE_CHARS, 'latin1');
  }
  parentPort.postMessage('done');
}

/** Signs `n` envelopes for the sender `key` to `to` in one worker thread per CPU; resolves with the pool. */
async function presign(n, key, to, ctHash) {
  const pool = new SharedArrayBuffer(n * POOL_ENTRY);
  const pkcs8 = key.priv.export({ format: 'der', type: 'pkcs8' });
  const threads = Math.max(1, Math.min(os.availableParallelism?.() ?? os.cpus().length, Math.ceil(n / 5000)));
  const per = Math.ceil(n / threads);
  await Promise.all(Array.from({ length: threads }, (_, t) => new Promise((res, rej) => {
    const start = t * per, count = Math.min(per, n - start);
    if (count <= 0) { res(); return; }
    const w = new Worker(new URL(import.meta.url), { workerData: { pool, pkcs8, to, from: key.pub, ctHash, start, count } });
    w.once('message', res);
    w.once('error', rej);
    w.once('exit', (c) => (c ? rej(new Error('pre-signing worker exited ' + c)) : res()));
  })));
  return Buffer.from(pool);
}

/**
 * Corks the WebSocket's TCP socket until the next tick, so every frame written in this turn of the event loop goes
 * out in one write. ws has no public handle to its socket, hence `_socket`.
 */
function corkerOf(ws) {
  if (process.env.BENCH_MW_CORK === '0') return () => {};
  const sock = ws._socket;
  let corked = false;
  const uncork = () => { corked = false; sock.uncork(); };
  return () => {
    if (corked) return;
    corked = true;
    sock.cork();
    process.nextTick(uncork);
  };
}

// One authenticated connection: resolves with {ws, ack} after hello_ack. §5: first frame within 5 s of the upgrade.
function connectMember(wsUrl, firstFrame) {
  const WebSocket = require('ws');
  return new Promise((res, rej) => {
    const ws = new WebSocket(wsUrl + '/ws', { perMessageDeflate: false });
    ws.once('error', rej);
    ws.on('close', (code, reason) => rej(new Error(`closed ${code} ${reason}`)));
    const onMsg = (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'challenge') ws.send(JSON.stringify(firstFrame(f.nonce)));
      else if (f.type === 'hello_ack') { ws.off('message', onMsg); res({ ws, ack: f }); }
      else if (f.type === 'error') rej(new Error(`${f.code}: ${f.message}`));
    };
    ws.on('message', onMsg);
  });
}

const FEATURES = { p2p: false, features: ['receipts'] };

async function meshwire() {
  const wsUrl = url;
  if (role === 'receiver') {
    // Joins with the invite the sender made (§5 join, §9 invite), then acks every deliver (§6 client_ack).
    const inv = JSON.parse(Buffer.from(process.env.BENCH_INVITE.slice(4), 'base64url').toString());
    const k = newKey();
    const name = 'rx' + process.pid;
    const { ws } = await connectMember(wsUrl, (nonce) => ({
      type: 'join', id: 'j1', invite: process.env.BENCH_INVITE, pubkey: k.pub, name, capabilities: FEATURES,
      signature: sign(k, `meshwire-join|v1|${inv.inviteId}|${inv.mesh}|${k.pub}|${name}|${nonce}`),
    }));
    const cork = corkerOf(ws);
    ws.on('message', (data) => {
      cork();
      const f = JSON.parse(data.toString());
      if (f.type === 'deliver') {
        // A real client verifies the envelope signature and stores before acking; this load client acks at once.
        ws.send(JSON.stringify({ type: 'client_ack', messageId: f.messageId, clientMessageId: f.envelope.meta.clientMessageId, from: f.envelope.from }));
      }
    });
    receiverControl(() => ws.terminate());
    process.send({ ready: true, pubkey: k.pub });
    return;
  }
  // Sender: the owner of a fresh mesh created over REST with the admin token (§10).
  const httpUrl = wsUrl.replace(/^ws/, 'http');
  const token = fs.readFileSync(dataDir + '/admin-token', 'utf8').trim();
  const owner = newKey();
  const meshName = 'bench-' + crypto.randomBytes(4).toString('hex');
  const createdAt = Date.now();
  const resp = await fetch(httpUrl + '/v1/meshes', {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
    body: JSON.stringify({ name: meshName, ownerPubkey: owner.pub, ownerName: 'sender', createdAt,
      signature: sign(owner, `meshwire-mesh-create|v1|${meshName}|${owner.pub}|sender|${createdAt}`) }),
  });
  const mesh = await resp.json();
  if (resp.status !== 201) throw new Error('create mesh: ' + JSON.stringify(mesh));
  // An invite v2, made offline by the owner (§9).
  const inviteId = crypto.randomBytes(16).toString('hex');
  const expiresAt = Date.now() + 3600_000;
  const invite = { v: 2, coordinator: wsUrl, mesh: mesh.mesh, meshName, inviteId, issuer: owner.pub, expiresAt, maxUses: 1,
    authority: mesh.authority,
    signature: sign(owner, `meshwire-invite|v2|${mesh.mesh}|${inviteId}|${owner.pub}|${expiresAt}|1|${mesh.authority}`) };
  const inviteText = 'mw1.' + Buffer.from(JSON.stringify(invite)).toString('base64url');

  const { ws } = await connectMember(wsUrl, (nonce) => ({
    type: 'hello', id: 'h1', mesh: mesh.mesh, pubkey: owner.pub, capabilities: FEATURES,
    signature: sign(owner, `meshwire-hello|v1|${mesh.mesh}|${owner.pub}|${nonce}`),
  }));
  const rx = startReceiver({ BENCH_INVITE: inviteText });
  const { pubkey: to } = await rx.ready;

  // Envelope v2 (§4), signed over the §3 canonical string. The body is 1 KiB of opaque bytes standing in for the
  // crypto_box output (the coordinator never opens it; the bench receiver does not either).
  const ciphertext = payload.toString('base64');
  const ctHash = crypto.createHash('sha256').update(ciphertext, 'utf8').digest('hex');

  // The pool of pre-signed envelopes, signed before anything is sent (see the header).
  const window = +windowArg, seconds = +secondsArg;
  const presignOn = process.env.BENCH_MW_PRESIGN !== '0';
  const hint = +(process.env.BENCH_MW_RATE_HINT || 10000), margin = +(process.env.BENCH_MW_POOL_MARGIN || 2.5);
  const poolSize = presignOn
    ? Math.min(+(process.env.BENCH_MW_POOL_MAX || 2_000_000), Math.ceil(hint * margin * (WARMUP_MS / 1000 + seconds)) + window)
    : 0;
  const c0 = process.cpuUsage(), t0 = performance.now();
  const pool = poolSize ? await presign(poolSize, owner, to, ctHash) : null;
  const presignCpuSeconds = cpuSec(process.cpuUsage(c0)), presignSeconds = (performance.now() - t0) / 1000;

  // The frame of message s, as JSON.stringify({type:'send', id, to, envelope}) would write it.
  const h1 = '{"type":"send","id":"s';
  const h2 = `","to":"${to}","envelope":{"v":2,"channel":"dm","target":"${to}","from":"${owner.pub}","body":{"nonce":"`;
  const h3 = `","ciphertext":"${ciphertext}","bodyVersion":1},"meta":{"clientMessageId":"c`;
  let signedOnTheFly = 0, signedOnTheFlyInWindow = 0;
  let d;
  const frameOf = (s) => {
    let nonce, signature;
    if (s < poolSize) {
      const at = s * POOL_ENTRY;
      nonce = pool.toString('latin1', at, at + NONCE_CHARS);
      signature = pool.toString('latin1', at + NONCE_CHARS, at + POOL_ENTRY);
    } else {
      signedOnTheFly++;
      if (d?.measuring) signedOnTheFlyInWindow++;
      nonce = crypto.randomBytes(24).toString('base64');
      signature = sign(owner, envelopeCanonical(to, owner.pub, nonce, ctHash, s));
    }
    return h1 + s + h2 + nonce + h3 + s + '"},"signature":"' + signature + '"}}';
  };

  const stats = { acks: 0, duplicates: 0, rateLimited: 0, errors: {} };
  const cork = corkerOf(ws);
  ws.on('message', (data) => {
    cork();
    const f = JSON.parse(data.toString());
    if (f.type === 'receipt') d.acked(+f.clientMessageId.slice(1));
    else if (f.type === 'ack') { stats.acks++; if (f.status === 'duplicate') stats.duplicates++; }
    else if (f.type === 'error') {
      stats.errors[f.code] = (stats.errors[f.code] || 0) + 1;
      if (f.code === 'rate_limited' && /^s\d+$/.test(f.id || '')) {
        // §6 Delivery step 4: retry the same frame after a short backoff.
        stats.rateLimited++;
        const frame = frameOf(+f.id.slice(1));
        setTimeout(() => ws.send(frame), 20);
      }
    }
  });
  d = driver(window, seconds, (s) => ws.send(frameOf(s)), rx.mark);
  cork();
  d.pump();
  const r = await d.done;
  const recv = await rx.stop();
  ws.terminate();
  return { ...r, senderCpuSeconds: cpuSec(), receiverCpuSeconds: recv.cpuSeconds, receiverWindowCpuSeconds: recv.windowCpuSeconds,
    ...stats,
    poolSize, presignSeconds, presignCpuSeconds, signedOnTheFly, signedOnTheFlyInWindow,
    corked: process.env.BENCH_MW_CORK !== '0' };
}

if (!isMainThread) {
  presignWorker();
} else {
  const run = { nats, mqtt: mqttScenario, meshwire }[scenario];
  run().then((r) => {
    if (role !== 'sender') return;
    // CPU per counted message, over the measured window only.
    const perMsg = (sec) => (sec != null && r.msgs ? sec / r.msgs * 1e6 : null);
    console.log(JSON.stringify({ scenario, window: +windowArg, ...r,
      senderCpuUsPerMsg: perMsg(r.senderWindowCpuSeconds), receiverCpuUsPerMsg: perMsg(r.receiverWindowCpuSeconds),
      brokerCpuUsPerMsg: perMsg(r.brokerWindowCpuSeconds) }));
    process.exit(0);
  }, (e) => {
    if (role === 'receiver') process.send({ error: String(e.stack || e) });
    console.error(e.stack || e);
    process.exit(1);
  });
}
