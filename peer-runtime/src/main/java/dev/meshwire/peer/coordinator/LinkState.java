package dev.meshwire.peer.coordinator;

import dev.meshwire.signaling.frame.CloseCodes;

/** Where a mesh's coordinator link is. Terminal states never reconnect on their own. */
public enum LinkState {
    CONNECTING, CONNECTED, RECONNECTING, KICKED, BANNED, REVOKED, UNAUTHORIZED, REPLACED, JOIN_FAILED, CLOSED;

    public boolean terminal() {
        return this == KICKED || this == BANNED || this == REVOKED || this == UNAUTHORIZED || this == REPLACED || this == JOIN_FAILED
                || this == CLOSED;
    }

    public String wireName() {
        return name().toLowerCase();
    }

    /** As {@link #forCloseCode(int)}, but 4002 with a reason starting {@code revoked} is REVOKED (for good). */
    static LinkState forCloseCode(int code, String reason) {
        if (code == CloseCodes.BANNED && reason != null && reason.startsWith("revoked")) return REVOKED;
        return forCloseCode(code);
    }

    static LinkState forCloseCode(int code) {
        return switch (code) {
            case CloseCodes.KICKED -> KICKED;
            case CloseCodes.BANNED -> BANNED;
            case CloseCodes.UNAUTHORIZED -> UNAUTHORIZED;
            case CloseCodes.REPLACED -> REPLACED;
            default -> RECONNECTING;
        };
    }
}
