package dev.meshwire.coordinator.store;

import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.StateRef;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's persistent state: meshes, members, bans, revocations, invite use counters, the
 * mesh-state event log with its authority keys, and the durable message queue.
 *
 * <p>Every method returns a Vert.x {@link Future} completed on the caller's context, so handlers on the
 * event loop never block. Implementations: {@link SqliteCoordinatorStore} (default, blocking JDBC on a
 * dedicated worker thread) and {@link PgCoordinatorStore} (vertx-pg-client). One test suite runs against both.
 * Operations that must be atomic (mesh creation, invite use counting) are single methods here so
 * that each backend can use its own transaction mechanism.
 */
public interface CoordinatorStore extends AutoCloseable {

    /** Answers when the database responds and all migrations are applied; fails otherwise. */
    Future<Integer> schemaVersion();

    /**
     * Inserts the mesh, its owner member, its authority key and its genesis events (v1 mesh_created, v2
     * the owner's member_joined) atomically; fails with {@link StoreException.DuplicateMeshName}.
     */
    Future<MeshRecord> createMesh(MeshRecord mesh, MemberRecord owner, AuthorityKey authority, List<MeshEvent> genesis);

    Future<Optional<MeshRecord>> findMesh(String meshId);

    Future<Optional<MemberRecord>> findMember(String meshId, String pubkey);

    Future<Optional<MemberRecord>> findMemberByName(String meshId, String name);

    /** Members of the mesh, banned and revoked keys excluded (expired members included). */
    Future<List<MemberRecord>> listMembers(String meshId);

    /**
     * Makes {@code candidate} a member using invite {@code inviteId}, atomically: an existing member is
     * returned unchanged without consuming a use or appending an event; a taken display name or a spent
     * invite is refused; otherwise one use is counted, the member inserted and the member_joined event
     * built by {@code joined} appended, all in one transaction.
     */
    Future<JoinResult> joinWithInvite(String inviteId, int maxUses, MemberRecord candidate, EventSealer joined);

    Future<Optional<BanRecord>> findBan(String meshId, String pubkey);

    Future<List<BanRecord>> listBans(String meshId);

    Future<Optional<RevocationRecord>> findRevocation(String meshId, String pubkey);

    // ---- mesh state (docs/storage.md, "Mesh state") ----

    /**
     * Appends one event and applies its effect in one transaction: the head is locked (versions stay
     * gap-free and unique with several coordinators on one database), {@code sealer} builds the event on
     * the head with the current authority key, {@code effect} changes members, bans, revocations, keys or
     * the queue, then the event row and the new head are written. Fails with {@link StoreException.NoMeshState}
     * for a mesh without state and {@link StoreException.NameTaken} for a rename to a taken name (nothing
     * is written then).
     */
    Future<Appended> append(String meshId, EventSealer sealer, MeshEffect effect);

    /** The newest event's version and hash, or empty when the mesh has no state. */
    Future<Optional<StateRef>> head(String meshId);

    /** Events with version > {@code afterVersion}, oldest first, at most {@code limit}. */
    Future<List<MeshEvent>> events(String meshId, long afterVersion, int limit);

    Future<Optional<MeshEvent>> event(String meshId, long version);

    /** Every event of {@code kind}, oldest first (e.g. the authority rotations a snapshot carries). */
    Future<List<MeshEvent>> eventsOfKind(String meshId, String kind);

    /** The current (unretired) authority key. */
    Future<Optional<AuthorityKey>> authorityKey(String meshId);

    /** Every authority key of the mesh, oldest first, retired ones included. */
    Future<List<AuthorityKey>> authorityKeys(String meshId);

    /**
     * Gives a mesh created before mesh state existed its authority key and a genesis history, unless it
     * has state already (then nothing changes). Returns whether it was adopted.
     */
    Future<Boolean> adoptMesh(String meshId, AuthorityKey authority, List<MeshEvent> genesis);

    // ---- durable message queue (docs/storage.md) ----

    /**
     * Stores a batch of envelopes in one transaction and decides each one atomically: sender not an active
     * member ({@code SenderInactive}), recipient not a member ({@code UnknownRecipient}), banned
     * ({@code RecipientBanned}), revoked ({@code RecipientRevoked}), expired at the request's createdAt
     * ({@code RecipientExpired}), dedupe key present ({@code Duplicate} with
     * the original message id when the fingerprint matches, else {@code Conflict}), recipient queue at
     * {@code maxQueuedPerRecipient} undelivered rows ({@code QueueFull}), else inserted ({@code Accepted}).
     * Results are in request order; rows are inserted in request order (row ids grow: FIFO). A batch never
     * holds two requests with the same dedupe key (the caller defers such a request to the next batch).
     * The future succeeds only after the transaction committed.
     */
    Future<List<Queued.Result>> enqueue(List<Queued.Enqueue> batch, long maxQueuedPerRecipient);

