#!/usr/bin/env bash
# How fast a revocation takes effect on a live direct channel (issue #9): revoke request -> receiver
# applied the event -> last frame it accepted from the revoked key -> channel closed, over N runs
# (fresh mesh each) with full daemons, a real coordinator and real WebRTC. Target: p99 < 2 s.
# Usage: bench/revocation-bench.sh [runs=20]
# Results: bench/results/revocation-<date>.json. Needs libpulse0 (WebRTC natives).
set -euo pipefail
cd "$(dirname "$0")/.."
# Builds with package only (never install: the reactor resolves its own modules); SKIP_BUILD=1 reuses the build.
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q -pl peer-runtime -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
fi
CP="peer-runtime/target/test-classes:peer-runtime/target/classes:$(cat peer-runtime/target/bench.classpath)"
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$CP" dev.meshwire.peer.daemon.RevocationBench "${1:-20}"
