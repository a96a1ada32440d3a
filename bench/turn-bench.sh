#!/usr/bin/env bash
# TURN relay: meshwire vs coturn (issue #11). Both servers run in the same run, on loopback, in interleaved rounds
# (the order alternates each round), driven by the same client: coturn's turnutils_uclient with TURN REST
# credentials (-W secret), 50 clients (-m 50), 1 KiB messages (-l 1024), no RTCP allocations (-c), each client
# relaying to turnutils_peer (an echo peer on 127.0.0.1) and back. Cases: "flat" (-z 0: every client sends as fast
# as the client loop turns), "paced" (-z 20, uclient's default: 50 msg/s per client), and "zN" (-z N: one message every
# N ms per client, for RATE_SECONDS; z4 asks for 12,500 msg/s each way and z2 for 25,000, of which uclient's own timer
# delivers about 7,700 and 15,000 on a 2-CPU machine: the rates are measured, not assumed), over UDP and TCP (-t). Flat out
# neither server keeps 0 % loss on a 2-CPU machine where client, echo peer and server share the cores; the zN cases
# show the highest rate each holds at 0 % loss.
#
# Per run: relayed msg/s each way (client->peer counted where the client sends, peer->client where it receives;
# steady state from uclient's once-a-second counters, so the connect phase and the end-of-run wait for lost packets
# do not count), loss % and average RTT (uclient's own figures), server CPU (utime+stime of the server process from
# /proc/<pid>/stat before and after) per relayed MB (1 KiB payloads in both directions), the client's CPU, and the
# machine's load average. Medians over the rounds go to the summary; every run is kept in the JSON.
#
# Usage: bench/turn-bench.sh [rounds=3]
#   TRANSPORTS="udp tcp"  CASES="flat paced z4 z2"  FLAT_N=2000  PACED_N=400   (messages per client)  RATE_SECONDS=8
#   SERVERS="coturn meshwire" (one of them alone to try the script)
#   SKIP_BUILD=1 reuses peer-runtime/target/meshwire.jar; MVN_ARGS="-o" builds offline
#   MESHWIRE_JAVA_OPTS: JVM options of the meshwire server; PROFILE=1 records a JFR profile of it and writes the
#   hottest frames next to the results
#   BENCH_TAG: suffix of the result file
# Relay ranges are outside the ephemeral range (32768-60999), so no client socket holds a relay port.
# Results: bench/results/turn-<date>[-$BENCH_TAG].json (and ...-profile.txt with PROFILE=1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"
TRANSPORTS="${TRANSPORTS:-udp tcp}"
CASES="${CASES:-flat paced z4 z2}"
RATE_SECONDS="${RATE_SECONDS:-8}"
SERVERS="${SERVERS:-coturn meshwire}"
FLAT_N="${FLAT_N:-2000}"
PACED_N="${PACED_N:-400}"
CLIENTS=50
MSG=1024
DATE="$(date -u +%Y-%m-%d)"
OUT="bench/results/turn-${DATE}${BENCH_TAG:+-$BENCH_TAG}.json"
PROFILE_OUT="bench/results/turn-${DATE}${BENCH_TAG:+-$BENCH_TAG}-profile.txt"
WORK="$(mktemp -d)"
PIDS=()
CLIENT_PID=
cleanup() {
  [ -n "$CLIENT_PID" ] && pkill -TERM -P "$CLIENT_PID" 2>/dev/null; [ -n "$CLIENT_PID" ] && kill "$CLIENT_PID" 2>/dev/null
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need() { command -v "$1" >/dev/null 2>&1; }
if ! need turnserver || ! need turnutils_uclient || ! need turnutils_peer; then
  echo "installing coturn (turnserver, turnutils_uclient, turnutils_peer)..." >&2
  apt-get install -y coturn >/dev/null
fi
for t in jq perl java; do need "$t" || { echo "turn-bench: $t is needed" >&2; exit 1; }; done

if [ -z "${SKIP_BUILD:-}" ]; then
  # package only, never install: the reactor resolves its own modules
  mvn -B -q ${MVN_ARGS:-} -pl peer-runtime -am package -DskipTests
fi
JAR="peer-runtime/target/meshwire.jar"
[ -f "$JAR" ] || { echo "turn-bench: $JAR is missing (build failed?)" >&2; exit 1; }

HZ="$(getconf CLK_TCK)"
SECRET="turn-bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
printf '%s' "$SECRET" > "$WORK/secret"
chmod 600 "$WORK/secret"
BASE=$((20000 + RANDOM % 20000))
PEER_PORT=$BASE # turnutils_peer also takes the next port
COTURN_PORT=$((BASE + 2))
MESHWIRE_PORT=$((BASE + 3))

# utime+stime of a process (all its threads), in clock ticks; the command name may hold spaces, so read after ')'
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

await_port() { # $1 = port, $2 = name, $3 = pid: UDP and TCP listeners on the port, both of that process
  for _ in $(seq 1 600); do
    if ss -Hlnup "sport = :$1" | grep -q "pid=$3," && ss -Hlntp "sport = :$1" | grep -q "pid=$3,"; then return 0; fi
    kill -0 "$3" 2>/dev/null || { echo "turn-bench: $2 exited at start; its log:" >&2; tail -20 "$WORK/$2.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "turn-bench: $2 did not listen on $1 within 60 s" >&2
  exit 1
}

turnutils_peer -L 127.0.0.1 -p "$PEER_PORT" > "$WORK/peer.log" 2>&1 &
PIDS+=($!)

: > "$WORK/coturn.conf" # no /etc/turnserver.conf: only the flags below
turnserver -c "$WORK/coturn.conf" -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$COTURN_PORT" \
  --use-auth-secret --static-auth-secret="$SECRET" --realm=meshwire --allow-loopback-peers --no-cli --no-tls --no-dtls \
  --min-port=61000 --max-port=62999 --userdb="$WORK/coturn.db" --log-file="$WORK/coturn-file.log" --no-stdout-log \
  > "$WORK/coturn.log" 2>&1 &
COTURN_PID=$!
PIDS+=($COTURN_PID)

MESHWIRE_PID=
if [[ " $SERVERS " == *" meshwire "* ]]; then
JFR_OPT=()
[ -n "${PROFILE:-}" ] && JFR_OPT=("-XX:StartFlightRecording=filename=$WORK/meshwire.jfr,settings=profile,dumponexit=true")
# the bench's 50 clients share one REST user: the per-user quota (default 32) is lifted as coturn has none by default
java ${MESHWIRE_JAVA_OPTS:-} "${JFR_OPT[@]}" -jar "$JAR" turn --listen "127.0.0.1:$MESHWIRE_PORT" --secret-file "$WORK/secret" \
  --turn-allow-loopback-peers --turn-relay-ports 63000-64999 --turn-user-quota 1000 > "$WORK/meshwire.log" 2>&1 &
MESHWIRE_PID=$!
PIDS+=($MESHWIRE_PID)
await_port "$MESHWIRE_PORT" meshwire "$MESHWIRE_PID"
fi
await_port "$COTURN_PORT" coturn "$COTURN_PID"
sleep 0.5

# One uclient run. Prints one JSON object. $1 server, $2 case, $3 transport, $4 round ("warmup" is not kept)
run_one() {
  local server=$1 kase=$2 transport=$3 round=$4 port pid z n tflag=()
  if [ "$server" = coturn ]; then port=$COTURN_PORT; pid=$COTURN_PID; else port=$MESHWIRE_PORT; pid=$MESHWIRE_PID; fi
  case "$kase" in
    flat) z=0; n=$FLAT_N ;;
    paced) z=20; n=$PACED_N ;;
    z*) z=${kase#z}; n=$((RATE_SECONDS * 1000 / z)) ;;   # paced at one message every z ms per client
    *) echo "turn-bench: unknown case $kase" >&2; exit 2 ;;
  esac
  [ "$round" = warmup ] && n=$((n / 4))
  [ "$transport" = tcp ] && tflag=(-t)
  local log="$WORK/run-$server-$kase-$transport-$round.log"
  local load_before cpu_before cpu_after t_start t_end
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  cpu_before="$(cpu_ticks "$pid")"
  t_start="$(date +%s.%N)"
  # the client's CPU: this bash's children's times after the client (and the time-stamping perl) were waited for
  set +e
  # in the background and waited for, so that a signal to this script is handled at once (and the trap kills it)
  bash -c 'timeout 180 turnutils_uclient "$@" 2>&1 | perl -MTime::HiRes=time -ne '\''printf "%.3f %s", time, $_'\''; echo "client-status ${PIPESTATUS[0]}"; read -r -a s < /proc/$$/stat; echo "client-cpu-ticks $(( s[15] + s[16] ))"' \
    uclient "${tflag[@]}" -W "$SECRET" -c -m "$CLIENTS" -l "$MSG" -n "$n" -z "$z" -e 127.0.0.1 -r "$PEER_PORT" -p "$port" 127.0.0.1 > "$log" &
  CLIENT_PID=$!
  wait "$CLIENT_PID"
  CLIENT_PID=
  set -e
  t_end="$(date +%s.%N)"
  cpu_after="$(cpu_ticks "$pid")"
  kill -0 "$pid" 2>/dev/null || { echo "turn-bench: $server died during $kase/$transport; its log:" >&2; tail -30 "$WORK/$server.log" >&2; exit 1; }
  # Steady state: the counters of the lines between the first with traffic and the last before each total was reached.
  perl -ne '
    BEGIN { @t=(); @s=(); @r=(); }
    if (/^(\S+) .*Total connect time is/) { $t0 = $1; }
    if (/^(\S+) .*start_mclient: msz=\d+, tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/) { push @t,$1; push @s,$2; push @r,$3; }
    if (/start_mclient: tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/) { $S=$1; $R=$2; }
    if (/Total lost packets (\d+) \(([\d.]+)%\)/) { $lost=$1; $lossp=$2; }
    if (/Average round trip delay ([\d.]+) ms; min = (\d+) ms, max = (\d+) ms/) { $rtt=$1; $rttmax=$3; }
    if (/Average jitter ([\d.]+) ms/) { $jit=$1; }
    if (/^client-status (\d+)/) { $st=$1; }
    if (/^client-cpu-ticks (\d+)/) { $cc=$1; }
    END {
      sub rate { my ($v, $total) = @_; my ($i, $j);
        for my $k (0..$#t) { if ($v->[$k] > 0 && $v->[$k] < $total) { $i = $k unless defined $i; $j = $k; } }
        # from the last line before any traffic to the last line before the total: whole seconds of traffic
        my $a = defined $i && $i > 0 ? $i - 1 : undef;
        if (defined $a && defined $j && $j > $a && $t[$j] > $t[$a]) { return ($v->[$j] - $v->[$a]) / ($t[$j] - $t[$a]); }
        my $end; for my $k (0..$#t) { if ($v->[$k] >= $total) { $end = $t[$k]; last; } }
        return (defined $end && defined $t0 && $end > $t0) ? $total / ($end - $t0) : 0;
      }
      printf "%s %s %s %s %s %s %s %s %.1f %.1f\n", $S // 0, $R // 0, $lost // -1, $lossp // -1, $rtt // -1, $rttmax // -1,
        $jit // -1, $st // -1, rate(\@s, $S // 0), rate(\@r, $R // 0);
    }' "$log" > "$log.parsed"
  local sent recv lost lossp rtt rttmax jitter status to_peer from_peer client_ticks
  read -r sent recv lost lossp rtt rttmax jitter status to_peer from_peer < "$log.parsed"
  client_ticks="$(awk '/^client-cpu-ticks/ {print $2}' "$log")"
  jq -n --arg server "$server" --arg case "$kase" --arg transport "$transport" --arg round "$round" \
    --argjson z "$z" --argjson n "$n" --argjson sent "$sent" --argjson recv "$recv" --argjson lost "$lost" \
    --argjson lossPercent "$lossp" --argjson rttMs "$rtt" --argjson rttMaxMs "$rttmax" --argjson jitterMs "$jitter" \
    --argjson clientStatus "$status" --argjson toPeerMsgPerSec "$to_peer" --argjson fromPeerMsgPerSec "$from_peer" \
    --argjson serverCpuTicks "$((cpu_after - cpu_before))" --argjson clientCpuTicks "${client_ticks:-0}" --argjson hz "$HZ" \
    --argjson wall "$(echo "$t_end - $t_start" | bc)" --arg loadBefore "$load_before" --arg loadAfter "$(cut -d' ' -f1-3 /proc/loadavg)" \
    --argjson msgBytes "$MSG" '
    ($serverCpuTicks * 1000 / $hz) as $cpuMs | (($sent + $recv) * $msgBytes / 1e6) as $mb |
    {server: $server, case: $case, transport: $transport, round: $round, z: $z, messagesPerClient: $n,
     sent: $sent, received: $recv, lost: $lost, lossPercent: $lossPercent,
     toPeerMsgPerSec: ($toPeerMsgPerSec | floor), fromPeerMsgPerSec: ($fromPeerMsgPerSec | floor),
     rttMs: $rttMs, rttMaxMs: $rttMaxMs, jitterMs: $jitterMs, relayedMB: $mb,
     serverCpuMs: $cpuMs, serverCpuMsPerMB: (if $mb > 0 then ($cpuMs / $mb * 100 | round) / 100 else null end),
     clientCpuMs: ($clientCpuTicks * 1000 / $hz), wallSeconds: $wall, clientStatus: $clientStatus,
     loadBefore: $loadBefore, loadAfter: $loadAfter}'
}

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
START="$(date +%s)"
RUNS="$WORK/runs.jsonl"
: > "$RUNS"
echo "warm-up (one short flat run per server and transport, not kept)..." >&2
for transport in $TRANSPORTS; do
  for server in $SERVERS; do run_one "$server" flat "$transport" warmup > /dev/null; done
done
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="$SERVERS"; else order="$(echo $SERVERS | tr ' ' '\n' | tac | tr '\n' ' ')"; fi
  for kase in $CASES; do
    for transport in $TRANSPORTS; do
      for server in $order; do
        run_one "$server" "$kase" "$transport" "$round" > "$WORK/one.json" # not in a pipeline: signals reach the trap
        cat "$WORK/one.json" >> "$RUNS"
        jq -c '{server, case, transport, round, toPeerMsgPerSec, fromPeerMsgPerSec, lossPercent, rttMs, serverCpuMsPerMB}' "$WORK/one.json" >&2
      done
    done
  done
done
END="$(date +%s)"

if [ -n "$MESHWIRE_PID" ]; then
  kill "$MESHWIRE_PID" 2>/dev/null || true # SIGTERM: the JVM writes the JFR recording on its way out
  wait "$MESHWIRE_PID" 2>/dev/null || true
fi
if [ -n "${PROFILE:-}" ] && [ -f "$WORK/meshwire.jfr" ]; then
  {
    echo "# JFR execution samples of the meshwire TURN server during bench/turn-bench.sh, $DATE"
    echo "## top frames (where the CPU was)"
    jfr print --events jdk.ExecutionSample "$WORK/meshwire.jfr" | awk '/stackTrace = \[/ {getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); print}' \
      | sort | uniq -c | sort -rn | head -30
    echo "## top meshwire frames anywhere in the stack"
    jfr print --events jdk.ExecutionSample "$WORK/meshwire.jfr" | grep -o 'dev\.meshwire\.[A-Za-z0-9_.$]*' | sort | uniq -c | sort -rn | head -30
  } > "$PROFILE_OUT"
  echo "profile: $PROFILE_OUT" >&2
fi

jq -s --arg date "$DATE" --arg commit "$(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')" \
  --arg coturn "$(turnserver --version 2>/dev/null | head -1)" --arg java "$(java -version 2>&1 | head -1)" \
  --argjson cpus "$(nproc)" --arg loadStart "$LOAD_START" --arg loadEnd "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --argjson seconds "$((END - START))" --argjson rounds "$ROUNDS" --argjson clients "$CLIENTS" --argjson msgBytes "$MSG" '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  . as $runs |
  [ $runs | group_by([.case, .transport, .server])[] | {
      case: .[0].case, transport: .[0].transport, server: .[0].server, runs: length,
      toPeerMsgPerSec: (map(.toPeerMsgPerSec) | median), fromPeerMsgPerSec: (map(.fromPeerMsgPerSec) | median),
      lossPercent: (map(.lossPercent) | median), lossPercentMax: (map(.lossPercent) | max),
      rttMs: (map(.rttMs) | median), serverCpuMsPerMB: (map(.serverCpuMsPerMB) | median),
      clientCpuMs: (map(.clientCpuMs) | median) } ] as $summary |
  { date: $date, commit: $commit, coturn: $coturn, java: $java, cpus: $cpus, loadStart: $loadStart, loadEnd: $loadEnd,
    seconds: $seconds, rounds: $rounds, clients: $clients, messageBytes: $msgBytes,
    summary: $summary,
    ratios: [ $summary | group_by([.case, .transport])[] | select(length == 2) |
      (map(select(.server == "meshwire"))[0]) as $m | (map(select(.server == "coturn"))[0]) as $c |
      { case: $m.case, transport: $m.transport,
        toPeerMsgPerSec: (if $c.toPeerMsgPerSec > 0 then ($m.toPeerMsgPerSec / $c.toPeerMsgPerSec * 100 | round) / 100 else null end),
        fromPeerMsgPerSec: (if $c.fromPeerMsgPerSec > 0 then ($m.fromPeerMsgPerSec / $c.fromPeerMsgPerSec * 100 | round) / 100 else null end),
        serverCpuPerMB: (if $c.serverCpuMsPerMB > 0 then ($m.serverCpuMsPerMB / $c.serverCpuMsPerMB * 100 | round) / 100 else null end) } ],
    runs: $runs }' "$RUNS" > "$OUT"

jq -r '"TURN relay, meshwire vs coturn: \(.rounds) rounds, \(.clients) clients, \(.messageBytes)-byte messages; \(.cpus) CPUs, load \(.loadStart) -> \(.loadEnd)",
  "case  transport server    to-peer msg/s  from-peer msg/s  loss % (max)  RTT ms  server CPU ms/MB  client CPU ms",
  (.summary[] | "\(.case)\t\(.transport)\t\(.server)\t\(.toPeerMsgPerSec)\t\(.fromPeerMsgPerSec)\t\(.lossPercent) (\(.lossPercentMax))\t\(.rttMs)\t\(.serverCpuMsPerMB)\t\(.clientCpuMs)"),
  "ratios meshwire/coturn:", (.ratios[] | "\(.case)\t\(.transport)\tmsg/s to peer \(.toPeerMsgPerSec)x, from peer \(.fromPeerMsgPerSec)x, CPU/MB \(.serverCpuPerMB)x")' "$OUT"
echo "results: $OUT" >&2
