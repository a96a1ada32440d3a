package dev.meshwire.livekit.room;

/** A room failure with a message meant for users: one line, no library internals. */
public final class RoomException extends RuntimeException {
    private final boolean refused;

    public RoomException(String message) {
        this(message, false);
    }

    /** {@code refused}: the server answered and refused us (bad token, room not allowed), as opposed to a network failure. */
    public RoomException(String message, boolean refused) {
        super(message);
        this.refused = refused;
    }

    /** True when the LiveKit server refused the join (retrying the same token will not help). */
    public boolean refused() {
        return refused;
    }
}
