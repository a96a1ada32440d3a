package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/files/{id}/accept}: receive an offered file.
 *
 * @param saveDir absolute directory to save it in (created if missing); default the daemon's files directory
 */
public record FileAcceptRequest(String saveDir) {}
