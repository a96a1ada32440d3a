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
# Installs nats-server and mosquitto from apt when missing, and the Node clients (nats, mqtt, ws) into
# BENCH_NODE_DIR (default /tmp/meshwire-relay-bench-node). Builds peer-runtime/target/meshwire.jar via ./meshwire
# (package only, nothing installed). Results: <results dir>/relay-<date>.json and a Markdown table on stdout.
# At the end the chart BENCH_CHART (default docs/img/relay-paths.svg; "none" skips it) is redrawn from this result and
# the newest daemon-bench result (bench/chart/relay-paths.mjs).
# BENCH_JAR: another build's meshwire.jar (with its lib/ next to it), e.g. a copy of main's for a same-session baseline.
# BENCH_MW_FLAGS: coordinator flags (default "--send-rate 0": NATS and Mosquitto limit no connection's publish rate,
# and one sender at the default 5,000/s cap would measure the cap; docs/protocol.md §6 lets operators turn it off).
# BENCH_JAVA_OPTS: coordinator JVM options (e.g. -XX:StartFlightRecording=filename=/tmp/relay.jfr,settings=profile).
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
declare -A SERVER_PID=([nats]=$NATS_PID [mosquitto]=$MQTT_PID [meshwire]=$MW_PID)
declare -A CLIENT=([nats]=nats [mosquitto]=mqtt [meshwire]=meshwire)
declare -A URL=([nats]="nats://127.0.0.1:$NATS_PORT" [mosquitto]="mqtt://127.0.0.1:$MQTT_PORT" [meshwire]="ws://127.0.0.1:$MW_PORT")

# ---- quiet machine ----
if [ -d "$(dirname "$QUIET")" ] && [ ! -e "$QUIET" ]; then touch "$QUIET"; MADE_QUIET=1; fi
# Wait (up to BENCH_LOAD_WAIT seconds, default 180) for the 1-minute load average to fall below 1.5.
for _ in $(seq 1 $(( ${BENCH_LOAD_WAIT:-180} / 10 ))); do
  awk '{exit !($1 < 1.5)}' /proc/loadavg && break
  sleep 10
done
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
CLK=$(getconf CLK_TCK)
RUNS="$WORK/runs.jsonl"
for round in $(seq 1 "$ROUNDS"); do
  for w in $WINDOWS; do
    for sc in nats mosquitto meshwire; do
      spid=${SERVER_PID[$sc]}
      t0=$(cpu_ticks "$spid")
      line=$(node bench/relay-bench.mjs "${CLIENT[$sc]}" "$w" "$SECONDS_PER" "${URL[$sc]}" "$WORK/mw")
      t1=$(cpu_ticks "$spid")
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
  LOAD_START LOAD_END SECONDS_PER ROUNDS CPUS="$(nproc)" MW_FLAGS
export MACHINE="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), Linux $(uname -r)"
node - "$RUNS" "$OUT" <<'EOF'
const fs = require('fs');
const [runsFile, out] = process.argv.slice(2);
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
  // Broker CPU over the whole scenario (warm-up included) per message sent in it.
  s.serverCpuUsPerMsg = med(s.rounds.map((r) => (r.sent ? r.serverCpuSeconds / r.sent * 1e6 : null)));
  s.senderCpuShare = med(s.rounds.map((r) => r.senderCpuSeconds / (r.seconds + 2)));
  s.receiverCpuShare = med(s.rounds.map((r) => r.receiverCpuSeconds / (r.seconds + 2)));
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
  rounds: +e.ROUNDS, cpus: +e.CPUS, coordinatorFlags: e.MW_FLAGS, loadAverageStart: e.LOAD_START, loadAverageEnd: e.LOAD_END,
  machine: e.MACHINE,
  versions: { natsServer: e.NATS_V, mosquitto: e.MQTT_V, meshwire: e.MW_V, java: e.JAVA_V, node: e.NODE_V, clients: e.NPM_V.trim() },
  counted: {
    nats: 'request published with a reply subject; counted when the receiver\'s reply arrives',
    mosquitto: 'QoS 1 publish; receiver (QoS 1 subscription) publishes an ack at QoS 1; counted when the sender receives that ack',
    meshwire: 'send (Envelope v2) → deliver → client_ack; counted when the coordinator\'s receipt reaches the sender',
  },
  mosquittoConfig: 'persistence false, max_inflight_messages 0, max_queued_messages 0, max_queued_bytes 0, set_tcp_nodelay true',
  ratios, summary: Object.values(summary).map(({ rounds, ...s }) => s), runs,
};
fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
const f = (x, d = 0) => (x == null ? '–' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
console.log(`Results: ${out}\nload average at start ${e.LOAD_START}, at end ${e.LOAD_END}; ${e.CPUS} CPUs\n`);
console.log('| path | window | msg/s (median of ' + e.ROUNDS + ') | meshwire ÷ this | p50 / p99 round trip (ms) | broker CPU µs/msg | sender / receiver CPU |');
console.log('|---|---|---|---|---|---|---|');
for (const w of windows) for (const sc of ['nats', 'mosquitto', 'meshwire']) {
  const s = summary[`${sc}@${w}`]; if (!s) continue;
  const m = summary[`meshwire@${w}`].msgPerSec;
  console.log(`| ${sc} | ${w} | ${f(s.msgPerSec)} | ${sc === 'meshwire' ? '1.00' : f(m / s.msgPerSec, 2)} | ${f(s.p50Ms, 1)} / ${f(s.p99Ms, 1)} | ${f(s.serverCpuUsPerMsg)} | ${f(s.senderCpuShare * 100)}% / ${f(s.receiverCpuShare * 100)}% |`);
}
EOF
CHART=${BENCH_CHART:-docs/img/relay-paths.svg}
if [ "$CHART" != none ]; then
  node bench/chart/relay-paths.mjs --relay "$OUT" --results "$RESULTS" --out "$CHART" \
    || echo "relay-bench: the chart was not redrawn (the results are in $OUT)" >&2
fi
