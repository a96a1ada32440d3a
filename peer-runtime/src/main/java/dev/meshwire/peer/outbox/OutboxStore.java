package dev.meshwire.peer.outbox;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.Sqlite;
import dev.meshwire.peer.transport.TransportReceipt;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.sqlite.StatementCache;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The durable outbox ({@code daemon/outbox.db}, 0600, WAL). One {@code outbox} row per accepted
 * request, keyed by {@code client_message_id} (UNIQUE, never released), and one {@code outbox_copy}
 * row per recipient holding the sealed, signed envelope that is resent byte-for-byte on every
 * attempt. The request's {@code state} is an aggregate of its copies, recomputed in the same
 * transaction as every copy transition (docs/delivery.md §1).
 *
 * <p>One JDBC connection, every method {@code synchronized}: SQLite serializes writers anyway, and
 * the accept transaction is {@code BEGIN IMMEDIATE} so a concurrent accept of the same id waits.
 * Blocking: never call from a Vert.x event loop.
 */
public final class OutboxStore implements AutoCloseable {
    public static final int SCHEMA_VERSION = 3;

    public enum State {
        PENDING, INFLIGHT, DONE, DEAD, ABORTED;

        public String wire() { return name().toLowerCase(Locale.ROOT); }

        public static State of(String s) { return valueOf(s.toUpperCase(Locale.ROOT)); }
    }

    /**
     * A recipient copy as stored. {@code doneAt}: the transport took it (the coordinator committed it to its
     * queue, or the peer acked it on a direct channel). {@code deliveredAt}: the recipient's daemon stored it
     * (its direct-channel ack, or the coordinator's {@code receipt} of its {@code client_ack}); null until known.
     */
    public record Copy(long outboxId, String clientMessageId, String meshId, String recipientPubkey, String recipientName,
                       String envelopeJson, State state, int attempts, long nextAttemptAt, String lastError,
                       String messageId, String ackStatus, Long doneAt, Long deliveredAt) {
        /** {@value #DELIVERED}, {@value #ACCEPTED} (done, no receipt yet), or the state while not done. */
        public String delivery() {
            if (state != State.DONE) return state.wire();
            return deliveredAt != null ? DELIVERED : ACCEPTED;
        }
    }

    /** A done copy the recipient's daemon is known to have stored (direct ack, or the coordinator's receipt). */
    public static final String DELIVERED = "delivered";
    /** A done copy the coordinator committed to its queue, with no receipt from the recipient yet. */
    public static final String ACCEPTED = "accepted";

    /** A request row with its copies. */
    public record Request(long id, String clientMessageId, String meshId, String meshName, String destinationKind,
                          String destinationRef, String channel, String priority, String replyToId, String metaJson,
                          String fingerprint, State state, int attempts, long nextAttemptAt, String lastError,
                          long createdAt, long updatedAt, Long doneAt, Long abortedAt, String abortedBy,
                          String supersededBy, String requeuedFrom, List<Copy> copies) {
        /** The coordinator message id when there is exactly one copy and it is done. */
        public String messageId() {
            return copies.size() == 1 ? copies.get(0).messageId() : null;
        }

        /**
         * {@value #DELIVERED} when every recipient's daemon is known to have stored it, {@value #ACCEPTED} when it
         * is done but some recipient has not acknowledged it yet, else the state.
         */
        public String delivery() {
            if (state != State.DONE) return state.wire();
            return deliveredAt() != null ? DELIVERED : ACCEPTED;
        }

        /** When the last recipient's daemon stored it, once every copy is known to be delivered; else null. */
        public Long deliveredAt() {
            if (copies.isEmpty()) return null;
            long last = 0;
            for (Copy c : copies) {
                if (c.deliveredAt() == null) return null;
                last = Math.max(last, c.deliveredAt());
            }
            return last;
        }
    }

    /** What {@link #accept} should insert when the id is free. */
    public record NewRequest(String clientMessageId, String meshId, String meshName, String destinationKind,
                             String destinationRef, String channel, String priority, String replyToId, String metaJson,
                             String fingerprint, List<NewCopy> copies, String requeuedFrom) {}

    /**
     * One copy to insert. {@code envelope}: the object {@code envelopeJson} was serialized from, when the caller has it
     * (not stored; {@link SealedEnvelopes} lets the drain skip parsing the text back), else null.
     */
    public record NewCopy(String recipientPubkey, String recipientName, String envelopeJson, Envelope envelope) {
        public NewCopy(String recipientPubkey, String recipientName, String envelopeJson) {
            this(recipientPubkey, recipientName, envelopeJson, null);
        }
    }

    /** {@code inserted}: the id was free and the row is new; else {@code row} is the existing row, untouched. */
    public record Accepted(boolean inserted, Request row) {}

    private final Connection conn;
    /**
     * Prepared statements of the hot paths (accept, claim, done, aggregate), kept for the connection's life: SQLite
     * compiles a statement on every {@code prepareStatement}, which was a visible share of the drain thread's time.
     * Only used under this object's lock, like the connection.
     */
    private final StatementCache statements;

    public OutboxStore(Path dbFile) {
        try {
            conn = Sqlite.open(dbFile);
            statements = new StatementCache(conn);
            migrate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open outbox " + dbFile + ": " + e.getMessage(), e);
        }
    }

