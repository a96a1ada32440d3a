package dev.meshwire.peer.p2p;

/** A frame on the data channel broke the framing rules. The session that received it is closed. */
public final class FramingException extends Exception {
    public FramingException(String message) {
        super(message);
    }
}
