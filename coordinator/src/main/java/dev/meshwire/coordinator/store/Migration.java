package dev.meshwire.coordinator.store;

import java.util.List;

/**
 * One versioned schema step. Steps are applied in order, each in its own transaction, and recorded
 * in {@code schema_version}; a released step is never edited, only followed by a new one.
 */
public record Migration(int version, String description, List<String> statements) {

    /** The SQL dialects; statements may use {@code ${AUTO_ID}} for an auto-increment primary key. */
    public enum Dialect {
        SQLITE("INTEGER PRIMARY KEY AUTOINCREMENT"),
        POSTGRES("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY");

        private final String autoId;

        Dialect(String autoId) {
            this.autoId = autoId;
        }
    }

    /**
     * The statements of this step for {@code dialect}. A statement starting with {@code @postgres } or
     * {@code @sqlite } belongs to that dialect only (storage parameters that have no portable spelling).
     */
    public List<String> statements(Dialect dialect) {
        String own = "@" + dialect.name().toLowerCase(java.util.Locale.ROOT) + " ";
        return statements.stream()
                .filter(s -> !s.startsWith("@") || s.startsWith(own))
                .map(s -> s.startsWith(own) ? s.substring(own.length()) : s)
                .map(s -> s.replace("${AUTO_ID}", dialect.autoId)).toList();
    }

