#!/usr/bin/env bash
# Fuzzing meshwire's TURN server at length (issue #11): TurnServerFuzzTest (the one CI runs with 100,000 inputs) with
# N inputs in total, split 45 % UDP datagrams from a client holding an allocation (each mutant signed again), 45 %
# UDP datagrams from a client without one, 10 % TCP streams with broken framing (one connection each), against a real
# TurnServer on 127.0.0.1; then the server must still answer Binding and Allocate over UDP and TCP, and hold no
# allocation, connection or extra descriptor once the clients are gone, with a bounded heap.
# Usage: bench/turn-fuzz.sh [inputs=1000000] [seed=now]   (MVN_ARGS="-o" for an offline build)
# Results: bench/results/turn-fuzz-<date>[-$BENCH_TAG].md. Exit status 1 if a target crashed or a check failed.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-1000000}"
SEED="${2:-$(date +%s)}"
DATE="$(date -u +%Y-%m-%d)"
OUT="bench/results/turn-fuzz-${DATE}${BENCH_TAG:+-$BENCH_TAG}.md"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START="$(date +%s)"
# never install: the reactor builds signaling's test-jar (the harness) for turn-relay itself
set +e
mvn -B ${MVN_ARGS:-} -pl turn-relay -am verify -Dtest=TurnServerFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs \
  -Dfuzz.count="$COUNT" -Dfuzz.seed="$SEED" -Dfuzz.report="$WORK" > "$WORK/mvn.log" 2>&1
RC=$?
set -e
END="$(date +%s)"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS="$WORK/fuzz-results.jsonl"
REPORT="turn-relay/target/surefire-reports/dev.meshwire.turn.fuzz.TurnServerFuzzTest-output.txt"
XML="turn-relay/target/surefire-reports/TEST-dev.meshwire.turn.fuzz.TurnServerFuzzTest.xml"
if [ ! -s "$RESULTS" ]; then
  grep -E 'ERROR|FAIL' "$WORK/mvn.log" | head -30
  echo "no fuzz results (build failed?)" >&2
  exit 1
fi
{
  echo "# TURN server fuzz run, $DATE"
  echo
  echo "- inputs in total: $COUNT, seed: $SEED (rerun: \`bench/turn-fuzz.sh $COUNT $SEED\`, or \`-Dtest=TurnServerFuzzTest -Dfuzz.count=$COUNT -Dfuzz.seed=$SEED\`)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)'), $(java -version 2>&1 | head -1)"
  echo "- CPUs: $(nproc); load average before: $LOAD_BEFORE, after: $LOAD_AFTER (other builds shared the machine)"
  echo "- wall time: $((END - START)) s including the build; maven exit status: $RC"
  echo
  echo "| target | inputs | accepted | refused | crashes | time (s) | client CPU (s) | inputs/s | threads | slowest input (µs) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  jq -r '"| \(.target) | \(.count) | \(.accepted) | \(.refused) | \(.crashes) | \(.millis / 1000 | floor) | \(.cpuMillis / 1000 | floor) | \(if .millis > 0 then (.count * 1000 / .millis | floor) else "-" end) | \(.threads) | \(.slowestMicros) |"' "$RESULTS"
  echo
  TOTAL_CRASHES="$(jq -s 'map(.crashes) | add' "$RESULTS")"
  echo "Total inputs: $(jq -s 'map(.count) | add' "$RESULTS"); crashes: $TOTAL_CRASHES."
  echo
  echo "What the server did with the refused inputs (error code answered, dropped without an answer, connection closed):"
  echo
  grep -h 'refusals:' "$REPORT" | sed 's/^/- /'
  echo
  echo "Checks after the fuzz (JUnit, \`$(basename "$XML")\`):"
  echo
  grep -o 'testcase name="[^"]*"[^>]*time="[^"]*"' "$XML" | sed -E 's/testcase name="([^"]*)".*time="([^"]*)"/- \1: \2 s/'
  grep -h '^waited' "$REPORT" | sed 's/^/  - /'
  FAILS="$(grep -c '<failure\|<error' "$XML" || true)"
  echo
  echo "Failed checks: $FAILS."
  if [ "$FAILS" != "0" ]; then grep -A3 '<failure\|<error' "$XML" | head -40 | sed 's/^/    /'; fi
  if [ "$TOTAL_CRASHES" != "0" ]; then
    echo
    echo "## Crashes (first input of each distinct bug, minimized)"
    jq -r '.target as $t | .crashDetails[] | "- \($t) #\(.index): `\(.exception)` on \(.input)"' "$RESULTS"
  fi
} > "$OUT"
cat "$OUT"
[ "$RC" = 0 ]