    private void migrate() throws SQLException {
        int version = Sqlite.checkVersion(conn, "outbox.db", SCHEMA_VERSION);
        if (version < 1) {
            conn.setAutoCommit(false);
            try (Statement st = conn.createStatement()) {
                st.execute("""
                        CREATE TABLE outbox (
                          id INTEGER PRIMARY KEY AUTOINCREMENT,
                          client_message_id TEXT NOT NULL UNIQUE,
                          mesh_id TEXT NOT NULL,
                          mesh_name TEXT NOT NULL,
                          destination_kind TEXT NOT NULL CHECK (destination_kind IN ('dm','group')),
                          destination_ref TEXT NOT NULL,
                          channel TEXT NOT NULL,
                          priority TEXT NOT NULL,
                          reply_to_id TEXT,
                          meta_json TEXT,
                          request_fingerprint TEXT NOT NULL,
                          state TEXT NOT NULL CHECK (state IN ('pending','inflight','done','dead','aborted')),
                          attempts INTEGER NOT NULL DEFAULT 0,
                          next_attempt_at INTEGER NOT NULL,
                          last_error TEXT,
                          created_at INTEGER NOT NULL,
                          updated_at INTEGER NOT NULL,
                          done_at INTEGER,
                          aborted_at INTEGER,
                          aborted_by TEXT,
                          superseded_by TEXT,
                          requeued_from TEXT
                        )""");
                st.execute("""
                        CREATE TABLE outbox_copy (
                          outbox_id INTEGER NOT NULL REFERENCES outbox(id),
                          recipient_pubkey TEXT NOT NULL,
                          recipient_name TEXT,
                          envelope TEXT NOT NULL,
                          state TEXT NOT NULL CHECK (state IN ('pending','inflight','done','dead','aborted')),
                          attempts INTEGER NOT NULL DEFAULT 0,
                          next_attempt_at INTEGER NOT NULL,
                          last_error TEXT,
                          coordinator_message_id TEXT,
                          ack_status TEXT,
                          done_at INTEGER,
                          PRIMARY KEY (outbox_id, recipient_pubkey)
                        )""");
                st.execute("CREATE INDEX outbox_state ON outbox(state, created_at)");
                st.execute("CREATE INDEX outbox_copy_due ON outbox_copy(state, next_attempt_at)");
                st.execute("PRAGMA user_version = 1");
                conn.commit();
            } catch (SQLException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        }
        if (version < 2) {
            // v2: when the recipient's daemon is known to have stored the copy (direct ack or relay receipt).
            Sqlite.migrate(conn, 2, "ALTER TABLE outbox_copy ADD COLUMN delivered_at INTEGER");
        }
        if (version < 3) migrateV3();
    }

    /**
     * v3: destination kind {@code topic} (a post to {@code #name}, docs/protocol.md §12.2). SQLite cannot alter a CHECK
     * constraint: the table is rebuilt in one transaction with foreign keys off (SQLite's documented procedure;
     * outbox_copy keeps referring to {@code outbox} by name).
     */
    private void migrateV3() throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA foreign_keys=OFF");
        }
        try {
            Sqlite.migrate(conn, 3, """
                    CREATE TABLE outbox_v3 (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      client_message_id TEXT NOT NULL UNIQUE,
                      mesh_id TEXT NOT NULL,
                      mesh_name TEXT NOT NULL,
                      destination_kind TEXT NOT NULL CHECK (destination_kind IN ('dm','group','topic')),
                      destination_ref TEXT NOT NULL,
                      channel TEXT NOT NULL,
                      priority TEXT NOT NULL,
                      reply_to_id TEXT,
                      meta_json TEXT,
                      request_fingerprint TEXT NOT NULL,
                      state TEXT NOT NULL CHECK (state IN ('pending','inflight','done','dead','aborted')),
                      attempts INTEGER NOT NULL DEFAULT 0,
                      next_attempt_at INTEGER NOT NULL,
                      last_error TEXT,
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL,
                      done_at INTEGER,
                      aborted_at INTEGER,
                      aborted_by TEXT,
                      superseded_by TEXT,
                      requeued_from TEXT
                    )""",
                    "INSERT INTO outbox_v3 SELECT * FROM outbox",
                    "DROP TABLE outbox",
                    "ALTER TABLE outbox_v3 RENAME TO outbox",
                    "CREATE INDEX outbox_state ON outbox(state, created_at)");
        } finally {
            try (Statement st = conn.createStatement()) {
                st.execute("PRAGMA foreign_keys=ON");
            }
        }
    }

    // ---- accept ----

    /**
     * The IPC accept transaction ({@code BEGIN IMMEDIATE}): looks the id up and inserts the request
     * (state pending, every copy pending and due now) only if no row holds it. An existing row is
     * never modified; the caller applies the duplicate table to it.
     */
    public Accepted accept(NewRequest n, long now) {
        return accept(List.of(n), now).get(0);
    }

    /** The most requests one accept transaction carries. */
    static final int MAX_ACCEPT_GROUP = 512;

    private record AcceptJob(NewRequest request, long now, java.util.concurrent.CompletableFuture<Accepted> result) {}

    private final java.util.ArrayDeque<AcceptJob> acceptQueue = new java.util.ArrayDeque<>();
    /** True while one caller commits the queued accepts for everyone (guarded by {@link #acceptQueue}). */
    private boolean acceptLeader;

    /**
     * Accepts {@code requests} (each as {@link #accept(NewRequest, long)}, in order; a later request with the id of an
     * earlier one is its duplicate) by <b>group commit</b>: the calling thread's requests join those of every other
     * thread accepting at the same time, one of the callers commits them all in one transaction, and each caller
     * returns once the transaction holding its requests has committed — so an IPC answer still means "durable"
     * (docs/delivery.md §3), at one commit per group instead of per message. If a group's transaction fails, each of
     * its requests is tried again alone, so one bad request never fails another's.
     */
    public List<Accepted> accept(List<NewRequest> requests, long now) {
        List<AcceptJob> mine = new ArrayList<>(requests.size());
        synchronized (acceptQueue) {
            for (NewRequest n : requests) {
                AcceptJob j = new AcceptJob(n, now, new java.util.concurrent.CompletableFuture<>());
                mine.add(j);
                acceptQueue.add(j);
            }
        }
        AcceptJob last = mine.get(mine.size() - 1);
        while (!last.result().isDone()) {
            List<AcceptJob> group = null;
            synchronized (acceptQueue) {
                if (!acceptLeader && !acceptQueue.isEmpty()) {
                    acceptLeader = true;
                    group = new ArrayList<>();
                    while (!acceptQueue.isEmpty() && group.size() < MAX_ACCEPT_GROUP) group.add(acceptQueue.poll());
                } else if (acceptLeader && !last.result().isDone()) {
                    try {
                        acceptQueue.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while the outbox committed", e);
                    }
                }
            }
            if (group != null) {
                try {
                    commitAccepts(group);
                } catch (Throwable t) {
                    for (AcceptJob j : group) j.result().completeExceptionally(t); // no caller waits forever
                    throw t;
                } finally {
                    synchronized (acceptQueue) {
                        acceptLeader = false;
                        acceptQueue.notifyAll();
                    }
                }
            }
        }
        List<Accepted> out = new ArrayList<>(mine.size());
        for (AcceptJob j : mine) {
            try {
                out.add(j.result().join());
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw e;
            }
        }
        return out;
    }

    private void commitAccepts(List<AcceptJob> group) {
        List<Accepted> results;
        try {
            results = acceptAll(group);
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).result().completeExceptionally(e);
                return;
            }
            for (AcceptJob j : group) {
                try {
                    j.result().complete(acceptAll(List.of(j)).get(0));
                } catch (RuntimeException alone) {
                    j.result().completeExceptionally(alone);
                }
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) group.get(i).result().complete(results.get(i));
    }

    /**
     * One {@code BEGIN IMMEDIATE} transaction: per request, insert it only if no row holds its id (one
     * {@code INSERT … ON CONFLICT DO NOTHING RETURNING id}, which looks the id up in the unique index it checks anyway,
     * instead of a {@code SELECT} before the insert and a {@code last_insert_rowid()} after it), else read the row.
     */
    private synchronized List<Accepted> acceptAll(List<AcceptJob> jobs) {
        return tx(() -> {
            List<Accepted> out = new ArrayList<>(jobs.size());
            for (AcceptJob j : jobs) {
                NewRequest n = j.request();
                Long id = insertLocked(n, j.now());
                // Taken: the existing row is read, never modified (the insert did nothing).
                out.add(id != null ? new Accepted(true, inserted(id, n, j.now())) : new Accepted(false, findLocked(n.clientMessageId())));
            }
            return out;
        });
    }

    /**
     * Inserts the request and its copies (pending, due now); returns the new row's id, or null (and changes nothing)
     * when a row already holds its client message id.
     */
    private Long insertLocked(NewRequest n, long now) throws SQLException {
        long id;
        PreparedStatement ps = cached("""
                INSERT INTO outbox (client_message_id, mesh_id, mesh_name, destination_kind, destination_ref, channel,
                  priority, reply_to_id, meta_json, request_fingerprint, state, attempts, next_attempt_at, created_at,
                  updated_at, requeued_from)
                VALUES (?,?,?,?,?,?,?,?,?,?,'pending',0,?,?,?,?)
                ON CONFLICT (client_message_id) DO NOTHING RETURNING id""");
        ps.setString(1, n.clientMessageId());
        ps.setString(2, n.meshId());
        ps.setString(3, n.meshName());
        ps.setString(4, n.destinationKind());
        ps.setString(5, n.destinationRef());
        ps.setString(6, n.channel());
        ps.setString(7, n.priority());
        ps.setString(8, n.replyToId());
        ps.setString(9, n.metaJson());
        ps.setString(10, n.fingerprint());
        ps.setLong(11, now);
        ps.setLong(12, now);
        ps.setLong(13, now);
        ps.setString(14, n.requeuedFrom());
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) return null;
            id = rs.getLong(1);
        }
        PreparedStatement cps = cached("""
                INSERT INTO outbox_copy (outbox_id, recipient_pubkey, recipient_name, envelope, state, attempts, next_attempt_at)
                VALUES (?,?,?,?,'pending',0,?)""");
        for (NewCopy c : n.copies()) {
            cps.setLong(1, id);
            cps.setString(2, c.recipientPubkey());
            cps.setString(3, c.recipientName());
            cps.setString(4, c.envelopeJson());
            cps.setLong(5, now);
            cps.addBatch();
        }
        cps.executeBatch();
        return id;
    }

    /**
     * The row {@link #insertLocked} just wrote, as {@link #findLocked} would read it back (copies in its order: by
     * name, nameless first, then key) — built from what was inserted instead of two more queries per accept.
     */
    private static Request inserted(long id, NewRequest n, long now) {
        List<Copy> copies = new ArrayList<>();
        for (NewCopy c : n.copies()) {
            copies.add(new Copy(id, n.clientMessageId(), n.meshId(), c.recipientPubkey(), c.recipientName(), c.envelopeJson(),
                    State.PENDING, 0, now, null, null, null, null, null));
        }
        copies.sort(java.util.Comparator.comparing(Copy::recipientName, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()))
                .thenComparing(Copy::recipientPubkey));
        return new Request(id, n.clientMessageId(), n.meshId(), n.meshName(), n.destinationKind(), n.destinationRef(), n.channel(),
                n.priority(), n.replyToId(), n.metaJson(), n.fingerprint(), State.PENDING, 0, now, null, now, now, null, null, null,
                null, n.requeuedFrom(), List.copyOf(copies));
    }

    // ---- reads ----

    public synchronized Request find(String clientMessageId) {
        try {
            return findLocked(clientMessageId);
        } catch (SQLException e) {
            throw new IllegalStateException("outbox read failed: " + e.getMessage(), e);
        }
    }

    private Request findLocked(String clientMessageId) throws SQLException {
        PreparedStatement ps = cached("SELECT * FROM outbox WHERE client_message_id = ?");
        ps.setString(1, clientMessageId);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) return null;
            return request(rs, copiesOf(rs.getLong("id"), clientMessageId, rs.getString("mesh_id")));
        }
    }

    /** Newest first; {@code states} empty = all states; {@code limit} clamped to 1..10000. */
    public synchronized List<Request> list(Collection<State> states, int limit) {
        return list(states, null, limit);
    }

    /** As {@link #list(Collection, int)}, only the requests sent in mesh {@code meshName} when it is not null. */
    public synchronized List<Request> list(Collection<State> states, String meshName, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM outbox WHERE 1 = 1");
        if (states != null && !states.isEmpty()) {
            sql.append(" AND state IN (").append(String.join(",", states.stream().map(s -> "'" + s.wire() + "'").toList())).append(')');
        }
        if (meshName != null) sql.append(" AND mesh_name = ?");
        sql.append(" ORDER BY id DESC LIMIT ?");
        List<Request> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
            int i = 1;
            if (meshName != null) ps.setString(i++, meshName);
            ps.setInt(i, Math.max(1, Math.min(10_000, limit)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(request(rs, List.of()));
                }
            }
            List<Request> full = new ArrayList<>();
            for (Request r : out) full.add(withCopies(r, copiesOf(r.id(), r.clientMessageId(), r.meshId())));
            return full;
        } catch (SQLException e) {
            throw new IllegalStateException("outbox read failed: " + e.getMessage(), e);
        }
    }

    /** Number of requests per state (all five keys present). */
    public synchronized Map<String, Long> counts() {
        return countsWhere(null, null);
    }

    /** Number of requests per state sent in mesh {@code meshName} (all five keys present). */
    public synchronized Map<String, Long> countsInMesh(String meshName) {
        return countsWhere("mesh_name", meshName);
    }

    /** Requests of mesh {@code meshId} not finished yet: pending or in flight (what {@code status} calls pending). */
    public synchronized long unfinished(String meshId) {
        Map<String, Long> m = countsWhere("mesh_id", meshId);
        return m.get(State.PENDING.wire()) + m.get(State.INFLIGHT.wire());
    }

    private Map<String, Long> countsWhere(String column, String value) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (State s : State.values()) m.put(s.wire(), 0L);
        String sql = "SELECT state, COUNT(*) FROM outbox" + (column != null ? " WHERE " + column + " = ?" : "") + " GROUP BY state";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            if (column != null) ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) m.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    /**
     * Aborts every unfinished (pending or in-flight) request of mesh {@code meshId}: the mesh is being left or
     * forgotten, so they can never be delivered. The rows stay, as {@code aborted} by {@code by}.
     *
     * @return how many requests were aborted
     */
    public synchronized int abortUnfinished(String meshId, String by, long now) {
        return tx(() -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT id FROM outbox WHERE mesh_id = ? AND state IN ('pending','inflight')")) {
                ps.setString(1, meshId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) abortLocked(id, by, null, now);
            return ids.size();
        });
    }

    /** The earliest {@code next_attempt_at} of a pending copy in one of the meshes, or null. */
    public synchronized Long nextDue(Collection<String> meshIds) {
        if (meshIds.isEmpty()) return null;
        String in = String.join(",", meshIds.stream().map(x -> "?").toList());
        try {
            // Kept (one statement per number of meshes): the drain asks this on every pass.
            PreparedStatement ps = cached("SELECT MIN(c.next_attempt_at) FROM outbox_copy c JOIN outbox o ON o.id = c.outbox_id"
                    + " WHERE c.state = 'pending' AND o.mesh_id IN (" + in + ")");
            int i = 1;
            for (String m : meshIds) ps.setString(i++, m);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                long v = rs.getLong(1);
                return rs.wasNull() ? null : v;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- drain transitions ----

    /**
     * Claims up to {@code limit} due pending copies of one mesh, oldest request first: each becomes
     * {@code inflight} with {@code attempts + 1} in one transaction, before anything is sent.
     */
    public synchronized List<Copy> claimDue(String meshId, long now, int limit) {
        if (limit <= 0) return List.of();
        return tx(() -> {
            List<Copy> due = new ArrayList<>();
            List<Long> rowids = new ArrayList<>();
            // The LIMIT in the text (rounded up to a power of two; rows past the limit unread): a bound LIMIT makes
            // SQLite prepare the statement again at every execution (StatementCache#getLimited).
            PreparedStatement ps = statements.getLimited("""
                    SELECT c.rowid AS copy_rowid, c.*, o.client_message_id, o.mesh_id FROM outbox_copy c JOIN outbox o ON o.id = c.outbox_id
                    WHERE c.state = 'pending' AND c.next_attempt_at <= ? AND o.mesh_id = ?
                    ORDER BY c.outbox_id, c.recipient_pubkey""", limit);
            ps.clearParameters();
            ps.setLong(1, now);
            ps.setString(2, meshId);
            try (ResultSet rs = ps.executeQuery()) {
                while (due.size() < limit && rs.next()) {
                    rowids.add(rs.getLong("copy_rowid"));
                    due.add(copy(rs, rs.getString("client_message_id"), rs.getString("mesh_id")));
                }
            }
            if (due.isEmpty()) return due;
            // One statement for the whole batch (it was one UPDATE per copy): the rows it returns are the claimed ones.
            // "+state": the rows are found by rowid; without the "+" SQLite (no ANALYZE statistics) walks every pending
            // copy through the outbox_copy_due index and looks each up in the list, which grows with the backlog.
            PreparedStatement up = cached("""
                    UPDATE outbox_copy SET state = 'inflight', attempts = attempts + 1
                    WHERE rowid IN (SELECT value FROM json_each(?)) AND +state = 'pending' RETURNING rowid""");
            up.setString(1, jsonNumbers(rowids));
            Set<Long> took = new java.util.HashSet<>();
            try (ResultSet rs = up.executeQuery()) {
                while (rs.next()) took.add(rs.getLong(1));
            }
            List<Copy> claimed = new ArrayList<>(took.size());
            Set<Long> ids = new LinkedHashSet<>();
            for (int i = 0; i < due.size(); i++) {
                if (!took.contains(rowids.get(i))) continue;
                Copy c = due.get(i);
                claimed.add(new Copy(c.outboxId(), c.clientMessageId(), c.meshId(), c.recipientPubkey(), c.recipientName(),
                        c.envelopeJson(), State.INFLIGHT, c.attempts() + 1, c.nextAttemptAt(), c.lastError(),
                        c.messageId(), c.ackStatus(), c.doneAt(), c.deliveredAt()));
                ids.add(c.outboxId());
            }
            aggregateLocked(ids, now);
            return claimed;
        });
    }

    /**
     * The transport took the copy: the coordinator acked it ({@code accepted}, {@code duplicate} or an old
     * coordinator's {@code relayed}), or the peer acked it on a direct channel ({@link TransportReceipt#DELIVERED}, which is
     * also the delivery: the peer acks after its inbox commit, so {@code delivered_at} is set too).
     */
    public synchronized void markDone(long outboxId, String recipient, String messageId, String ackStatus, long now) {
        markDone(List.of(new Done(outboxId, recipient, messageId, ackStatus)), now);
    }

    /** One copy the transport took: {@link #markDone(long, String, String, String, long)}'s arguments. */
    public record Done(long outboxId, String recipient, String messageId, String ackStatus) {}

    /**
     * {@link #markDone(long, String, String, String, long)} for many copies in <b>one</b> transaction (group commit:
     * the drain applies every answer that arrived since its last pass at once), each request's aggregate recomputed
     * once. Same effect as marking them one by one.
     */
    public synchronized void markDone(List<Done> copies, long now) {
        if (copies.isEmpty()) return;
        List<List<Object>> rows = new ArrayList<>(copies.size());
        for (Done d : copies) rows.add(java.util.Arrays.asList(d.outboxId(), d.recipient(), d.messageId(), d.ackStatus()));
        String json;
        try {
            json = dev.meshwire.signaling.Json.MAPPER.writeValueAsString(rows);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the done copies", e);
        }
        tx(() -> {
            // One statement for the whole batch (it was one UPDATE per copy); a copy not inflight any more is left alone.
            // "+state" makes SQLite look each entry up by the primary key; without it (no ANALYZE statistics) it drove
            // the join from the outbox_copy_due index, every inflight copy against every entry: 7x slower at 256.
            PreparedStatement ps = cached("""
                    UPDATE outbox_copy SET state = 'done', coordinator_message_id = d.value ->> 2, ack_status = d.value ->> 3,
                      done_at = ?1, last_error = NULL,
                      delivered_at = COALESCE(delivered_at, CASE WHEN d.value ->> 3 = ?3 THEN ?1 END)
                    FROM json_each(?2) AS d
                    WHERE outbox_copy.outbox_id = d.value ->> 0 AND outbox_copy.recipient_pubkey = d.value ->> 1
                      AND +outbox_copy.state = 'inflight'
                    RETURNING outbox_id""");
            ps.setLong(1, now);
            ps.setString(2, json);
            ps.setString(3, TransportReceipt.DELIVERED);
            Set<Long> ids = new LinkedHashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) ids.add(rs.getLong(1));
            }
            aggregateLocked(ids, now);
            return null;
        });
    }

    /** One coordinator {@code receipt}: {@code recipient} acknowledged the copy of {@code clientMessageId} in {@code meshId} at {@code at}. */
    public record ReceiptRef(String meshId, String recipient, String clientMessageId, long at) {}

    /** A receipt that marked a copy, with the recipient's display name as stored with the copy. */
    public record Marked(ReceiptRef receipt, String recipientName) {}

    /**
     * The coordinator's {@code receipt}s, applied in one transaction: each marks the copy it names delivered.
     * Keyed by the client message id, not the coordinator's message id, because a receipt may be read before
     * the coordinator's {@code ack} of the same send has been recorded. The first receipt wins; a copy in any
     * state is marked (a late receipt for a copy being retried still says the recipient has it). A receipt
     * that names no copy of this outbox (another mesh, another recipient, an unknown id) changes nothing.
     *
     * @return the receipts that marked a copy now
     */
    public synchronized List<Marked> markDelivered(List<ReceiptRef> receipts) {
        if (receipts.isEmpty()) return List.of();
        return tx(() -> {
            List<Marked> marked = new ArrayList<>();
            // One statement per receipt (it was an update and a read of the name): the marked copy returns its name.
            PreparedStatement up = cached("""
                    UPDATE outbox_copy SET delivered_at = ?
                    WHERE recipient_pubkey = ? AND delivered_at IS NULL
                      AND outbox_id = (SELECT id FROM outbox WHERE client_message_id = ? AND mesh_id = ?)
                    RETURNING recipient_name""");
            for (ReceiptRef r : receipts) {
                up.setLong(1, r.at());
                up.setString(2, r.recipient());
                up.setString(3, r.clientMessageId());
                up.setString(4, r.meshId());
                try (ResultSet rs = up.executeQuery()) {
                    if (rs.next()) marked.add(new Marked(r, rs.getString(1)));
                }
            }
            return marked;
        });
    }

    /** One receipt ({@link #markDelivered(List)}); the request if a copy of it was marked now. */
    public java.util.Optional<Request> markDelivered(String meshId, String recipient, String clientMessageId, long at) {
        return markDelivered(List.of(new ReceiptRef(meshId, recipient, clientMessageId, at))).isEmpty()
                ? java.util.Optional.empty() : java.util.Optional.ofNullable(find(clientMessageId));
    }

    /** Retryable failure: back to pending, due at {@code nextAttemptAt}. */
    public synchronized void markRetry(long outboxId, String recipient, String error, long nextAttemptAt, long now) {
        copyTransition(outboxId, recipient, """
                UPDATE outbox_copy SET state = 'pending', last_error = ?, next_attempt_at = ?
                WHERE outbox_id = ? AND recipient_pubkey = ? AND state = 'inflight'""", now, error, nextAttemptAt);
    }

    /** Permanent refusal: dead, never retried under this id. */
    public synchronized void markDead(long outboxId, String recipient, String error, long now) {
        copyTransition(outboxId, recipient, """
                UPDATE outbox_copy SET state = 'dead', last_error = ?
                WHERE outbox_id = ? AND recipient_pubkey = ? AND state IN ('inflight','pending')""", now, error);
    }

    private void copyTransition(long outboxId, String recipient, String sql, long now, Object... leading) {
        tx(() -> {
            PreparedStatement ps = cached(sql);
            int i = 1;
            for (Object o : leading) {
                if (o == null) ps.setNull(i++, Types.VARCHAR);
                else if (o instanceof Long l) ps.setLong(i++, l);
                else ps.setString(i++, o.toString());
            }
            ps.setLong(i++, outboxId);
            ps.setString(i, recipient);
            ps.executeUpdate();
            aggregateLocked(outboxId, now);
            return null;
        });
    }

    /** Start-up crash recovery: every inflight copy becomes pending and due now. Returns how many. */
    public synchronized int recoverInflight(long now) {
        return tx(() -> {
            List<Long> ids = idsWhere("SELECT DISTINCT outbox_id FROM outbox_copy WHERE state = 'inflight'");
            int n;
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE outbox_copy SET state = 'pending', next_attempt_at = ?, last_error = 'daemon restarted while in flight'"
                            + " WHERE state = 'inflight'")) {
                ps.setLong(1, now);
                n = ps.executeUpdate();
            }
            aggregateLocked(ids, now);
            return n;
        });
    }

    /** The link of a mesh (re)connected: every pending copy of it is due now. */
    public synchronized int makeDueNow(String meshId, long now) {
        return tx(() -> {
            try (PreparedStatement ps = conn.prepareStatement("""
                    UPDATE outbox_copy SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?
                      AND outbox_id IN (SELECT id FROM outbox WHERE mesh_id = ?)""")) {
                ps.setLong(1, now);
                ps.setLong(2, now);
                ps.setString(3, meshId);
                int n = ps.executeUpdate();
                if (n > 0) {
                    try (PreparedStatement up = conn.prepareStatement(
                            "UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND mesh_id = ?")) {
                        up.setLong(1, now);
                        up.setString(2, meshId);
                        up.executeUpdate();
                    }
                }
                return n;
            }
        });
    }

    /** Pending copies of requests created before {@code cutoff} become dead ({@code max_age}). */
    public synchronized int expire(long cutoff, long now, String reason) {
        return tx(() -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT id FROM outbox WHERE state = 'pending' AND created_at < ?")) {
                ps.setLong(1, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getLong(1));
                }
            }
            int n = 0;
            try (PreparedStatement ps = conn.prepareStatement(
                    "UPDATE outbox_copy SET state = 'dead', last_error = ? WHERE outbox_id = ? AND state = 'pending'")) {
                for (long id : ids) {
                    ps.setString(1, reason);
                    ps.setLong(2, id);
                    n += ps.executeUpdate();
                }
            }
            aggregateLocked(ids, now);
            return n;
        });
    }

    /**
     * Operator requeue: in one transaction the old row (dead or pending) becomes {@code aborted}
     * (with who/when and {@code superseded_by}) and the new request is inserted pending. Returns the
     * new row; throws {@link PeerException} ({@code unknown_message}, {@code not_requeueable}, or
     * {@code bad_request} when the new id is taken) and changes nothing then.
     */
    public synchronized Request requeue(String oldClientMessageId, NewRequest fresh, String by, long now) {
        return tx(() -> {
            Request old = findLocked(oldClientMessageId);
            if (old == null) {
                throw new PeerException(PeerException.UNKNOWN_MESSAGE, "no message with id '" + oldClientMessageId + "' in the outbox");
            }
            if (old.state() != State.DEAD && old.state() != State.PENDING) {
                throw new PeerException(PeerException.NOT_REQUEUEABLE, "only dead or pending messages can be requeued; '"
                        + oldClientMessageId + "' is " + old.state().wire());
            }
            if (findLocked(fresh.clientMessageId()) != null) {
                throw new PeerException(PeerException.BAD_REQUEST, "the new id '" + fresh.clientMessageId()
                        + "' is already used in the outbox; ids are never reused");
            }
            abortLocked(old.id(), by, fresh.clientMessageId(), now);
            insertLocked(fresh, now);
            return findLocked(fresh.clientMessageId());
        });
    }

    /** Marks a request aborted (and its unfinished copies), keeping the row forever. */
    public synchronized void abort(String clientMessageId, String by, long now) {
        tx(() -> {
            Request r = findLocked(clientMessageId);
            if (r == null) throw new IllegalArgumentException("no outbox row with id '" + clientMessageId + "'");
            abortLocked(r.id(), by, null, now);
            return null;
        });
    }

    private void abortLocked(long id, String by, String supersededBy, long now) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                "UPDATE outbox_copy SET state = 'aborted' WHERE outbox_id = ? AND state IN ('pending','inflight','dead')")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = conn.prepareStatement("""
                UPDATE outbox SET state = 'aborted', aborted_at = ?, aborted_by = ?, superseded_by = ?, updated_at = ?
                WHERE id = ?""")) {
            ps.setLong(1, now);
            ps.setString(2, by);
            ps.setString(3, supersededBy);
            ps.setLong(4, now);
            ps.setLong(5, id);
            ps.executeUpdate();
        }
    }

    private void aggregateLocked(long id, long now) throws SQLException {
        aggregateLocked(List.of(id), now);
    }

    /**
     * Recomputes the aggregate columns of the requests {@code ids} from their copies (aborted is sticky;
     * docs/delivery.md §1), all of them in <b>one</b> statement (it was an indexed read and an update per request, two
     * of the drain's six statements per message). The rules: state = inflight if any copy is, else pending if any is,
     * else dead if any is, else done; attempts = the copies' maximum (0 without copies); next_attempt_at = the earliest
     * pending copy's (else unchanged); last_error = the error of a copy not done, a dead copy's first, then by lowest
     * recipient key; done_at set once.
     */
    private void aggregateLocked(Collection<Long> ids, long now) throws SQLException {
        if (ids.isEmpty()) return;
        PreparedStatement up = cached("""
                UPDATE outbox SET
                  done_at = CASE WHEN outbox.state <> 'aborted' AND a.st = 'done' AND outbox.done_at IS NULL THEN ?1 ELSE outbox.done_at END,
                  state = CASE WHEN outbox.state = 'aborted' THEN 'aborted' ELSE a.st END,
                  attempts = a.attempts, next_attempt_at = COALESCE(a.next_due, outbox.next_attempt_at), last_error = a.err,
                  updated_at = ?1
                FROM (SELECT j.value AS oid,
                        CASE WHEN max(c.state = 'inflight') THEN 'inflight' WHEN max(c.state = 'pending') THEN 'pending'
                             WHEN max(c.state = 'dead') THEN 'dead' ELSE 'done' END AS st,
                        COALESCE(max(c.attempts), 0) AS attempts,
                        min(CASE WHEN c.state = 'pending' THEN c.next_attempt_at END) AS next_due,
                        (SELECT x.last_error FROM outbox_copy x
                          WHERE x.outbox_id = j.value AND x.last_error IS NOT NULL AND x.state <> 'done'
                          ORDER BY x.state = 'dead' DESC, x.recipient_pubkey LIMIT 1) AS err
                      FROM json_each(?2) AS j LEFT JOIN outbox_copy c ON c.outbox_id = j.value
                      GROUP BY j.value) AS a
                WHERE outbox.id = a.oid""");
        up.setLong(1, now);
        up.setString(2, jsonNumbers(ids));
        up.executeUpdate();
    }

    /** A JSON array of the numbers, for {@code json_each(?)}: one bound parameter for a whole batch. */
    private static String jsonNumbers(Collection<Long> values) {
        StringBuilder b = new StringBuilder(values.size() * 8 + 2).append('[');
        for (long v : values) {
            if (b.length() > 1) b.append(',');
            b.append(v);
        }
        return b.append(']').toString();
    }

    // ---- plumbing ----

    /** The cached statement for {@code sql}, parameters cleared. Never close it: {@link #close} does. */
    private PreparedStatement cached(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        ps.clearParameters();
        ps.clearBatch(); // a batch a failed transaction left behind
        return ps;
    }

    private List<Long> idsWhere(String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) ids.add(rs.getLong(1));
        }
        return ids;
    }

    private List<Copy> copiesOf(long id, String cmid, String meshId) throws SQLException {
        List<Copy> out = new ArrayList<>();
        PreparedStatement ps = cached("SELECT * FROM outbox_copy WHERE outbox_id = ? ORDER BY recipient_name, recipient_pubkey");
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(copy(rs, cmid, meshId));
        }
        return out;
    }

    private static Copy copy(ResultSet rs, String cmid, String meshId) throws SQLException {
        long done = rs.getLong("done_at");
        Long doneAt = rs.wasNull() ? null : done;
        return new Copy(rs.getLong("outbox_id"), cmid, meshId, rs.getString("recipient_pubkey"), rs.getString("recipient_name"),
                rs.getString("envelope"), State.of(rs.getString("state")), rs.getInt("attempts"), rs.getLong("next_attempt_at"),
                rs.getString("last_error"), rs.getString("coordinator_message_id"), rs.getString("ack_status"), doneAt,
                optLong(rs, "delivered_at"));
    }

    private static Long optLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    private static Request request(ResultSet rs, List<Copy> copies) throws SQLException {
        return new Request(rs.getLong("id"), rs.getString("client_message_id"), rs.getString("mesh_id"), rs.getString("mesh_name"),
                rs.getString("destination_kind"), rs.getString("destination_ref"), rs.getString("channel"), rs.getString("priority"),
                rs.getString("reply_to_id"), rs.getString("meta_json"), rs.getString("request_fingerprint"),
                State.of(rs.getString("state")), rs.getInt("attempts"), rs.getLong("next_attempt_at"), rs.getString("last_error"),
                rs.getLong("created_at"), rs.getLong("updated_at"), optLong(rs, "done_at"), optLong(rs, "aborted_at"),
                rs.getString("aborted_by"), rs.getString("superseded_by"), rs.getString("requeued_from"), copies);
    }

    private static Request withCopies(Request r, List<Copy> copies) {
        return new Request(r.id(), r.clientMessageId(), r.meshId(), r.meshName(), r.destinationKind(), r.destinationRef(),
                r.channel(), r.priority(), r.replyToId(), r.metaJson(), r.fingerprint(), r.state(), r.attempts(),
                r.nextAttemptAt(), r.lastError(), r.createdAt(), r.updatedAt(), r.doneAt(), r.abortedAt(), r.abortedBy(),
                r.supersededBy(), r.requeuedFrom(), copies);
    }

    private interface TxBody<T> {
        T run() throws SQLException;
    }

    /** Runs {@code body} in {@code BEGIN IMMEDIATE} ... {@code COMMIT}, rolling back on any failure. */
    private <T> T tx(TxBody<T> body) {
        try {
            try (Statement st = conn.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
            }
            try {
                T r = body.run();
                try (Statement st = conn.createStatement()) {
                    st.execute("COMMIT");
                }
                return r;
            } catch (SQLException | RuntimeException e) {
                try (Statement st = conn.createStatement()) {
                    st.execute("ROLLBACK");
                } catch (SQLException r) {
                    // SQLite rolls some failures back by itself (SQLITE_FULL, SQLITE_IOERR, …): then this ROLLBACK fails
                    // with "no transaction is active", which must not hide the failure that matters.
                    e.addSuppressed(r);
                }
                statements.discard(); // a failed step may have finalized some (a full disk): prepare afresh
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("outbox transaction failed: " + e.getMessage(), e);
        }
    }

    /**
     * Test hook (package-private, tests only): runs one statement that answers a number — a {@code PRAGMA} such as
     * {@code page_count} or {@code max_page_count}, which holds for this connection only — on the store's own
     * connection, under its lock. OutboxDiskFullTest makes the database "full" with it.
     */
    synchronized long pragmaForTest(String sql) {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        try (Connection c = conn) {
            statements.close();
        } catch (SQLException ignored) {
            // shutting down
        }
    }
}
