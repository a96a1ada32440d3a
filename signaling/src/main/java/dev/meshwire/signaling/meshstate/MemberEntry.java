package dev.meshwire.signaling.meshstate;

import java.util.List;

/**
 * A key known to a mesh's state: an active member, or a banned or revoked key (which stays known so
 * that everything it signs can be refused). Members who left are not kept.
 *
 * @param name      display name; null for a banned key that never was a member
 * @param role      {@link #OWNER}, {@link #ADMIN} or {@link #MEMBER}; null when never a member
 * @param status    {@link #ACTIVE}, {@link #BANNED} or {@link #REVOKED}
 * @param joinedAt  epoch ms of its member_joined event; 0 when never a member
 * @param since     epoch ms of the event that set the current status
 * @param expiresAt epoch ms when the membership ends silently, or null
 * @param reason    why it was banned or revoked, or null
 * @param by        the actor of the event that set the status
 */
public record MemberEntry(String pubkey, String name, String role, String status, long joinedAt, long since, Long expiresAt,
                          String reason, String by) {
    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";
    public static final List<String> ROLES = List.of(OWNER, ADMIN, MEMBER);

    public static final String ACTIVE = "active";
    public static final String BANNED = "banned";
    public static final String REVOKED = "revoked";

    /** A member in good standing at {@code now}: active and not past its expiry. */
    public boolean activeAt(long now) {
        return ACTIVE.equals(status) && (expiresAt == null || expiresAt > now);
    }

    /** Active but past its expiry at {@code now}. */
    public boolean expiredAt(long now) {
        return ACTIVE.equals(status) && expiresAt != null && expiresAt <= now;
    }

    public boolean wasMember() {
        return joinedAt > 0;
    }

    /** Owner or admin: may revoke and set expiries. */
    public boolean canModerate() {
        return OWNER.equals(role) || ADMIN.equals(role);
    }

    MemberEntry withStatus(String newStatus, long at, String why, String actor) {
        return new MemberEntry(pubkey, name, role, newStatus, joinedAt, at, expiresAt, why, actor);
    }

    MemberEntry withName(String newName) {
        return new MemberEntry(pubkey, newName, role, status, joinedAt, since, expiresAt, reason, by);
    }

    MemberEntry withRole(String newRole) {
        return new MemberEntry(pubkey, name, newRole, status, joinedAt, since, expiresAt, reason, by);
    }

    MemberEntry withExpiry(Long at) {
        return new MemberEntry(pubkey, name, role, status, joinedAt, since, at, reason, by);
    }
}
