#!/usr/bin/env bash
# Durable-queue benchmark: enqueue and drain rates and ack latency, on SQLite and PostgreSQL.
# Usage: bench/queue-bench.sh [count=100000] [ciphertext bytes=1024] [stores=sqlite,postgres] [results dir=bench/results]
# PostgreSQL: MESHWIRE_TEST_PG_URL (superuser URL) or a throwaway cluster from /usr/lib/postgresql/*/bin.
# Extra JVM options: BENCH_JAVA_OPTS (e.g. -Dmeshwire.bench.jfr=/tmp/jfr records a JFR profile of each drain).
# Results: bench/results/queue-<date>.json (+ a Markdown table on stdout for docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
# A reactor build (-am): nothing is installed into ~/.m2, and a fresh machine needs no earlier install.
mvn -q -pl coordinator -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test -DskipCdsArchive
CP="coordinator/target/test-classes:coordinator/target/classes:$(cat coordinator/target/bench.classpath)"
exec java -Xmx2g ${BENCH_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.meshwire.coordinator.QueueBenchmark "${1:-100000}" "${2:-1024}" "${3:-sqlite,postgres}" "${4:-bench/results}"