    /** The coordinator schema, oldest first. The SQL is portable between SQLite and PostgreSQL (see {@link Dialect}). */
    public static final List<Migration> ALL = List.of(
            new Migration(1, "meshes, members, bans, invite uses", List.of(
                    """
                    CREATE TABLE meshes (
                      id           TEXT PRIMARY KEY,
                      name         TEXT NOT NULL UNIQUE,
                      owner_pubkey TEXT NOT NULL,
                      created_at   BIGINT NOT NULL
                    )""",
                    """
                    CREATE TABLE members (
                      mesh_id   TEXT NOT NULL REFERENCES meshes(id),
                      pubkey    TEXT NOT NULL,
                      name      TEXT NOT NULL,
                      role      TEXT NOT NULL,
                      joined_at BIGINT NOT NULL,
                      PRIMARY KEY (mesh_id, pubkey),
                      UNIQUE (mesh_id, name)
                    )""",
                    """
                    CREATE TABLE bans (
                      mesh_id   TEXT NOT NULL REFERENCES meshes(id),
                      pubkey    TEXT NOT NULL,
                      name      TEXT,
                      banned_at BIGINT NOT NULL,
                      banned_by TEXT NOT NULL,
                      PRIMARY KEY (mesh_id, pubkey)
                    )""",
                    """
                    CREATE TABLE invite_uses (
                      mesh_id   TEXT NOT NULL REFERENCES meshes(id),
                      invite_id TEXT NOT NULL,
                      uses      INTEGER NOT NULL,
                      PRIMARY KEY (mesh_id, invite_id)
                    )""")),
            new Migration(2, "durable message queue", List.of(
                    """
                    CREATE TABLE message_queue (
                      id                ${AUTO_ID},
                      message_id        TEXT NOT NULL UNIQUE,
                      mesh_id           TEXT NOT NULL,
                      sender            TEXT NOT NULL,
                      recipient         TEXT NOT NULL,
                      client_message_id TEXT NOT NULL,
                      fingerprint       TEXT NOT NULL,
                      priority          TEXT,
                      envelope          TEXT,
                      created_at        BIGINT NOT NULL,
                      expires_at        BIGINT NOT NULL,
                      claimed_at        BIGINT,
                      claim_id          TEXT,
                      claim_expires_at  BIGINT,
                      delivered_at      BIGINT,
                      attempts          INTEGER NOT NULL DEFAULT 0
                    )""",
                    "CREATE UNIQUE INDEX message_queue_dedupe ON message_queue (mesh_id, sender, recipient, client_message_id)",
                    "CREATE INDEX message_queue_pending ON message_queue (mesh_id, recipient, id) WHERE delivered_at IS NULL",
                    "CREATE INDEX message_queue_expiry ON message_queue (expires_at) WHERE delivered_at IS NULL",
                    "CREATE INDEX message_queue_claims ON message_queue (claim_expires_at) WHERE delivered_at IS NULL AND claim_expires_at IS NOT NULL",
                    "CREATE INDEX message_queue_delivered ON message_queue (delivered_at) WHERE delivered_at IS NOT NULL")),
            // Drain speed (docs/benchmarks.md): a claim only changes columns that no index mentions, so on
            // PostgreSQL it is a HOT update (no new index entries) when the page has room for the new row
            // version; fillfactor 50 leaves that room (new pages only; the queue is transient). The sweeper
            // finds expired leases through message_queue_expiry instead (all undelivered rows, every 15 s).
            new Migration(3, "queue claims without an index (HOT claim updates)", List.of(
                    "DROP INDEX message_queue_claims",
                    "@postgres ALTER TABLE message_queue SET (fillfactor = 50)")),
            // Mesh state (issue #9, docs/storage.md "Mesh state"): the signed event log, its head (the row an
            // append locks), the authority keys that sign it, revocations, and membership expiry.
            new Migration(4, "mesh state: events, heads, authority keys, revocations, member expiry", List.of(
                    """
                    CREATE TABLE authority_keys (
                      mesh_id    TEXT NOT NULL REFERENCES meshes(id),
                      public_key TEXT NOT NULL,
                      secret_key TEXT NOT NULL,
                      created_at BIGINT NOT NULL,
                      retired_at BIGINT,
                      PRIMARY KEY (mesh_id, public_key)
                    )""",
                    """
                    CREATE TABLE mesh_heads (
                      mesh_id TEXT PRIMARY KEY REFERENCES meshes(id),
                      version BIGINT NOT NULL,
                      hash    TEXT NOT NULL
                    )""",
                    """
                    CREATE TABLE mesh_events (
                      mesh_id   TEXT NOT NULL REFERENCES meshes(id),
                      version   BIGINT NOT NULL,
                      hash      TEXT NOT NULL,
                      prev      TEXT NOT NULL,
                      kind      TEXT NOT NULL,
                      at        BIGINT NOT NULL,
                      actor     TEXT NOT NULL,
                      data      TEXT NOT NULL,
                      signature TEXT NOT NULL,
                      PRIMARY KEY (mesh_id, version)
                    )""",
                    "CREATE INDEX mesh_events_kind ON mesh_events (mesh_id, kind, version)",
                    """
                    CREATE TABLE revocations (
                      mesh_id    TEXT NOT NULL REFERENCES meshes(id),
                      pubkey     TEXT NOT NULL,
                      revoked_at BIGINT NOT NULL,
                      revoked_by TEXT NOT NULL,
                      reason     TEXT,
                      PRIMARY KEY (mesh_id, pubkey)
                    )""",
                    "ALTER TABLE members ADD COLUMN expires_at BIGINT",
                    "CREATE INDEX message_queue_sender ON message_queue (mesh_id, sender) WHERE delivered_at IS NULL")),
            // Issue #12 (docs/protocol.md §6.3, docs/storage.md "Queue"): the member a row was sent for — the sender
            // key itself, or the parent of the session / the owner of the service that signed it — recorded at
            // enqueue, so that a ban, revocation or leave of that member reaches rows its sessions queued after they
            // disconnected (the coordinator knows a session's parent from its connection only), and grants judge
            // them by the member. Rows written before this step were all checked as their own sender's.
            new Migration(5, "queue rows know the member they were sent for", List.of(
                    "ALTER TABLE message_queue ADD COLUMN sender_member TEXT",
                    "UPDATE message_queue SET sender_member = sender WHERE sender_member IS NULL",
                    "CREATE INDEX message_queue_sender_member ON message_queue (mesh_id, sender_member) WHERE delivered_at IS NULL")),
            // Issue #10 item 4 (docs/storage.md "Delivered messages"): an acknowledged row leaves the queue; what a
            // retried send within the retention must still be answered with stays here, as raw bytes under a 16-byte
            // hash of the dedupe key (DedupeRecord). No index on delivered_at: the sweeper prunes one slice of the
            // hashed key space per pass. SQLite: WITHOUT ROWID, so the primary key is the table (no rowid, no second
            // b-tree). Rows delivered before this step stay in message_queue and are pruned there as before.
            new Migration(6, "narrow dedupe records for delivered messages", List.of(
                    "@sqlite CREATE TABLE message_dedupe (key BLOB PRIMARY KEY, message_id BLOB NOT NULL, fingerprint BLOB NOT NULL, "
                            + "delivered_at BIGINT NOT NULL) WITHOUT ROWID",
                    // PostgreSQL: the fixed-width column first, so the varlena ones need no alignment padding.
                    "@postgres CREATE TABLE message_dedupe (delivered_at BIGINT NOT NULL, key BYTEA PRIMARY KEY, message_id BYTEA NOT NULL, "
                            + "fingerprint BYTEA NOT NULL)")),
            // Issue #13 (docs/protocol.md §12.2 "History", docs/storage.md "Topic history"): every accepted topic post,
            // as the sender's envelope (ciphertext under a topic key the coordinator never holds), for the history window.
            // seq orders a topic's page; the dedupe key answers a retried post with its original id.
            new Migration(7, "topic history", List.of(
                    """
                    CREATE TABLE topic_messages (
                      seq               ${AUTO_ID},
                      mesh_id           TEXT NOT NULL,
                      topic             TEXT NOT NULL,
                      message_id        TEXT NOT NULL UNIQUE,
                      sender            TEXT NOT NULL,
                      client_message_id TEXT NOT NULL,
                      fingerprint       TEXT NOT NULL,
                      envelope          TEXT NOT NULL,
                      created_at        BIGINT NOT NULL
                    )""",
                    "CREATE UNIQUE INDEX topic_messages_dedupe ON topic_messages (mesh_id, topic, sender, client_message_id)",
                    "CREATE INDEX topic_messages_page ON topic_messages (mesh_id, topic, seq)",
                    "CREATE INDEX topic_messages_age ON topic_messages (created_at)")),
            // Issue #10 item 4 on PostgreSQL (docs/storage.md "Delivered messages", PgDedupeRecord): the bytea record
            // under a bytea primary key cost 137.5 bytes per acknowledged message (80-byte tuples, 36-byte index
            // entries); fixed-width columns make a 64-byte tuple and a b-tree over the key hash's first 8 bytes a
            // 20-byte entry (99 bytes per message in all). Existing records are converted: the first 8 of the 16
            // fingerprint bytes, the time in whole seconds (the ms are dropped, so a record is never pruned early),
            // anything kept verbatim moved to the text columns. SQLite keeps migration 6's table (76 bytes).
            new Migration(8, "narrower dedupe records and a sooner queue vacuum on PostgreSQL", List.of(
                    """
                    @postgres CREATE TABLE message_dedupe_narrow (
                      delivered   INTEGER NOT NULL,
                      id_tail     INTEGER NOT NULL,
                      id_head     BIGINT NOT NULL,
                      fingerprint BIGINT NOT NULL,
                      key_head    BIGINT NOT NULL,
                      key_tail    BIGINT NOT NULL,
                      other_id    TEXT,
                      other_fp    TEXT
                    )""",
                    """
                    @postgres INSERT INTO message_dedupe_narrow (delivered, id_tail, id_head, fingerprint, key_head, key_tail, other_id, other_fp)
                    SELECT (delivered_at / 1000 - 2147483648)::integer,
                      CASE WHEN std_id THEN ('x' || encode(substring(message_id FROM 9 FOR 4), 'hex'))::bit(32)::integer ELSE 0 END,
                      CASE WHEN std_id THEN ('x' || encode(substring(message_id FROM 1 FOR 8), 'hex'))::bit(64)::bigint ELSE 0 END,
                      CASE WHEN std_fp THEN ('x' || encode(substring(fingerprint FROM 1 FOR 8), 'hex'))::bit(64)::bigint ELSE 0 END,
                      ('x' || encode(substring(key FROM 1 FOR 8), 'hex'))::bit(64)::bigint,
                      ('x' || encode(substring(key FROM 9 FOR 8), 'hex'))::bit(64)::bigint,
                      CASE WHEN std_id THEN NULL ELSE convert_from(substring(message_id FROM 1 FOR position('\\x00'::bytea IN message_id) - 1), 'UTF8') END,
                      CASE WHEN std_fp THEN NULL ELSE convert_from(substring(fingerprint FROM 1 FOR position('\\x00'::bytea IN fingerprint) - 1), 'UTF8') END
                    FROM (SELECT d.*, octet_length(message_id) = 12 AS std_id, octet_length(fingerprint) = 16 AS std_fp FROM message_dedupe d) old""",
                    "@postgres DROP TABLE message_dedupe",
                    "@postgres ALTER TABLE message_dedupe_narrow RENAME TO message_dedupe",
                    "@postgres CREATE INDEX message_dedupe_key ON message_dedupe (key_head)",
                    // Under the retention the sweeper deletes as many records as acks insert; the space is reused
                    // only after a VACUUM, so the default trigger (20 % of the table dead) kept ~20 % more than the
                    // live records (119 bytes per record in a steady state; 2 %: 104; bench/pg-dedupe-steady-state.sh).
                    "@postgres ALTER TABLE message_dedupe SET (autovacuum_vacuum_scale_factor = 0.02)",
                    // The queue is transient but at ~5k acks/s the default autovacuum (20 % of the table, throttled)
                    // let dead rows pile up to 1.1 KB of queue per relayed message in a 1M run; every 20,000 dead or
                    // inserted rows, unthrottled, halved that (benchmarks.md "Coordinator disk per relayed message").
                    "@postgres ALTER TABLE message_queue SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 20000, "
                            + "autovacuum_vacuum_cost_delay = 0, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 20000)")),
            // Issue #10 item 4 on PostgreSQL in a steady state (docs/storage.md "Delivered messages", PgDedupeRecord):
            // under the retention migration 8's one record per row measured ~104 bytes per live record, 28 of its 68
            // heap bytes tuple header and line pointer. A row now holds up to three records of one ack statement (same
            // delivery second): a full row is a 136-byte tuple, 46.7 heap bytes per record; each slot's key has its
            // b-tree, partial for the slots that can be empty (~78 per record in all, bench/pg-dedupe-steady-state.sh).
            // Existing records are converted three to a row per delivery second; records kept verbatim (other_id or
            // other_fp) move to message_dedupe_other, which keeps migration 8's shape.
            new Migration(9, "three dedupe records per row on PostgreSQL", List.of(
                    """
                    @postgres CREATE TABLE message_dedupe_slots (
                      delivered     INTEGER NOT NULL,
                      id_tail_a     INTEGER NOT NULL,
                      id_tail_b     INTEGER,
                      id_tail_c     INTEGER,
                      id_head_a     BIGINT NOT NULL,
                      fingerprint_a BIGINT NOT NULL,
                      key_head_a    BIGINT NOT NULL,
                      key_tail_a    BIGINT NOT NULL,
                      id_head_b     BIGINT,
                      fingerprint_b BIGINT,
                      key_head_b    BIGINT,
                      key_tail_b    BIGINT,
                      id_head_c     BIGINT,
                      fingerprint_c BIGINT,
                      key_head_c    BIGINT,
                      key_tail_c    BIGINT
                    )""",
                    """
                    @postgres INSERT INTO message_dedupe_slots
                    SELECT delivered, max(id_tail) FILTER (WHERE n % 3 = 0), max(id_tail) FILTER (WHERE n % 3 = 1), max(id_tail) FILTER (WHERE n % 3 = 2),
                      max(id_head) FILTER (WHERE n % 3 = 0), max(fingerprint) FILTER (WHERE n % 3 = 0), max(key_head) FILTER (WHERE n % 3 = 0), max(key_tail) FILTER (WHERE n % 3 = 0),
                      max(id_head) FILTER (WHERE n % 3 = 1), max(fingerprint) FILTER (WHERE n % 3 = 1), max(key_head) FILTER (WHERE n % 3 = 1), max(key_tail) FILTER (WHERE n % 3 = 1),
                      max(id_head) FILTER (WHERE n % 3 = 2), max(fingerprint) FILTER (WHERE n % 3 = 2), max(key_head) FILTER (WHERE n % 3 = 2), max(key_tail) FILTER (WHERE n % 3 = 2)
                    FROM (SELECT d.*, row_number() OVER (PARTITION BY delivered ORDER BY key_head, key_tail) - 1 AS n
                          FROM message_dedupe d WHERE other_id IS NULL AND other_fp IS NULL) x
                    GROUP BY delivered, n / 3""",
                    "@postgres CREATE TABLE message_dedupe_other (LIKE message_dedupe)",
                    "@postgres INSERT INTO message_dedupe_other SELECT * FROM message_dedupe WHERE other_id IS NOT NULL OR other_fp IS NOT NULL",
                    "@postgres DROP TABLE message_dedupe",
                    "@postgres ALTER TABLE message_dedupe_slots RENAME TO message_dedupe",
                    "@postgres CREATE INDEX message_dedupe_key_a ON message_dedupe (key_head_a)",
                    "@postgres CREATE INDEX message_dedupe_key_b ON message_dedupe (key_head_b) WHERE key_head_b IS NOT NULL",
                    "@postgres CREATE INDEX message_dedupe_key_c ON message_dedupe (key_head_c) WHERE key_head_c IS NOT NULL",
                    "@postgres CREATE INDEX message_dedupe_other_key ON message_dedupe_other (key_head)",
                    "@postgres ALTER TABLE message_dedupe SET (autovacuum_vacuum_scale_factor = 0.02)",
                    // statistics now, so that the lookups plan index probes on the converted records from the start
                    "@postgres ANALYZE message_dedupe",
                    "@postgres ANALYZE message_dedupe_other")),
            // Issue #10 item 1 on SQLite (docs/storage.md "Queue indexes since migration 10"): a relayed message is inserted
            // and deleted within a few commits, and every index it enters costs an entry written and removed. Only the
            // undelivered rows live in the queue since migration 6, so the sweep's expiry delete scans them (as its lease
            // release and its grouped count already do) instead of keeping message_queue_expiry for every message; a
            // member key's row (sender = sender_member, all but session and service rows) is found by ban and revoke
            // through message_queue_sender, so only the other rows enter the index on sender_member. PostgreSQL keeps
            // its indexes (its group path and claims differ; not measured there).
            new Migration(10, "fewer queue index entries per relayed message on SQLite", List.of(
                    "@sqlite DROP INDEX message_queue_expiry",
                    "@sqlite DROP INDEX message_queue_sender_member",
                    "@sqlite CREATE INDEX message_queue_session_member ON message_queue (mesh_id, sender_member) "
                            + "WHERE delivered_at IS NULL AND sender_member <> sender")),
            // Issue #10 item 1 on SQLite (docs/storage.md "Recent dedupe records"): an ack's dedupe record is appended here
            // (row id order, no key index: RecentDedupe knows the keys in memory) and merged into message_dedupe in key
            // order later, instead of each record writing a random page of message_dedupe's b-tree (~10 KB of WAL and
            // checkpoint writes per relayed message). AUTOINCREMENT: a seq is never used twice, so the rows added while a
            // generation is merged are always above the seq that generation's final delete stops at, even after the sweep
            // pruned the newest rows. PostgreSQL keeps its records as they are.
            new Migration(11, "recent dedupe records appended, merged in key order on SQLite", List.of(
                    "@sqlite CREATE TABLE message_dedupe_recent (seq INTEGER PRIMARY KEY AUTOINCREMENT, key BLOB NOT NULL, message_id BLOB NOT NULL, "
                            + "fingerprint BLOB NOT NULL, delivered_at BIGINT NOT NULL)")));

    public static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }
}
