#!/usr/bin/env bash
# CLI start-up (issue #14, "fast verbs"): the wall time of one `meshwire` call that talks to a running daemon.
# Starts a coordinator and two daemons (alice, bob; one mesh, p2p off) in a temp dir, then runs each measured
# verb N times as a person would type it: `--version`, `status`, `peers`, `send bob hi`. Prints the median and
# p90 wall time and the median CPU time (user+sys, all JVM threads) per verb, and the machine's load average
# before and after (the numbers mean little on a busy machine: compare CPU time there). Target: median <= 250 ms.
# On a shared machine that other jobs keep busy, `chrt -f 10 bench/cli-bench.sh` (root) runs the whole setup (CLI,
# daemons, coordinator) at real-time priority, which approximates an idle machine; say so next to such numbers.
#
# Usage: bench/cli-bench.sh [runs=20]
#   CLI="java -jar /some/other/meshwire.jar" measures another command line the same way (e.g. a plain `java -jar`
#   without the launcher's flags, or an older build); default: ./meshwire (the launcher, with the CDS archive).
#   SKIP_BUILD=1 reuses peer-runtime/target (else `mvn -B -o package -DskipTests`, never install).
#   BENCH_TAG=x appends -x to the result file name.
# Results: bench/results/cli-<date>[-$BENCH_TAG].json
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
runs="${1:-20}"
jar="$root/peer-runtime/target/meshwire.jar"
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -o -pl peer-runtime -am package -DskipTests > "$root/target-cli-bench-build.log" 2>&1 \
    || { grep -E 'ERROR|FAIL' "$root/target-cli-bench-build.log" | head -20; exit 1; }
  rm -f "$root/target-cli-bench-build.log"
fi
[ -f "$jar" ] || { echo "cli-bench: $jar missing (build first)" >&2; exit 1; }
read -r -a cli <<< "${CLI:-$root/meshwire}"

tmp="$(mktemp -d /tmp/meshwire-cli-bench.XXXXXX)"
coord_pid=""
cleanup() {
  for h in alice bob; do
    [ -d "$tmp/$h" ] && java -jar "$jar" --home "$tmp/$h" down >/dev/null 2>&1 || true
  done
  [ -n "$coord_pid" ] && kill "$coord_pid" 2>/dev/null && wait "$coord_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# waits for a condition with a deadline (no fixed sleeps)
await() {
  local what="$1" secs="$2"; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -ge $end ] && { echo "cli-bench: timed out waiting for $what" >&2; exit 1; }
    sleep 0.2
  done
}

export MESHWIRE_P2P=off
java -jar "$jar" coordinator --listen 127.0.0.1:0 --data "$tmp/coord" --no-stun > "$tmp/coord.log" 2>&1 &
coord_pid=$!
await "the coordinator" 60 grep -q 'coordinator listening: ws://' "$tmp/coord.log"
url="$(grep -o 'coordinator listening: ws://[^ ]*' "$tmp/coord.log" | head -1 | sed 's/coordinator listening: //')"
export MESHWIRE_ADMIN_TOKEN="$(cat "$tmp/coord/admin-token")"
"${cli[@]}" --home "$tmp/alice" mesh create bench --coordinator "$url" --name alice > "$tmp/create.out" 2>&1
invite="$(grep -o 'mw1\.[A-Za-z0-9_-]*' "$tmp/create.out" | head -1)"
"${cli[@]}" --home "$tmp/bob" join "$invite" --name bob > /dev/null 2>&1
unset MESHWIRE_ADMIN_TOKEN
# alice sees two members online (herself and bob)
both_online() { [ "$("${cli[@]}" --home "$tmp/alice" peers --json 2>/dev/null | grep -o '"online" *: *true' | wc -l)" -ge 2 ]; }
await "bob online at alice" 60 both_online

