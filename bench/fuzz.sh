#!/usr/bin/env bash
# Fuzzing at length (issue #16): every network-facing parser (frame codec, Envelope v2, invite text,
# mesh_sync/system frames, channel framing and frame assembly, channel payload, IPC request bodies) runs
# N structure-aware inputs through the same *FuzzTest tests CI runs with 100,000 each. Through -am this includes
# turn-relay's TurnServerFuzzTest, for which N is the total of its three targets (bench/turn-fuzz.sh runs it alone).
# Usage: bench/fuzz.sh [inputs per parser=1000000] [seed=now]   (MVN_ARGS="-o" for an offline build)
# Results: bench/results/fuzz-<date>[-$BENCH_TAG].md: per parser inputs, accepted/refused, crashes (with
# the minimized input), duration; the seed, CPUs and load average. Exit status 1 if any parser crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT="${1:-1000000}"
SEED="${2:-$(date +%s)}"
DATE="$(date -u +%Y-%m-%d)"
OUT="bench/results/fuzz-${DATE}${BENCH_TAG:+-$BENCH_TAG}.md"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
START="$(date +%s)"
# Never install: the reactor builds signaling's test-jar (the harness) for peer-runtime itself.
set +e
mvn -B ${MVN_ARGS:-} -pl peer-runtime -am test -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfuzz.count="$COUNT" -Dfuzz.seed="$SEED" -Dfuzz.report="$WORK" > "$WORK/mvn.log" 2>&1
RC=$?
set -e
END="$(date +%s)"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS="$WORK/fuzz-results.jsonl"
if [ ! -s "$RESULTS" ]; then
  grep -E 'ERROR|FAIL' "$WORK/mvn.log" | head -30
  echo "no fuzz results (build failed?)" >&2
  exit 1
fi
{
  echo "# Fuzz run, $DATE"
  echo
  echo "- inputs per parser: $COUNT, seed: $SEED (rerun one parser: \`-Dtest=<Name>FuzzTest -Dfuzz.count=$COUNT -Dfuzz.seed=$SEED\`)"
  echo "- commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)'), $(java -version 2>&1 | head -1)"
  echo "- CPUs: $(nproc); load average before: $LOAD_BEFORE, after: $LOAD_AFTER (other builds shared the machine)"
  echo "- wall time: $((END - START)) s including the build; maven exit status: $RC"
  echo
  echo "| parser | inputs | accepted | refused | crashes | time (s) | CPU (s) | inputs/s | threads | slowest input (µs) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  jq -r '"| \(.target) | \(.count) | \(.accepted) | \(.refused) | \(.crashes) | \(.millis / 1000 | floor) | \(.cpuMillis / 1000 | floor) | \(if .millis > 0 then (.count * 1000 / .millis | floor) else "-" end) | \(.threads) | \(.slowestMicros) |"' "$RESULTS"
  echo
  TOTAL_CRASHES="$(jq -s 'map(.crashes) | add' "$RESULTS")"
  echo "Total inputs: $(jq -s 'map(.count) | add' "$RESULTS"); crashes: $TOTAL_CRASHES."
  if [ "$TOTAL_CRASHES" != "0" ]; then
    echo
    echo "## Crashes (first input of each distinct bug, minimized)"
    jq -r '.target as $t | .crashDetails[] | "- \($t) #\(.index): `\(.exception)` on \(.input)"' "$RESULTS"
  fi
} > "$OUT"
cat "$OUT"
[ "$RC" = 0 ]