    /**
     * Deletes the undelivered rows sent by any of {@code keys} (with {@code alsoTo}, also those addressed to them) and
     * returns how many: the queued traffic of a banned or revoked member's sessions (docs/protocol.md §5
     * "session_hello"), whose keys only the caller knows.
     */
    Future<Integer> dropQueued(String meshId, java.util.List<String> keys, boolean alsoTo);

    /**
     * Looks an acceptance up by its dedupe key: a queue row, or the narrow record of an acknowledged message within the
     * retention ({@link DedupeRecord}; its fingerprint is then a prefix, see {@link Queued.Existing#sameContent}).
     */
    Future<Optional<Queued.Existing>> findQueued(String meshId, String sender, String recipient, String clientMessageId);

    /**
     * Claims up to {@code limit} undelivered, unexpired rows of {@code recipient} whose sender is neither banned nor revoked, in one statement/transaction,
     * oldest first: rows never claimed, rows whose claim expired, and rows claimed under another claim id
     * (an earlier session of the same member: its pushes died with it). Sets claimed_at, claim_id,
     * claim_expires_at = now + leaseMs and increments attempts; never sets delivered_at. Returned in row order.
     * Only rows with id > {@code afterSeq} are considered: a pump passes the last id it claimed so the scan
     * does not wade through rows it already handled (dead index entries on PostgreSQL), and 0 after a sweep
     * or at start to pick up released and expired claims.
     */
    Future<List<Queued.Message>> claim(String meshId, String recipient, String claimId, long afterSeq, int limit, long now, long leaseMs);

    /**
     * Applies a batch of client acks in one statement/transaction: each row addressed to the acking member is
     * marked delivered — deleted from the queue, leaving only its {@link DedupeRecord} until pruned. Acks for rows of
     * other recipients, unknown ids or already-delivered rows change nothing. Returns how many rows changed.
     */
    Future<Integer> markDelivered(List<Queued.AckRef> acks, long now);

    /**
     * Group commit: the {@link #enqueue}s, {@link #markDelivered} acks and {@link #claim}s of {@code group}, in that
     * order, each with its own contract. A store that {@link #commitsGroups() commits groups} runs them in one
     * transaction: the future succeeds only after that commit (so every accepted enqueue is durable before its sender
     * is answered), and fails as a whole (nothing of the group applied). This default runs the three steps one after
     * another, each in its own transaction, for a store that does not group.
     */
    default Future<Queued.GroupResult> commitGroup(Queued.Group group) {
        Future<List<Queued.Result>> enqueued = group.enqueues().isEmpty() ? Future.succeededFuture(List.of())
                : enqueue(group.enqueues(), group.maxQueuedPerRecipient());
        return enqueued.compose(results -> markDelivered(group.acks(), group.now()).compose(delivered -> {
            Future<List<List<Queued.Message>>> claimed = Future.succeededFuture(new java.util.ArrayList<>());
            for (Queued.ClaimRequest c : group.claims()) {
                claimed = claimed.compose(acc -> claim(c.meshId(), c.recipient(), c.claimId(), c.afterSeq(), c.limit(), group.now(), c.leaseMs())
                        .map(rows -> {
                            acc.add(rows);
                            return acc;
                        }));
            }
            return claimed.map(rows -> new Queued.GroupResult(results, delivered, rows));
        }));
    }

    /**
     * Whether {@link #commitGroup} is one transaction, so the queue should funnel its enqueues, acks and claims
     * through it (SQLite: one writer thread, where every transaction's commit is the cost). A store with a pool
     * of connections (PostgreSQL) runs enqueues and ack batches concurrently instead.
     */
    default boolean commitsGroups() {
        return false;
    }

    /**
     * The sweeper: deletes undelivered rows with expires_at <= now, clears claims with claim_expires_at <= now,
     * deletes delivered rows and dedupe records (those in the next {@link DedupeRecord#PRUNE_SLICES}th of the key space)
     * with delivered_at <= now - deliveredRetentionMs, then groups the undelivered rows by (mesh, recipient, claim id)
     * in one query (their count is the depth), so the caller wakes only the pumps that can claim something. One
     * transaction.
     */
    Future<Queued.SweepResult> sweep(long now, long deliveredRetentionMs);

    /** Undelivered rows of one recipient (for tests and operations). */
    Future<Long> queueDepth(String meshId, String recipient);

    /** The topic history (docs/protocol.md §12.2), on this store's database. */
    TopicHistory topicHistory();

    /** Releases connections and workers. Idempotent. */
    @Override
    void close();
}
