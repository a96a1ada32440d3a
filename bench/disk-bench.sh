#!/usr/bin/env bash
# Coordinator disk per relayed message (issue #10 item 4): relay N messages of S bytes to an online recipient that
# acks each one, then measure the queue's disk (SQLite file + WAL after a checkpoint; PostgreSQL pg_total_relation_size
# of the queue tables, and per table as found) / N. A send refused with queue_full (the recipient's acks fell
# 200,000 behind, as on a loaded machine) is sent again after 200 ms, so that all N are relayed.
# Usage: bench/disk-bench.sh [count=1000000] [ciphertext bytes=1024] [stores=sqlite,postgres] [label=run] [results dir=bench/results]
# PostgreSQL: MESHWIRE_TEST_PG_URL (superuser URL) or a throwaway cluster from /usr/lib/postgresql/*/bin.
# Results: bench/results/disk-<date>-<label>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor build: sibling modules resolve to their target/classes (nothing is installed into ~/.m2).
mvn -q -o -pl coordinator -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test -DskipCdsArchive
CP="coordinator/target/test-classes:coordinator/target/classes:$(cat coordinator/target/bench.classpath)"
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.meshwire.coordinator.DiskBenchmark "${1:-1000000}" "${2:-1024}" "${3:-sqlite,postgres}" "${4:-run}" "${5:-bench/results}"
