#!/usr/bin/env bash
# Relay latency under many idle peers (issue #10 item 5): a coordinator (SQLite, -Xmx1g) in its own process, a client
# process holding meshes × members authenticated idle peers (they answer pings), and two more peers exchanging a dm
# every intervalMs (send → deliver → client_ack) for the given seconds; p50/p99/max send→deliver, RSS, heap per peer,
# load average. Two processes because one process may hold at most `ulimit -Hn` descriptors (20,000 here).
# Usage: bench/idle-peers-bench.sh [meshes=100] [members per mesh=100] [seconds=75] [intervalMs=10] [label=current] [results dir=bench/results]
# Builds in the reactor (nothing installed). BENCH_SKIP_BUILD=1 reuses coordinator/target (e.g. a scratch worktree of
# another commit that was built already). Results: <results dir>/idle-peers-<date>-<label>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
meshes="${1:-100}"; per="${2:-100}"; seconds="${3:-75}"; interval="${4:-10}"; label="${5:-current}"; results="${6:-bench/results}"
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  mvn -B -o -q -pl coordinator -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test -DskipCdsArchive
fi
CP="coordinator/target/test-classes:coordinator/target/classes:signaling/target/classes:turn-relay/target/classes:sqlite/target/classes:$(cat coordinator/target/bench.classpath)"
ulimit -n "$(ulimit -Hn)"
tmp="$(mktemp -d)"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.meshwire.coordinator.IdlePeersBench server "$tmp" > "$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do [ -e "$tmp/server.json" ] && break; sleep 0.5; done
[ -e "$tmp/server.json" ] || { cat "$tmp/server.log"; echo "the coordinator did not start" >&2; exit 1; }
out="$results/idle-peers-$(date -u +%F)-$label.json"
java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.meshwire.coordinator.IdlePeersBench client "$tmp" "$meshes" "$per" "$seconds" "$interval" "$label" "$out"
echo "wrote $out"
