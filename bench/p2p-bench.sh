#!/usr/bin/env bash
# One run: raw webrtc-java (ceiling) vs meshwire direct (framing + crypto_box + Envelope v2 signing +
# per-message acks) vs coordinator relay (same envelopes, real WebSocket), RTT p50/p99, throughput
# (64 KiB messages, median of 3 alternating rounds) and first send -> channel open.
# Results: bench/results/p2p-<date>.json. Needs libpulse0 (WebRTC natives).
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor build: sibling modules resolve to their target/classes (nothing is installed into ~/.m2).
mvn -q -pl peer-runtime -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="peer-runtime/target/test-classes:peer-runtime/target/classes:$(cat peer-runtime/target/bench.classpath)"
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$CP" dev.meshwire.peer.p2p.P2pPathBench
