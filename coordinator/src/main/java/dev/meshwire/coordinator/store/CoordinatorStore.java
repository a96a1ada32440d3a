package dev.meshwire.coordinator.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator's persistent state: meshes, members, bans and invite use counters.
 *
 * <p>Every method returns a Vert.x {@link Future} completed on the caller's context, so handlers on the
 * event loop never block. Implementations: {@link SqliteCoordinatorStore} (default, blocking JDBC on a
 * dedicated worker); a PostgreSQL implementation on vertx-pg-client can implement the same contract.
 * Operations that must be atomic (mesh creation, invite use counting) are single methods here so
 * that each backend can use its own transaction mechanism.
 */
public interface CoordinatorStore extends AutoCloseable {

    /** Answers when the database responds and all migrations are applied; fails otherwise. */
    Future<Integer> schemaVersion();

    /** Inserts the mesh and its owner member atomically; fails with {@link StoreException.DuplicateMeshName}. */
    Future<MeshRecord> createMesh(MeshRecord mesh, MemberRecord owner);

    Future<Optional<MeshRecord>> findMesh(String meshId);

    Future<Optional<MemberRecord>> findMember(String meshId, String pubkey);

    Future<Optional<MemberRecord>> findMemberByName(String meshId, String name);

    Future<List<MemberRecord>> listMembers(String meshId);

    /**
     * Makes {@code candidate} a member using invite {@code inviteId}, atomically: an existing member is
     * returned unchanged without consuming a use; a taken display name or a spent invite is refused;
     * otherwise one use is counted and the member inserted.
     */
    Future<JoinResult> joinWithInvite(String inviteId, int maxUses, MemberRecord candidate);

    /** @return true if a membership was deleted */
    Future<Boolean> removeMember(String meshId, String pubkey);

    Future<Optional<BanRecord>> findBan(String meshId, String pubkey);

    /** Records (or refreshes) a ban. */
    Future<Void> addBan(BanRecord ban);

    /** @return true if a ban was removed */
    Future<Boolean> removeBan(String meshId, String pubkey);

    Future<List<BanRecord>> listBans(String meshId);

    /** Releases connections and workers. Idempotent. */
    @Override
    void close();
}
