package dev.meshwire.coordinator.store;

/**
 * One member of one mesh. {@code name} is unique within the mesh (so it can address moderation);
 * {@code role} is {@link #OWNER}, {@link #ADMIN} or {@link #MEMBER}; {@code expiresAt} (epoch ms, or
 * null) is when the membership ends silently.
 */
public record MemberRecord(String meshId, String pubkey, String name, String role, long joinedAt, Long expiresAt) {
    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";

    public MemberRecord(String meshId, String pubkey, String name, String role, long joinedAt) {
        this(meshId, pubkey, name, role, joinedAt, null);
    }

    public boolean isOwner() {
        return OWNER.equals(role);
    }

    /** Past its expiry at {@code now}. */
    public boolean expiredAt(long now) {
        return expiresAt != null && expiresAt <= now;
    }

    public MemberRecord withName(String newName) {
        return new MemberRecord(meshId, pubkey, newName, role, joinedAt, expiresAt);
    }

    public MemberRecord withRole(String newRole) {
        return new MemberRecord(meshId, pubkey, name, newRole, joinedAt, expiresAt);
    }

    public MemberRecord withExpiry(Long at) {
        return new MemberRecord(meshId, pubkey, name, role, joinedAt, at);
    }
}
