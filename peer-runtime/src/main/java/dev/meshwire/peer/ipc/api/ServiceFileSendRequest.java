package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/services/{name}/files}: send the local file {@code path} (absolute, readable by the daemon) as the
 * held service {@code name} to the member {@code to} over the stream channel (docs/protocol.md §12.4). The answer is the
 * transfer ({@link FileItem}); it runs in the daemon like a member's, over the service's own connection.
 */
public record ServiceFileSendRequest(String mesh, String to, String path) {}
