#!/usr/bin/env bash
# Runs the NAT traversal result matrix: real meshwire daemons behind namespace NATs, a real coordinator (with its
# STUN) and coturn in the public namespace; writes nat-test/reports/matrix-<quick|full>.{md,json,svg}.
#
# usage: nat-test/run-matrix.sh [quick|full] [--messages N] [--parallel N] [--path-wait SECONDS] [--only CELL,...]
#   quick  4 cells, 20 messages each way, one cell at a time (about 65 s)
#   full   every unordered pair of the 11 site behaviours under STUN + TURN (66 cells) plus a STUN-only variant
#          of the 31 pairs where physics rules direct out (97 cells), 10 messages each way, 4 cells at a time,
#          15 s to wait for a channel (about 20 min on 2 cores); see docs/nat-traversal.md "Full matrix"
#
# Needs root, iproute2 (`ip netns`), nftables, coturn and libpulse0 (WebRTC natives):
#   apt-get install -y --no-install-recommends nftables coturn libpulse0
# Exit codes: 0 every cell OK, 1 a cell failed, 2 usage, 3 error, 10-14 preflight refusals (see
# verify-nat-behaviours.sh), 15 coturn missing, 16 meshwire.jar missing.
# Namespaces (mwnt-<pid>-mx*) and every process started inside them are removed on success, failure and Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

if [ "$(id -u)" != 0 ]; then
  echo "nat-test: refusing to run: needs root to create network namespaces (uid $(id -u)); run with sudo or as root" >&2
  exit 11
fi

(cd "$root" && mvn -q -DskipTests package -pl peer-runtime -am)
(cd "$root" && mvn -q -pl nat-test -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)

extra=()
if [ "${1:-}" = full ] && [[ " $* " != *" --parallel "* ]]; then extra=(--parallel 4); fi

exec java -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
    dev.meshwire.nattest.matrix.NatMatrix --jar "$root/peer-runtime/target/meshwire.jar" \
    --classes "$here/target/classes" --report-dir "$here/reports" "${extra[@]}" "$@"
