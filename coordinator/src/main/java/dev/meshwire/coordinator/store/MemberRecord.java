package dev.meshwire.coordinator.store;

/**
 * One member of one mesh. {@code name} is unique within the mesh (so it can address kick/ban);
 * {@code role} is {@link #OWNER} or {@link #MEMBER}.
 */
public record MemberRecord(String meshId, String pubkey, String name, String role, long joinedAt) {
    public static final String OWNER = "owner";
    public static final String MEMBER = "member";

    public boolean isOwner() {
        return OWNER.equals(role);
    }
}
