package dev.meshwire.peer.p2p;

/** A session's backlog at one moment: messages taken and not yet acked or handed back, and their payload bytes. */
public record BacklogSize(int messages, long bytes) {
    public static final BacklogSize EMPTY = new BacklogSize(0, 0);
}
