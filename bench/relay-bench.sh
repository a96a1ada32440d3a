#!/usr/bin/env bash
# Coordinator relay vs NATS request/reply vs Mosquitto QoS 1, side by side in one run (issue #10 item 1).
# Usage: bench/relay-bench.sh [seconds per scenario=20] [rounds=3] [windows="64 256"] [results dir=bench/results]
#
# Every scenario: one sender, one receiver (separate Node processes), 1 KiB payloads, W messages outstanding,
# a message counted only when its end-to-end ack is back at the sender, 2 s warm-up not counted. Scenarios are
# interleaved (round → window → nats, mosquitto, meshwire) so that load drift hits all of them alike.
#   nats      request/reply: the receiver's reply is the ack (one reply inbox, reply names the request)
#   mosquitto QoS 1 publish → receiver subscribed at QoS 1 → receiver publishes an 8-byte ack at QoS 1 → the
#             sender's QoS 1 subscription receives it: counted then
#   meshwire  raw WebSocket client written from docs/protocol.md: `send` (Envelope v2, Ed25519-signed) → coordinator
#             (durable queue, SQLite) → `deliver` → receiver `client_ack` → coordinator `receipt` to the sender:
#             counted then
# CPU: every process's CPU (sender, receiver, broker) is taken at the start and the end of the measured window and
# reported per counted message (µs/msg), so that a client that costs more than its broker shows. On 2 vCPUs every µs a
# load client spends is taken from the broker; the meshwire client therefore signs its envelopes BEFORE the measured
# run (a pool of ready `send` frames, each with its own clientMessageId, random nonce and valid Ed25519 signature,
# signed in worker threads; sized from the best meshwire rate seen so far in this run, at least 8,000 msg/s, ×2.5;
# a message beyond the pool is signed on the fly and counted in `signedOnTheFlyInWindow`), and batches its writes per
# event-loop turn as the NATS and MQTT clients do (bench/relay-bench.mjs header has the details). The pre-signing is
# not in the window and is reported (presignCpuSeconds).
# Coordinator warm-up: before round 1 a meshwire scenario of BENCH_WARMUP_SECONDS (default 30; 0 skips it) runs at
# the first window, signing on the fly, and is not counted (`coordinatorWarmup` in the JSON): a fresh coordinator
# spends as much CPU compiling (C2) as relaying in its first ~30 s of load, which would otherwise land in round 1.
# NATS and Mosquitto are native (no JIT) and get no warm-up beyond each scenario's 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER=${1:-20}
ROUNDS=${2:-3}
WINDOWS=${3:-"64 256"}
RESULTS=${4:-bench/results}
NODE_DIR=${BENCH_NODE_DIR:-/tmp/meshwire-relay-bench-node}
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

# ---- dependencies ----
if ! command -v nats-server >/dev/null || ! command -v mosquitto >/dev/null; then
  PATH="$PATH:/usr/sbin"
fi
if ! command -v nats-server >/dev/null || ! command -v mosquitto >/dev/null; then
  $SUDO apt-get install -y nats-server mosquitto >&2
