#!/usr/bin/env bash
# Direct (WebRTC data channel) vs coordinator relay through full daemons: one-way latency p50/p99
# (IPC send -> receiver's inbox commit -> message event) and throughput.
# Usage: bench/p2p-daemon-bench.sh [rounds=500] [count=2000] [message bytes=1024]
# Results: bench/results/p2p-daemons-<date>.json. Needs libpulse0 (WebRTC natives).
set -euo pipefail
cd "$(dirname "$0")/.."
# A reactor build (-am): nothing is installed into ~/.m2, and a fresh machine needs no earlier install.
mvn -q -pl peer-runtime -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test -DskipCdsArchive
CP="peer-runtime/target/test-classes:peer-runtime/target/classes:$(cat peer-runtime/target/bench.classpath)"
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$CP" dev.meshwire.peer.daemon.DaemonPathBench "${1:-500}" "${2:-2000}" "${3:-1024}"
