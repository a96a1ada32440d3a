package dev.meshwire.coordinator.store;

/**
 * What an appended mesh event changes in the coordinator's own tables, applied in the same transaction
 * as the event row (docs/storage.md, "Mesh state").
 */
public sealed interface MeshEffect {
    /** Audit only (member_kicked). */
    record None() implements MeshEffect {}

    /** member_left: the membership row is deleted. */
    record RemoveMember(String pubkey) implements MeshEffect {}

    /** member_renamed; fails with {@link StoreException.NameTaken} when another member uses the name. */
    record Rename(String pubkey, String name) implements MeshEffect {}

    /**
     * member_banned: a bans row; undelivered messages FROM the key, and from any session or service that queued
     * them for it (the row's sender member), are deleted (counted).
     */
    record Ban(BanRecord ban) implements MeshEffect {}

    /** member_unbanned: the bans row is deleted. */
    record Unban(String pubkey) implements MeshEffect {}

    /**
     * member_revoked: a revocations row; undelivered messages FROM and TO the key, and from any session or service
     * that queued them for it, are deleted (counted).
     */
    record Revoke(RevocationRecord revocation) implements MeshEffect {}

    /** role_changed. */
    record SetRole(String pubkey, String role) implements MeshEffect {}

    /** expiry_set; {@code expiresAt} null clears it. */
    record SetExpiry(String pubkey, Long expiresAt) implements MeshEffect {}

    /** authority_rotated: {@code next} becomes the current key, the previous one is retired (kept). The event is signed by the previous key. */
    record RotateAuthority(AuthorityKey next) implements MeshEffect {}
}