fi
if [ ! -d "$NODE_DIR/node_modules/ws" ] || [ ! -d "$NODE_DIR/node_modules/mqtt" ] || [ ! -d "$NODE_DIR/node_modules/nats" ]; then
  mkdir -p "$NODE_DIR"
  (cd "$NODE_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund nats mqtt ws >&2)
fi
export BENCH_NODE_MODULES="$NODE_DIR/node_modules"
# A shared machine's convention: others pause their builds while /work/QUIET exists (set below for the measured runs).
QUIET=${BENCH_QUIET_FILE:-/work/QUIET}
while [ -e "$QUIET" ]; do sleep 20; done
nice -n 10 ./meshwire --version >&2
JAR=${BENCH_JAR:-peer-runtime/target/meshwire.jar}
MW_FLAGS=${BENCH_MW_FLAGS:---send-rate 0}
[ "${BENCH_MW_VERIFY:-0}" = 1 ] && MW_FLAGS="$MW_FLAGS --verify-envelopes"
MW_CLIENT=${BENCH_MW_CLIENT:-bench/relay-bench.mjs}
MW_CLIENT_B=${BENCH_MW_CLIENT_B:-}
SCENARIOS="nats mosquitto meshwire${MW_CLIENT_B:+ meshwire-b}"
WARMUP_SECONDS=${BENCH_WARMUP_SECONDS:-30}

# ---- servers ----
WORK=$(mktemp -d /tmp/relay-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${MADE_QUIET:-}" ] && rm -f "$QUIET"
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
NATS_PORT=$(free_port); MQTT_PORT=$(free_port); MW_PORT=$(free_port)

nats-server -a 127.0.0.1 -p "$NATS_PORT" >"$WORK/nats.log" 2>&1 & PIDS+=($!); NATS_PID=$!
# Mosquitto: nothing may drop or cap a QoS 1 message in flight. persistence false (in memory, as NATS core);
# max_inflight_messages 0 and max_queued_messages/bytes 0 (no limit; the defaults of 20 in flight and 1000 queued
# would throttle or drop at window 256); set_tcp_nodelay true (no Nagle delay on small acks).
cat >"$WORK/mosquitto.conf" <<EOF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
max_inflight_messages 0
max_queued_messages 0
max_queued_bytes 0
set_tcp_nodelay true
EOF
mosquitto -c "$WORK/mosquitto.conf" >"$WORK/mosquitto.log" 2>&1 & PIDS+=($!); MQTT_PID=$!
mkdir "$WORK/mw"
java ${BENCH_JAVA_OPTS:-} -jar "$JAR" coordinator --listen "127.0.0.1:$MW_PORT" --data "$WORK/mw" --no-stun --no-turn $MW_FLAGS \
  >"$WORK/coordinator.log" 2>&1 & PIDS+=($!); MW_PID=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$MW_PORT/health" >/dev/null 2>&1 && [ -f "$WORK/mw/admin-token" ] && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$MW_PORT/health" >/dev/null || { cat "$WORK/coordinator.log" >&2; exit 1; }

cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
declare -A SERVER_PID=([nats]=$NATS_PID [mosquitto]=$MQTT_PID [meshwire]=$MW_PID [meshwire-b]=$MW_PID)
declare -A CLIENT=([nats]=nats [mosquitto]=mqtt [meshwire]=meshwire [meshwire-b]=meshwire)
declare -A URL=([nats]="nats://127.0.0.1:$NATS_PORT" [mosquitto]="mqtt://127.0.0.1:$MQTT_PORT" [meshwire]="ws://127.0.0.1:$MW_PORT"
  [meshwire-b]="ws://127.0.0.1:$MW_PORT")

# ---- quiet machine ----
if [ -d "$(dirname "$QUIET")" ] && [ ! -e "$QUIET" ]; then touch "$QUIET"; MADE_QUIET=1; fi
# Wait (up to BENCH_LOAD_WAIT seconds, default 180) for the 1-minute load average to fall below 1.5.
for _ in $(seq 1 $(( ${BENCH_LOAD_WAIT:-180} / 10 ))); do
  awk '{exit !($1 < 1.5)}' /proc/loadavg && break
  sleep 10
done
CLK=$(getconf CLK_TCK)
export BENCH_CLK_TCK=$CLK
RUNS="$WORK/runs.jsonl"
# The best meshwire msg/s so far: sizes the meshwire sender's pool of pre-signed envelopes (relay-bench.mjs).
BEST_MW=0
best_mw() { node -e 'const r=JSON.parse(process.argv[1]); console.log(Math.max(+process.argv[2], Math.round(r.msgPerSec||0)))' "$1" "$BEST_MW"; }
run_scenario() { # scenario window seconds
  local client=bench/relay-bench.mjs
  [ "$1" = meshwire ] && client=$MW_CLIENT
  [ "$1" = meshwire-b ] && client=$MW_CLIENT_B
  BENCH_SERVER_PID=${SERVER_PID[$1]} BENCH_MW_RATE_HINT=$(( BEST_MW > 8000 ? BEST_MW : 8000 )) \
    node "$client" "${CLIENT[$1]}" "$2" "$3" "${URL[$1]}" "$WORK/mw"
}
WARMUP_FILE="$WORK/warmup.json"; echo null >"$WARMUP_FILE"
if [ "$WARMUP_SECONDS" -gt 0 ]; then
  echo "relay-bench: warming the coordinator up for ${WARMUP_SECONDS} s (not counted)" >&2
  line=$(BENCH_MW_PRESIGN=0 run_scenario meshwire "${WINDOWS%% *}" "$WARMUP_SECONDS")
  echo "$line" >"$WARMUP_FILE"; echo "$line" >&2
  BEST_MW=$(best_mw "$line")
fi
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$ROUNDS"); do
  for w in $WINDOWS; do
    for sc in $SCENARIOS; do
      spid=${SERVER_PID[$sc]}
      t0=$(cpu_ticks "$spid")
      line=$(run_scenario "$sc" "$w" "$SECONDS_PER")
      t1=$(cpu_ticks "$spid")
      [[ $sc == meshwire* ]] && BEST_MW=$(best_mw "$line")
      echo "$line" | node -e '
        const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const [sc, round, ticks, clk, load] = process.argv.slice(1);
        r.scenario = sc; r.round = +round; r.serverCpuSeconds = ticks / clk; r.load1 = +load;
        console.log(JSON.stringify(r));' "$sc" "$round" "$((t1 - t0))" "$CLK" "$(cut -d' ' -f1 /proc/loadavg)" >>"$RUNS"
      tail -1 "$RUNS" >&2
    done
  done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "${MADE_QUIET:-}" ]; then rm -f "$QUIET"; MADE_QUIET=""; fi

# ---- summary ----
mkdir -p "$RESULTS"
OUT="$RESULTS/relay-$(date -u +%Y%m%d-%H%M%S).json"
export NATS_V="$(nats-server --version 2>&1 | head -1)" MQTT_V="$(mosquitto -h 2>&1 | head -1)" \
  MW_V="$(java -jar "$JAR" --version 2>&1 | head -1)" JAVA_V="$(java -version 2>&1 | head -1)" NODE_V="$(node --version)" \
  NPM_V="$(cd "$NODE_DIR" && node -e 'for (const p of ["nats","mqtt","ws"]) process.stdout.write(p+"@"+require("./node_modules/"+p+"/package.json").version+" ")')" \
  LOAD_START LOAD_END SECONDS_PER ROUNDS CPUS="$(nproc)" MW_FLAGS MW_CLIENT MW_CLIENT_B WARMUP_SECONDS
export MACHINE="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), Linux $(uname -r)"
node - "$RUNS" "$OUT" "$WARMUP_FILE" <<'EOF'
const fs = require('fs');
const [runsFile, out, warmupFile] = process.argv.slice(2);
const warmup = JSON.parse(fs.readFileSync(warmupFile, 'utf8'));
const runs = fs.readFileSync(runsFile, 'utf8').trim().split('\n').map(JSON.parse);
const med = (xs) => { const s = xs.filter((x) => x != null).sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : null; };
const e = process.env;
const summary = {};
for (const r of runs) {
  const k = `${r.scenario}@${r.window}`;
  (summary[k] ||= { scenario: r.scenario, window: r.window, rounds: [] }).rounds.push(r);
}
for (const s of Object.values(summary)) {
  s.msgPerSec = med(s.rounds.map((r) => r.msgPerSec));
  s.p50Ms = med(s.rounds.map((r) => r.p50));
  s.p99Ms = med(s.rounds.map((r) => r.p99));
  // CPU per counted message over the measured window (relay-bench.mjs), each process on its own. A client that does
  // not report its window (BENCH_MW_CLIENT pointing to an older client) gets its whole-process CPU per message sent
  // and the broker's CPU over the whole scenario, marked cpuScope 'process'.
  const windowed = s.rounds.every((r) => r.senderCpuUsPerMsg != null);
  s.cpuScope = windowed ? 'window' : 'process';
  const us = (sec, n) => (sec != null && n ? sec / n * 1e6 : null);
  s.serverCpuUsPerMsg = med(s.rounds.map((r) => (windowed ? r.brokerCpuUsPerMsg : us(r.serverCpuSeconds, r.sent))));
  s.senderCpuUsPerMsg = med(s.rounds.map((r) => (windowed ? r.senderCpuUsPerMsg : us(r.senderCpuSeconds, r.sent))));
  s.receiverCpuUsPerMsg = med(s.rounds.map((r) => (windowed ? r.receiverCpuUsPerMsg : us(r.receiverCpuSeconds, r.sent))));
  s.totalCpuUsPerMsg = med(s.rounds.map((r) => (windowed ? r.brokerCpuUsPerMsg + r.senderCpuUsPerMsg + r.receiverCpuUsPerMsg
    : us(r.serverCpuSeconds + r.senderCpuSeconds + r.receiverCpuSeconds, r.sent))));
  if (s.scenario.startsWith('meshwire')) {
    s.poolSizes = s.rounds.map((r) => r.poolSize ?? null);
    s.signedOnTheFlyInWindow = s.rounds.reduce((a, r) => a + (r.signedOnTheFlyInWindow || 0), 0);
    s.presignCpuSeconds = med(s.rounds.map((r) => r.presignCpuSeconds ?? null));
    // Where the coordinator's CPU goes (relay-bench.mjs brokerThreads): medians over the rounds.
    const th = s.rounds.map((r) => r.brokerThreads).filter(Boolean);
    if (th.length) {
      s.coordinatorThreads = {};
      for (const k of Object.keys(th[0])) s.coordinatorThreads[k] = med(th.map((t) => t[k]));
    }
  }
  s.errors = s.rounds.map((r) => r.error || null).filter(Boolean);
}
const windows = [...new Set(runs.map((r) => r.window))];
const ratios = {};
for (const w of windows) {
  const m = summary[`meshwire@${w}`]?.msgPerSec, n = summary[`nats@${w}`]?.msgPerSec, q = summary[`mosquitto@${w}`]?.msgPerSec;
  ratios[w] = { meshwireOverNats: m / n, meshwireOverMosquitto: m / q };
}
const result = {
  date: new Date().toISOString(), benchmark: 'relay', payloadBytes: 1024, secondsPerScenario: +e.SECONDS_PER, warmupSeconds: 2,
  rounds: +e.ROUNDS, cpus: +e.CPUS, coordinatorFlags: e.MW_FLAGS, meshwireClient: e.MW_CLIENT,
  ...(e.MW_CLIENT_B ? { meshwireClientB: e.MW_CLIENT_B } : {}),
  coordinatorWarmupSeconds: +e.WARMUP_SECONDS, coordinatorWarmup: warmup, loadAverageStart: e.LOAD_START, loadAverageEnd: e.LOAD_END,
  machine: e.MACHINE,
  versions: { natsServer: e.NATS_V, mosquitto: e.MQTT_V, meshwire: e.MW_V, java: e.JAVA_V, node: e.NODE_V, clients: e.NPM_V.trim() },
  counted: {
    nats: 'request published with a reply subject; counted when the receiver\'s reply arrives',
    mosquitto: 'QoS 1 publish; receiver (QoS 1 subscription) publishes an ack at QoS 1; counted when the sender receives that ack',
    meshwire: 'send (Envelope v2) → deliver → client_ack; counted when the coordinator\'s receipt reaches the sender',
  },
  cpu: 'CPU µs per counted message over the measured window, per process (sender, receiver, broker); the meshwire '
    + 'sender\'s envelopes are signed before the window (presignCpuSeconds), any signed in it are counted (signedOnTheFlyInWindow)',
  mosquittoConfig: 'persistence false, max_inflight_messages 0, max_queued_messages 0, max_queued_bytes 0, set_tcp_nodelay true',
  ratios, summary: Object.values(summary).map(({ rounds, ...s }) => s), runs,
};
fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
const f = (x, d = 0) => (x == null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
console.log(`Results: ${out}\nload average at start ${e.LOAD_START}, at end ${e.LOAD_END}; ${e.CPUS} CPUs\n`);
console.log('| path | window | msg/s (median of ' + e.ROUNDS + ') | meshwire ÷ this | p50 / p99 round trip (ms) | CPU µs/msg: broker | sender | receiver | all three |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const w of windows) for (const sc of ['nats', 'mosquitto', 'meshwire', 'meshwire-b']) {
  const s = summary[`${sc}@${w}`]; if (!s) continue;
  const m = summary[`meshwire@${w}`].msgPerSec;
  const scope = s.cpuScope === 'window' ? '' : ' ‡';
  console.log(`| ${sc} | ${w} | ${f(s.msgPerSec)} | ${sc === 'meshwire' ? '1.00' : f(m / s.msgPerSec, 2)} | ${f(s.p50Ms, 1)} / ${f(s.p99Ms, 1)} | ${f(s.serverCpuUsPerMsg)}${scope} | ${f(s.senderCpuUsPerMsg)}${scope} | ${f(s.receiverCpuUsPerMsg)}${scope} | ${f(s.totalCpuUsPerMsg)}${scope} |`);
}
const mw = Object.values(summary).filter((s) => s.scenario.startsWith('meshwire'));
if (mw.some((s) => s.cpuScope !== 'window')) console.log('\n‡ whole process per message sent (the client reports no window)');
const onTheFly = mw.reduce((a, s) => a + (s.signedOnTheFlyInWindow || 0), 0);
if (mw.some((s) => s.poolSizes?.some((p) => p != null))) {
  console.log(`\nmeshwire sender: envelopes pre-signed before each run (pools of ${mw.flatMap((s) => s.poolSizes).filter((p) => p != null).map((p) => f(p)).join(', ')}); `
    + (onTheFly ? `**${f(onTheFly)} signed on the fly inside the measured windows** (the pool ran out)` : 'none signed inside a measured window'));
}
for (const s of mw) {
  const t = s.coordinatorThreads; if (!t) continue;
  console.log(`coordinator threads at W ${s.window} (µs/msg): event loops ${f(t.eventLoopUsPerMsg, 1)}, SQLite writer ${f(t.sqliteWriterUsPerMsg, 1)}`
    + ` (${f(t.sqliteWriterCoreShare * 100)} % of a core), JIT ${f(t.jitUsPerMsg, 1)}, GC ${f(t.gcUsPerMsg, 1)}, other ${f(t.otherUsPerMsg, 1)};`
    + ` busiest thread ${f(t.busiestThreadCoreShare * 100)} % of a core; ${f(t.writeBytesPerMsg)} bytes written to storage per message`);
}
if (warmup) console.log(`coordinator warm-up (not counted): ${e.WARMUP_SECONDS} s of meshwire at W ${warmup.window}, ${f(warmup.msgPerSec)} msg/s`);
const errs = Object.values(summary).flatMap((s) => s.errors.map((x) => `${s.scenario}@${s.window}: ${x}`));
const refused = runs.filter((r) => r.errors && Object.keys(r.errors).length).map((r) => `${r.scenario}@${r.window} round ${r.round}: ${JSON.stringify(r.errors)}`);
if (errs.length || refused.length) console.log('\n**errors**: ' + [...errs, ...refused].join('; '));
EOF
CHART=${BENCH_CHART:-docs/img/relay-paths.svg}
if [ "$CHART" != none ]; then
  node bench/chart/relay-paths.mjs --relay "$OUT" --results "$RESULTS" --out "$CHART" \
    || echo "relay-bench: the chart was not redrawn (the results are in $OUT)" >&2
fi