# The JVMs just started (coordinator, two daemons) compile and settle for a while; the target is about calls to a
# daemon on an idle machine, so wait (up to 60 s) until the three together use under 3% of a core over a second.
ticks() {
  local t=0 pid
  for pid in "$coord_pid" "$(cat "$tmp/alice/daemon/pid" 2>/dev/null)" "$(cat "$tmp/bob/daemon/pid" 2>/dev/null)"; do
    [ -r "/proc/$pid/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$t"
}
settle_end=$((SECONDS + 60))
while [ $SECONDS -lt $settle_end ]; do
  a="$(ticks)"; sleep 1; b="$(ticks)"
  [ $((b - a)) -le $(( $(getconf CLK_TCK) * 3 / 100 )) ] && break
done

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "cli-bench: $runs calls per verb with: ${cli[*]}"
sched="$(chrt -p $$ 2>/dev/null | sed -n 's/.*scheduling policy: //p' | head -1)"
echo "cli-bench: load average before: $load_before ($(nproc) cores), scheduling policy ${sched:-unknown}"

verbs=("--version" "status" "peers" "send bob hi")
json_rows=()
printf '%-14s %10s %10s %12s\n' verb "median ms" "p90 ms" "cpu med ms"
TIMEFORMAT='%3R %3U %3S'
for v in "${verbs[@]}"; do
  read -r -a args <<< "$v"
  : > "$tmp/times"
  for ((i = 0; i < runs; i++)); do
    { time "${cli[@]}" --home "$tmp/alice" "${args[@]}" > /dev/null 2> "$tmp/err" ; } 2>> "$tmp/times" \
      || { echo "cli-bench: '$v' failed: $(cat "$tmp/err")" >&2; exit 1; }
  done
  # wall and cpu (user+sys) in ms; median = middle value (lower middle for even N), p90 = the ceil(0.9 N)-th
  awk '{printf "%d\n", $1*1000}' "$tmp/times" | sort -n > "$tmp/wall"
  awk '{printf "%d\n", ($2+$3)*1000}' "$tmp/times" | sort -n > "$tmp/cpu"
  m=$(( (runs + 1) / 2 )); p=$(( (runs * 9 + 9) / 10 ))
  stats="$(sed -n "${m}p" "$tmp/wall") $(sed -n "${p}p" "$tmp/wall") $(sed -n "${m}p" "$tmp/cpu") $(sed -n 1p "$tmp/wall") $(sed -n '$p' "$tmp/wall")"
  read -r med p90 cpu min max <<< "$stats"
  printf '%-14s %10s %10s %12s\n' "$v" "$med" "$p90" "$cpu"
  json_rows+=("    {\"verb\": \"$v\", \"runs\": $runs, \"medianMs\": $med, \"p90Ms\": $p90, \"minMs\": $min, \"maxMs\": $max, \"cpuMedianMs\": $cpu}")
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "cli-bench: load average after: $load_after"

mkdir -p bench/results
out="bench/results/cli-$(date -u +%F)${BENCH_TAG:+-$BENCH_TAG}.json"
{
  echo "{"
  echo "  \"bench\": \"cli-startup\","
  echo "  \"date\": \"$(date -u +%FT%TZ)\","
  echo "  \"command\": \"${cli[*]}\","
  echo "  \"java\": \"$(java -version 2>&1 | sed -n 1p | sed 's/"/\\"/g')\","
  echo "  \"cores\": $(nproc),"
  echo "  \"loadBefore\": \"$load_before\","
  echo "  \"loadAfter\": \"$load_after\","
  echo "  \"schedulingPolicy\": \"${sched:-unknown}\","
  echo "  \"targetMedianMs\": 250,"
  echo "  \"verbs\": ["
  for ((i = 0; i < ${#json_rows[@]}; i++)); do
    sep=","; [ $i -eq $((${#json_rows[@]} - 1)) ] && sep=""
    echo "${json_rows[$i]}$sep"
  done
  echo "  ]"
  echo "}"
} > "$out"
echo "cli-bench: wrote $out"
