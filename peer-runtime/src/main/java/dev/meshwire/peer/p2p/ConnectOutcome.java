package dev.meshwire.peer.p2p;

/** What {@link P2pEngine#connect} did. Only {@link #STARTED} means a new handshake began. */
public enum ConnectOutcome {
    STARTED,
    /** A handshake with this peer is already running (ours or theirs). */
    ALREADY_CONNECTING,
    ALREADY_OPEN,
    /** The last attempt failed recently; the retry backoff has not passed yet. */
    BACKING_OFF,
    /** The native WebRTC library could not load, or the engine is closed: stay on the relay. */
    UNAVAILABLE,
    /** The peer is not in the mesh roster (or is ourselves). */
    NOT_A_MEMBER
}
