package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/kick}, {@code /v1/ban}, {@code /v1/unban}. */
public record ModerateRequest(String mesh, String peer) {}
