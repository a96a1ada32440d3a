package dev.meshwire.peer.ipc.api;

/**
 * One file transfer as {@code GET /v1/files}, {@code GET /v1/files/{id}} and the SSE {@code file} event show it
 * (docs/ipc.md "Files").
 *
 * @param id         the stream id (32 hex); any unique prefix of at least 6 names it in the routes
 * @param direction  {@code out} (we send) or {@code in} (we receive)
 * @param peer       the other side
 * @param name       file name (as offered; sanitized on the receiving side)
 * @param size       bytes
 * @param sha256     lowercase hex SHA-256 of the whole file (empty while the sender is still hashing)
 * @param state      {@code offered}, {@code transferring}, {@code verifying}, {@code done}, {@code failed}
 * @param bytesDone  bytes the receiver has (in: written in order; out: committed by the receiver, as it reported)
 * @param bytesSent  out: chunk bytes handed to a transport, resends included (so {@code bytesSent - size} is what was resent)
 * @param via        the path of the current or last chunk run ({@code direct}, {@code coordinator relay}), or null
 * @param note       a sentence for the user about the path (e.g. the relay's limits), or null
 * @param path       out: the source file; in: the partial file while receiving, the saved file once done
 * @param error      why it failed ({@code code: message}), or null
 */
public record FileItem(String id, String direction, String mesh, PeerRef peer, String name, long size, String sha256, int chunkSize,
                       String state, long bytesDone, long bytesSent, String via, String note, String path, String error, long createdAt,
                       long updatedAt, Long finishedAt) implements EventData {}
