#!/usr/bin/env bash
# Runs the NAT traversal result matrix: real meshwire daemons behind namespace NATs, a real coordinator (with its
# STUN and, by default, its own embedded TURN server; or coturn beside it with --turn coturn) in the public
# namespace; writes nat-test/reports/matrix-<quick|full>[-coturn|-noturn][-only].{md,json,svg}.
# `./meshwire nat-test ...` runs this script.
# Options: see usage below (or --help). Namespaces (mwnt-<pid>-mx*) and every process started inside them are
# removed on success, failure and Ctrl-C.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

usage() {
  cat <<'USAGE'
usage: ./meshwire nat-test [--matrix quick|full] [--turn meshwire|coturn|none] [--only CELL,...] [--messages N]
                           [--parallel N] [--path-wait SECONDS] [--json] [--list]
       nat-test/run-matrix.sh [quick|full] [the same options]

Runs the NAT traversal matrix on this machine: two real meshwire daemons per cell behind network-namespace NATs
(nftables), a real coordinator with its STUN and TURN (or coturn beside it); messages both ways through the
daemons' IPC; reports which path they end on and whether every message arrived exactly once.
Needs root, iproute2, nftables, libpulse0, and coturn only for --turn coturn
(apt-get install -y --no-install-recommends nftables libpulse0 [coturn]).

  --matrix quick|full  quick (default): 4 cells (flat, cone, symmetric, UDP blocked), 20 messages each way,
                       one cell at a time, about 65 s.
                       full: every pair of the 11 single-NAT behaviours and 2 double-NAT (CGNAT) sites against
                       their partners, 10 messages each way, 4 cells at a time, about 20 min on 2 cores.
  --turn meshwire|coturn|none
                       meshwire (default): the coordinator's own embedded TURN server (UDP and TCP on one port);
                       coturn: coturn beside the coordinator, which hands it out; pairs without a direct path end
                       on TURN. none: STUN only; they must end on the coordinator relay. Reports:
                       matrix-<matrix>.* (meshwire), matrix-<matrix>-coturn.*, matrix-<matrix>-noturn.*.
  --only CELL,...      run only these cells (ids from --list); reports are named matrix-<...>-only.*, so a
                       subset never overwrites the report of a whole run.
  --messages N         messages each way per cell (default 20 quick, 10 full)
  --parallel N         cells at a time (default 1 quick, 4 full)
  --path-wait SECONDS  how long to wait for a channel after the first send (default 15 quick, 30 full; every cell waits for direct that long)
  --json               print the JSON report on stdout instead of the Markdown one (progress stays on stderr)
  --list               print the cells of the chosen matrix and exit (no root needed)

Exit: 0 every cell OK, 1 a cell failed, 2 usage, 3 error (also a failed build), 10 not Linux, 11 not root,
12 no 'ip', 13 cannot create a namespace, 14 no nftables NAT in a namespace, 15 coturn missing (--turn coturn),
16 meshwire.jar missing. Errors are one line on stderr.
USAGE
}

list=no
for a in "$@"; do
  case "$a" in
    -h|--help) usage; exit 0 ;;
    --list) list=yes ;;
  esac
done

if [ "$list" = no ] && [ "$(id -u)" != 0 ]; then
  echo "nat-test: refusing to run: needs root to create network namespaces (uid $(id -u)); run with sudo or as root" >&2
  exit 11
fi

# Maven's output is kept out of the way (stdout carries only the report, stderr one line per error) and shown
# only when the build fails. nat-test depends on turn-relay (RestCredentials, ice4j's codec), so it is built with
# the modules it needs (-am) and nothing is installed into ~/.m2.
log="$(mktemp)"
if ! { (cd "$root" && mvn -q -B -DskipTests package -pl peer-runtime -am) \
    && (cd "$root" && mvn -q -B -pl nat-test -am -DskipTests package dependency:build-classpath \
          -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime); } > "$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "nat-test: build failed (see the Maven output above)" >&2
  exit 3
fi
rm -f "$log"

exec java -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
    dev.meshwire.nattest.matrix.NatMatrix --jar "$root/peer-runtime/target/meshwire.jar" \
    --classes "$here/target/classes" --report-dir "$here/reports" "$@"
