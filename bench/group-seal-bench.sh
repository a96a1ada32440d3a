#!/usr/bin/env bash
# Sealing one group message for N recipients: sender keys (body v3, one secretbox pass + N boxes of 32 bytes) vs one
# crypto_box of the whole content per recipient (body v1), for 1 KiB / 64 KiB / 1 MiB and 4 / 16 / 64 recipients.
# Usage: bench/group-seal-bench.sh   Results: bench/results/group-seal-<date>.json (docs/benchmarks.md "Group sealing").
set -euo pipefail
cd "$(dirname "$0")/.."
# Builds with package only (never install); SKIP_BUILD=1 reuses the build.
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q -pl signaling -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
fi
CP="signaling/target/test-classes:signaling/target/classes:$(cat signaling/target/bench.classpath)"
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$CP" dev.meshwire.signaling.crypto.GroupSealBench
