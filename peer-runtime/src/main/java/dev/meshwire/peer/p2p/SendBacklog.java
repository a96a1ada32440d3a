package dev.meshwire.peer.p2p;

/**
 * The accounting of one session's backlog against its {@link BacklogLimits}. Admission happens on the
 * sender's thread and release on the engine thread, so both take this object's lock (a few field
 * updates; never held across I/O).
 */
final class SendBacklog {
    private final BacklogLimits limits;
    private int messages;
    private long bytes;

    SendBacklog(BacklogLimits limits) {
        this.limits = limits;
    }

    /**
     * Counts a message of {@code length} (≥ 1) bytes in and returns the backlog's bytes with it, or -1 when it
     * does not fit: the message count is at its limit, or the bytes would exceed theirs while something is
     * already waiting. A result equal to {@code length} means the backlog was empty.
     */
    synchronized long admit(int length) {
        if (messages >= limits.maxMessages() || (messages > 0 && bytes + length > limits.maxBytes())) return -1;
        messages++;
        bytes += length;
        return bytes;
    }

    /** Counts an admitted message out (acked, or handed back to the caller). */
    synchronized void release(int length) {
        messages--;
        bytes -= length;
    }

    synchronized BacklogSize size() {
        return new BacklogSize(messages, bytes);
    }

    synchronized boolean empty() {
        return messages == 0;
    }
}
