package dev.meshwire.peer.coordinator;

import dev.meshwire.signaling.frame.CloseCodes;

/** Where a mesh's coordinator link is. Terminal states never reconnect on their own. */
public enum LinkState {
    CONNECTING, CONNECTED, RECONNECTING, KICKED, BANNED, UNAUTHORIZED, REPLACED, JOIN_FAILED, CLOSED;

    public boolean terminal() {
        return this == KICKED || this == BANNED || this == UNAUTHORIZED || this == REPLACED || this == JOIN_FAILED
                || this == CLOSED;
    }

    public String wireName() {
        return name().toLowerCase();
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
