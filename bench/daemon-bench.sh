#!/usr/bin/env bash
# The daemon user path at full speed (issue #10 item 2): app → IPC → outbox → direct or relay → receiver inbox → ack.
# Usage: bench/daemon-bench.sh [seconds=10] [rounds=3] [window=256] [paced rate=5000, 0 = skip] [batch=0] [bytes=1024] [paced seconds]
#   batch > 0: the app sends through POST /v1/send/batch, that many messages per call (0: one POST /v1/send each).
# One JVM: a coordinator (SQLite), alice, bob (direct) and carol (p2p off: relay); a keep-alive HTTP/1.1 app client.
# Env: BENCH_CP (a prebuilt class path, e.g. a copy of another commit's classes for a same-run baseline),
#      BENCH_JAVA_OPTS (e.g. -XX:StartFlightRecording=filename=/tmp/d.jfr; -Dbench.paths=direct or relay to measure one
#      path only; -Dbench.warmup=N seconds of uncounted warm-up per path; this script's default is BENCH_WARMUP=20,
#      because with 3 s the JIT's compilation was 60-150 us of the CPU per message), BENCH_LABEL (suffix of the result file).
# Builds from the reactor (nothing is installed). Results: bench/results/daemon-<stamp>[-label].json.
# Then, unless BENCH_CP measured another build, the chart BENCH_CHART (default docs/img/relay-paths.svg; "none" skips
# it) is redrawn from this result and the newest relay-bench result (bench/chart/relay-paths.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
CHART=${BENCH_CHART:-docs/img/relay-paths.svg}
[ -z "${BENCH_CP:-}" ] || CHART=none
if [ -z "${BENCH_CP:-}" ]; then
  # In the reactor the sibling modules resolve to their target/classes: nothing needs to be installed.
  nice -n 10 mvn -B -o -q -pl peer-runtime -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
    -Dmdep.includeScope=test -DskipCdsArchive >&2
  BENCH_CP="peer-runtime/target/test-classes:peer-runtime/target/classes:$(cat peer-runtime/target/bench.classpath)"
fi
CP="$BENCH_CP"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
java -Xmx1g -XX:-UseDynamicNumberOfCompilerThreads -Dbench.warmup="${BENCH_WARMUP:-20}" ${BENCH_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dbench.label="${BENCH_LABEL:-}" -Dbench.load="$LOAD" \
  -cp "$CP" dev.meshwire.peer.daemon.DaemonThroughputBench "${1:-10}" "${2:-3}" "${3:-256}" "${4:-5000}" "${5:-0}" "${6:-1024}" "${7:-${1:-10}}"
if [ "$CHART" != none ]; then
  node bench/chart/relay-paths.mjs --out "$CHART" || echo "daemon-bench: the chart was not redrawn" >&2
fi
