#!/usr/bin/env bash
# PostgreSQL dedupe records in a steady state (issue #10 item 4; docs/benchmarks.md "Coordinator disk per relayed
# message"): the disk bench measures records that were only ever inserted; under the retention the sweeper deletes the
# oldest while new ones come, and the space freed is reused only after a VACUUM. This fills a table shaped as
# message_dedupe (migration 8; PgDedupeRecord) with WINDOW random records in batches of 500, then per round inserts
# 8,000 more and deletes those older than the window, and VACUUMs whenever VACUUM_EVERY dead rows have gathered (the
# autovacuum trigger: threshold + scale factor × rows). It prints bytes per live record (heap, index, total) every
# 25 rounds. SQL only, in a scratch table dropped at the end.
# Usage: PGURL=postgresql://user@host:port/db bench/pg-dedupe-steady-state.sh [window=1000000] [rounds=250] [vacuum every=20000]
set -euo pipefail
: "${PGURL:?set PGURL to a PostgreSQL URL (superuser not needed)}"
WINDOW=${1:-1000000}
ROUNDS=${2:-250}
VACUUM_EVERY=${3:-20000}
P=(psql -q -X -v ON_ERROR_STOP=1 "$PGURL")
"${P[@]}" <<SQL
DROP TABLE IF EXISTS dedupe_steady_state;
CREATE TABLE dedupe_steady_state (delivered INTEGER NOT NULL, id_tail INTEGER NOT NULL, id_head BIGINT NOT NULL,
  fingerprint BIGINT NOT NULL, key_head BIGINT NOT NULL, key_tail BIGINT NOT NULL, other_id TEXT, other_fp TEXT)
  WITH (autovacuum_enabled = false);
CREATE INDEX dedupe_steady_state_key ON dedupe_steady_state (key_head);
DO \$\$ BEGIN FOR i IN 0..($WINDOW / 500 - 1) LOOP
  INSERT INTO dedupe_steady_state SELECT i * 500 + g, 1, 2, 3, (random() * 1.8e19 - 9e18)::bigint, (random() * 1.8e19 - 9e18)::bigint
  FROM generate_series(1, 500) g;
END LOOP; END \$\$;
SQL
report() {
  "${P[@]}" -A -F ' ' -t -c "SELECT '$1', count(*), round(pg_relation_size('dedupe_steady_state')::numeric / count(*), 1),
    round(pg_relation_size('dedupe_steady_state_key')::numeric / count(*), 1),
    round(pg_total_relation_size('dedupe_steady_state')::numeric / count(*), 1) FROM dedupe_steady_state"
}
echo "round live-records heap-bytes index-bytes total-bytes (per live record; window $WINDOW, vacuum every $VACUUM_EVERY dead rows)"
report filled
dead=0
for r in $(seq 1 "$ROUNDS"); do
  "${P[@]}" -c "DO \$\$ DECLARE b int := (SELECT max(delivered) FROM dedupe_steady_state); BEGIN FOR j IN 1..16 LOOP
      INSERT INTO dedupe_steady_state SELECT b + (j - 1) * 500 + g, 1, 2, 3, (random() * 1.8e19 - 9e18)::bigint,
        (random() * 1.8e19 - 9e18)::bigint FROM generate_series(1, 500) g; END LOOP; END \$\$" \
    -c "DELETE FROM dedupe_steady_state WHERE delivered <= (SELECT max(delivered) FROM dedupe_steady_state) - $WINDOW"
  dead=$((dead + 8000))
  if [ "$dead" -ge "$VACUUM_EVERY" ]; then "${P[@]}" -c "VACUUM dedupe_steady_state"; dead=0; fi
  if [ $((r % 25)) = 0 ]; then report "$r"; fi
done
"${P[@]}" -c "DROP TABLE dedupe_steady_state"
