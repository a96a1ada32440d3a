#!/usr/bin/env bash
# Recovery after a crash (issue #17): kill -9 of the coordinator, of the sending daemon and of the
# receiving daemon, each restarted at once (as a service manager would); measured per kill: kill ->
# both daemons' coordinator links connected -> the next message delivered, over N rounds of the three
# kills, with real processes from the packaged jar. Target: p95 < 3 s for each kind of kill.
# Usage: bench/recovery-bench.sh [rounds=20]   (MESHWIRE_P2P=off|auto passes through to the daemons)
# Results: bench/results/recovery-<date>[-$BENCH_TAG].json. Builds with package only (never install); SKIP_BUILD=1 reuses the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -pl peer-runtime -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test > target-recovery-build.log 2>&1 \
    || { grep -E 'ERROR|FAIL' target-recovery-build.log | head -20; exit 1; }
  rm -f target-recovery-build.log
fi
CP="target/test-classes:target/classes:$(cat peer-runtime/target/bench.classpath)"
cd peer-runtime # the e2e helpers find target/meshwire.jar from here
exec java -Xmx256m ${BENCH_JAVA_OPTS:-} -cp "$CP" \
  dev.meshwire.e2e.RecoveryBench "${1:-20}" ../bench/results
