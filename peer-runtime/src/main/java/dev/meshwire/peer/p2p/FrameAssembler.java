package dev.meshwire.peer.p2p;

/**
 * Rebuilds messages from {@link ChannelFraming.Data} chunks on one ordered channel. The sender never
 * interleaves messages, so at most one message is partial at a time and chunks come in index order;
 * anything else is a broken or hostile peer and is refused. Not thread-safe (the engine thread owns it).
 *
 * <p>The buffer grows with the bytes that actually arrive (doubling, never beyond the announced length):
 * a first chunk announcing a 64 MiB message costs what it carries, not 64 MiB, so a peer cannot make the
 * daemon allocate the limit on every channel with one small frame.
 */
public final class FrameAssembler {
    private final int maxMessageBytes;
    private long messageId;
    private int chunkCount;
    private int nextIndex;
    /** Smallest buffer allocated for a message (most messages fit in one chunk of at most this). */
    static final int INITIAL_BUFFER_BYTES = 64 * 1024;

    private byte[] buffer;
    private int totalLength;
    private int filled;

    public FrameAssembler(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Takes the next chunk. Returns the whole message when {@code d} was its last chunk, or null if
     * more chunks are needed.
     *
     * @throws FramingException if the chunk does not continue the message in progress, or the
     *     message is larger than the limit; the assembler is then reset
     */
    public byte[] accept(ChannelFraming.Data d) throws FramingException {
        try {
            return doAccept(d);
        } catch (FramingException e) {
            reset();
            throw e;
        }
    }

    private byte[] doAccept(ChannelFraming.Data d) throws FramingException {
        if (buffer == null) {
            if (d.chunkIndex() != 0) throw new FramingException("message " + d.messageId() + " starts at chunk " + d.chunkIndex());
            if (d.totalLength() > maxMessageBytes) {
                throw new FramingException("message " + d.messageId() + " of " + d.totalLength() + " bytes exceeds the limit of " + maxMessageBytes);
            }
            messageId = d.messageId();
            chunkCount = d.chunkCount();
            nextIndex = 0;
            filled = 0;
            totalLength = d.totalLength();
            buffer = new byte[Math.min(totalLength, Math.max(INITIAL_BUFFER_BYTES, d.chunk().length))];
        } else if (d.messageId() != messageId || d.chunkCount() != chunkCount || d.totalLength() != totalLength) {
            throw new FramingException("chunk of message " + d.messageId() + " while message " + messageId + " is incomplete");
        } else if (d.chunkIndex() != nextIndex) {
            throw new FramingException("message " + messageId + ": chunk " + d.chunkIndex() + " where " + nextIndex + " was due");
        }
        if (d.chunk().length > totalLength - filled) {
            throw new FramingException("message " + messageId + ": chunks exceed its total length " + totalLength);
        }
        if (d.chunk().length > buffer.length - filled) {
            long wanted = Math.max((long) filled + d.chunk().length, 2L * buffer.length);
            buffer = java.util.Arrays.copyOf(buffer, (int) Math.min(totalLength, wanted));
        }
        System.arraycopy(d.chunk(), 0, buffer, filled, d.chunk().length);
        filled += d.chunk().length;
        nextIndex++;
        if (nextIndex < chunkCount) return null;
        if (filled != totalLength) {
            throw new FramingException("message " + messageId + ": " + filled + " of " + totalLength + " bytes in " + chunkCount + " chunks");
        }
        byte[] done = buffer; // exactly totalLength long: it only grows to min(totalLength, …) and filled == totalLength
        reset();
        return done;
    }

    /** Bytes allocated for the message in progress (0 when none): grows with what arrived, not with what was announced. */
    int bufferedCapacity() {
        return buffer == null ? 0 : buffer.length;
    }

    /** True while a message is partly received (the channel must not close silently then). */
    public boolean partial() {
        return buffer != null;
    }

    private void reset() {
        buffer = null;
        filled = 0;
        nextIndex = 0;
    }
}
