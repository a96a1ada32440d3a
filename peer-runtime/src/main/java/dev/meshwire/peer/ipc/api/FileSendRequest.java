package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/files/send}.
 *
 * @param mesh the mesh (optional when one is joined)
 * @param peer display name or key prefix of the recipient
 * @param path absolute path of a readable regular file on the daemon's machine
 */
public record FileSendRequest(String mesh, String peer, String path) {}
