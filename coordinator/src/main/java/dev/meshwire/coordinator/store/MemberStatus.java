package dev.meshwire.coordinator.store;

import java.util.Locale;

/** Where a key stands in a mesh, as the queue checks it (revocation first, then ban, membership, expiry). */
enum MemberStatus {
    ACTIVE, REVOKED, BANNED, NOT_MEMBER, EXPIRED;

    static MemberStatus of(boolean revoked, boolean banned, boolean member, Long expiresAt, long now) {
        if (revoked) return REVOKED;
        if (banned) return BANNED;
        if (!member) return NOT_MEMBER;
        if (expiresAt != null && expiresAt <= now) return EXPIRED;
        return ACTIVE;
    }

    /** {@code banned}, {@code revoked}, {@code not_member}, {@code expired} or {@code active}. */
    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
