#!/usr/bin/env bash
# Builds one network-namespace site per NAT behaviour (RFC 4787 mapping x filtering, UDP blocked, no NAT, and
# two CGNAT-like double NATs), probes each router from outside, prints expected vs observed and writes
# nat-test/reports/nat-behaviours.md and .json.
#
# usage: nat-test/verify-nat-behaviours.sh [--only LABEL,...]      e.g. --only EIM-EIF,APDM-APDF
#        nat-test/verify-nat-behaviours.sh cleanup-stale [--all]  delete leftover mwnt-* namespaces
#
# Needs root, iproute2 with `ip netns`, and nftables (apt-get install -y --no-install-recommends nftables).
# Exit codes: 0 all sites behave as configured, 1 mismatch, 2 usage, 3 error while running,
#             10 not Linux, 11 not root, 12 no `ip`, 13 no netns support, 14 nftables NAT unusable.
# Everything runs inside namespaces named mwnt-<pid>-*; they are removed on success, failure and Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

if [ "$(id -u)" != 0 ]; then
  echo "nat-test: refusing to run: needs root to create network namespaces (uid $(id -u)); run with sudo or as root" >&2
  exit 11
fi

# Build the module and turn-relay, which it depends on (without tests, nothing installed), and resolve its runtime classpath.
(cd "$root" && mvn -q -pl nat-test -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)

args=("$@")
if [ "${1:-}" != cleanup-stale ]; then args+=(--report-dir "$here/reports"); fi
# exec: Ctrl-C reaches the JVM directly, whose shutdown hook deletes the namespaces and kills the probes.
exec java -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
    dev.meshwire.nattest.NatBehaviourCheck "${args[@]}"
