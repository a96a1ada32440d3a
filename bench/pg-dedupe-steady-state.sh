#!/usr/bin/env bash
# PostgreSQL dedupe records in a steady state (issue #10 item 4; docs/benchmarks.md "PostgreSQL dedupe steady state"):
# the disk bench measures records that were only ever inserted; under the retention the sweeper deletes the oldest
# while new ones come, and the space freed is reused only after a VACUUM. This fills a table shaped as message_dedupe
# with WINDOW random records, then per round inserts 8,000 more and deletes those older than the window, and VACUUMs
# whenever VACUUM_EVERY dead records have gathered (the autovacuum trigger: threshold + scale factor × rows). It prints
# bytes per live record (heap, index, total) every 25 rounds, then the cost of the inserts and of a batch lookup
# (seven runs; read the median).
# LAYOUT m8: migration 8, one record per row under a b-tree on key_head. LAYOUT m9 (PgDedupeRecord): records of one
# ack statement of BATCH records, three to a row sharing the delivery time, a b-tree per slot (partial for b and c);
# the prune deletes whole rows. SQL only, in a scratch table dropped at the end.
# Usage: PGURL=postgresql://user@host:port/db bench/pg-dedupe-steady-state.sh [window=1000000] [rounds=250]
#        [vacuum every=20000] [layout=m9] [records per ack statement=48]
set -euo pipefail
: "${PGURL:?set PGURL to a PostgreSQL URL (superuser not needed)}"
WINDOW=${1:-1000000}
ROUNDS=${2:-250}
VACUUM_EVERY=${3:-20000}
LAYOUT=${4:-m9}
BATCH=${5:-48}
P=(psql -q -X -v ON_ERROR_STOP=1 "$PGURL")
R="(random() * 1.8e19 - 9e18)::bigint"
RI="(random() * 4e9 - 2e9)::bigint::integer"
T=dedupe_steady_state
if [ "$LAYOUT" = m8 ]; then
  # one ack statement = BATCH records, one row each, sharing one delivered value (as migration 8's ACK_SQL)
  CREATE="CREATE TABLE $T (delivered INTEGER NOT NULL, id_tail INTEGER NOT NULL, id_head BIGINT NOT NULL,
    fingerprint BIGINT NOT NULL, key_head BIGINT NOT NULL, key_tail BIGINT NOT NULL, other_id TEXT, other_fp TEXT)
    WITH (autovacuum_enabled = false);
    CREATE INDEX ${T}_key ON $T (key_head);"
  ADD="INSERT INTO $T SELECT b + g / $BATCH, $RI, $R, $R, $R, $R FROM generate_series(0, n * $BATCH - 1) g"
  RECORDS="count(*)"
  INDEXES="pg_relation_size('${T}_key')"
  LOOKUP="SELECT k.kh, d.id_head, d.id_tail, d.fingerprint, d.delivered FROM $T d JOIN unnest(\$1::bigint[], \$2::bigint[]) AS k(kh, kt) ON d.key_head = k.kh AND d.key_tail = k.kt"
  SAMPLE="SELECT key_head AS kh, key_tail AS kt FROM $T"
else
  # one ack statement = BATCH records sharing one delivered value, numbered and grouped three to a row (ACK_SQL)
  COLS=""; SLOTS=""; AGG=""
  for x in a b c; do
    nn=""; [ $x = a ] && nn=" NOT NULL"
    COLS="$COLS, id_head_$x BIGINT$nn, fingerprint_$x BIGINT$nn, key_head_$x BIGINT$nn, key_tail_$x BIGINT$nn"
  done
  for i in 0 1 2; do
    f=" FILTER (WHERE n % 3 = $i)"
    AGG="$AGG, max(ih)$f, max(fp)$f, max(kh)$f, max(kt)$f"
  done
  CREATE="CREATE TABLE $T (delivered INTEGER NOT NULL, id_tail_a INTEGER NOT NULL, id_tail_b INTEGER, id_tail_c INTEGER$COLS)
    WITH (autovacuum_enabled = false);
    CREATE INDEX ${T}_key_a ON $T (key_head_a);
    CREATE INDEX ${T}_key_b ON $T (key_head_b) WHERE key_head_b IS NOT NULL;
    CREATE INDEX ${T}_key_c ON $T (key_head_c) WHERE key_head_c IS NOT NULL;"
  ADD="INSERT INTO $T SELECT st, max(it) FILTER (WHERE n % 3 = 0), max(it) FILTER (WHERE n % 3 = 1), max(it) FILTER (WHERE n % 3 = 2)$AGG
    FROM (SELECT b + g / $BATCH AS st, $RI AS it, $R AS ih, $R AS fp, $R AS kh, $R AS kt, g % $BATCH AS n FROM generate_series(0, n * $BATCH - 1) g) s
    GROUP BY st, n / 3"
  RECORDS="count(*) + count(key_head_b) + count(key_head_c)"
  INDEXES="pg_relation_size('${T}_key_a') + pg_relation_size('${T}_key_b') + pg_relation_size('${T}_key_c')"
  LOOKUP=""
  for x in a b c; do
    [ -n "$LOOKUP" ] && LOOKUP="$LOOKUP UNION ALL "
    LOOKUP="${LOOKUP}SELECT k.kh, d.id_head_$x, d.id_tail_$x, d.fingerprint_$x, d.delivered FROM $T d JOIN unnest(\$1::bigint[], \$2::bigint[]) AS k(kh, kt) ON d.key_head_$x = k.kh AND d.key_tail_$x = k.kt"
  done
  SAMPLE="SELECT CASE s WHEN 0 THEN key_head_a WHEN 1 THEN key_head_b ELSE key_head_c END AS kh,
    CASE s WHEN 0 THEN key_tail_a WHEN 1 THEN key_tail_b ELSE key_tail_c END AS kt FROM $T, generate_series(0, 2) s"
