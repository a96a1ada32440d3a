package dev.meshwire.peer.stream;

/**
 * One file transfer as this daemon records it (table {@code transfer} of {@code files.db}). Immutable: every change
 * is a new value written through {@link TransferStore}.
 *
 * @param streamId   32 lowercase hex, chosen by the sender; {@code meta.streamId} of every envelope of the stream
 * @param direction  {@link #OUT} (we send) or {@link #IN} (we receive)
 * @param meshId     the mesh the transfer runs in
 * @param peer       the other side's public key (hex)
 * @param peerName   its display name when known
 * @param name       the file name as offered (sanitized on the receiving side)
 * @param size       bytes
 * @param sha256     lowercase hex SHA-256 of the whole file, from the offer
 * @param chunkSize  bytes per chunk (the last may be shorter); chunk {@code i} starts at {@code i * chunkSize}
 * @param localPath  OUT: the source file; IN: the partial file while receiving, the saved file once done
 * @param state      see {@link #OFFERED} and the other constants
 * @param offset     IN: the committed offset (data fsync'd); OUT: the receiver's last reported committed offset
 * @param bytesSent  OUT: chunk bytes handed to a transport, resends included (IN: 0)
 * @param via        the path of the last chunk run ({@code direct}, {@code coordinator relay}) or null
 * @param error      why it failed, or null
 * @param self       the identity of ours the transfer runs as: null for the member itself, else the key of a delegated
 *                   service this daemon holds (a file for a room participant, docs/protocol.md §12.4 "Sub-peers")
 * @param subpeer    the sub-peer (e.g. {@code lk:alice}) the file is for, named in the offer; null when none
 */
public record Transfer(String streamId, String direction, String meshId, String peer, String peerName, String name, long size,
                       String sha256, int chunkSize, String localPath, String state, long offset, long bytesSent, String via,
                       String error, long createdAt, long updatedAt, Long finishedAt, String self, String subpeer) {
    public static final String OUT = "out";
    public static final String IN = "in";

    /** Offered: the receiver has not accepted yet. */
    public static final String OFFERED = "offered";
    /** Chunks are moving (or will, once the peer is back). */
    public static final String TRANSFERRING = "transferring";
    /** IN: every byte committed; the SHA-256 is being checked. */
    public static final String VERIFYING = "verifying";
    /** Complete: IN saved under its final name with the SHA-256 checked; OUT the receiver said so. */
    public static final String DONE = "done";
    /** Ended without a file (declined, cancelled, SHA-256 mismatch, source changed); {@code error} says why. */
    public static final String FAILED = "failed";

    /** A member-to-member transfer (no service identity, no sub-peer). */
    public Transfer(String streamId, String direction, String meshId, String peer, String peerName, String name, long size,
                    String sha256, int chunkSize, String localPath, String state, long offset, long bytesSent, String via,
                    String error, long createdAt, long updatedAt, Long finishedAt) {
        this(streamId, direction, meshId, peer, peerName, name, size, sha256, chunkSize, localPath, state, offset, bytesSent, via,
                error, createdAt, updatedAt, finishedAt, null, null);
    }

    public boolean terminal() {
        return DONE.equals(state) || FAILED.equals(state);
    }

    public boolean outgoing() {
        return OUT.equals(direction);
    }

    public Transfer withState(String s, long now) {
        return new Transfer(streamId, direction, meshId, peer, peerName, name, size, sha256, chunkSize, localPath, s, offset,
                bytesSent, via, error, createdAt, now, DONE.equals(s) || FAILED.equals(s) ? Long.valueOf(now) : finishedAt, self, subpeer);
    }

    public Transfer failed(String why, long now) {
        return new Transfer(streamId, direction, meshId, peer, peerName, name, size, sha256, chunkSize, localPath, FAILED, offset,
                bytesSent, via, why, createdAt, now, now, self, subpeer);
    }

    public Transfer withOffset(long o, long now) {
        return new Transfer(streamId, direction, meshId, peer, peerName, name, size, sha256, chunkSize, localPath, state, o,
                bytesSent, via, error, createdAt, now, finishedAt, self, subpeer);
    }

    public Transfer withProgress(long o, long sent, String path, long now) {
        return new Transfer(streamId, direction, meshId, peer, peerName, name, size, sha256, chunkSize, localPath, state, o,
                sent, path, error, createdAt, now, finishedAt, self, subpeer);
    }

    public Transfer withLocalPath(String p, long now) {
        return new Transfer(streamId, direction, meshId, peer, peerName, name, size, sha256, chunkSize, p, state, offset,
                bytesSent, via, error, createdAt, now, finishedAt, self, subpeer);
    }
}