fi
STATEMENTS=$((WINDOW / BATCH))
PER_ROUND=$((8000 / BATCH))
"${P[@]}" <<SQL
DROP TABLE IF EXISTS $T;
$CREATE
CREATE OR REPLACE PROCEDURE ${T}_add(b int, n int) LANGUAGE sql AS \$f\$ $ADD \$f\$;
DO \$\$ BEGIN FOR i IN 0..($STATEMENTS / 500) LOOP CALL ${T}_add(i * 500, least(500, $STATEMENTS - i * 500)); END LOOP; END \$\$;
SQL
report() {
  "${P[@]}" -A -F ' ' -t -c "SELECT '$1', $RECORDS, round(pg_relation_size('$T')::numeric / ($RECORDS), 1),
    round(($INDEXES)::numeric / ($RECORDS), 1), round(pg_total_relation_size('$T')::numeric / ($RECORDS), 1) FROM $T"
}
echo "layout $LAYOUT, $BATCH records per ack statement, window $WINDOW records, vacuum every $VACUUM_EVERY dead records"
echo "round live-records heap-bytes index-bytes total-bytes (per live record)"
report filled
dead=0; insert_ns=0
for r in $(seq 1 "$ROUNDS"); do
  # one statement per ack statement, as the coordinator does (the insert time is per record, CALL overhead included)
  t0=$(date +%s%N)
  "${P[@]}" -c "DO \$\$ DECLARE b int := (SELECT max(delivered) + 1 FROM $T); BEGIN FOR j IN 0..($PER_ROUND - 1) LOOP
      CALL ${T}_add(b + j, 1); END LOOP; END \$\$"
  t1=$(date +%s%N); insert_ns=$((insert_ns + t1 - t0))
  "${P[@]}" -c "DELETE FROM $T WHERE delivered < (SELECT max(delivered) FROM $T) - $STATEMENTS + 1"
  dead=$((dead + PER_ROUND * BATCH))
  if [ "$dead" -ge "$VACUUM_EVERY" ]; then "${P[@]}" -c "VACUUM $T"; dead=0; fi
  if [ $((r % 25)) = 0 ]; then report "$r"; fi
done
echo "insert: $(( insert_ns / (ROUNDS * PER_ROUND * BATCH) )) ns per record ($PER_ROUND statements of $BATCH records per round, psql round trip included)"
# a lookup of 1,000 existing keys in one statement, as the enqueue's findKeys (plan cached as by the coordinator)
"${P[@]}" -c "ANALYZE $T" # the coordinator's autovacuum analyzes; without statistics the planner may hash-join
for i in 1 2 3 4 5 6 7; do
  "${P[@]}" -A -t <<SQL | grep -E "Execution Time" | sed "s/^/lookup of 1,000 keys (run $i): /"
SELECT set_config('plan_cache_mode', 'force_generic_plan', false) \\g /dev/null
PREPARE look(bigint[], bigint[]) AS $LOOKUP;
SELECT array_agg(kh)::text AS khs, array_agg(kt)::text AS kts FROM (SELECT * FROM ($SAMPLE) x WHERE kh IS NOT NULL ORDER BY random() LIMIT 1000) y \\gset
EXPLAIN (ANALYZE, BUFFERS) EXECUTE look(:'khs', :'kts');
SQL
done
"${P[@]}" -c "DROP TABLE $T"
