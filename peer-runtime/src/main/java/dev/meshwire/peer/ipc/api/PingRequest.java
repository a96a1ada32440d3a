package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/ping}: {@code count} 1..100, default 10. */
public record PingRequest(String mesh, String peer, Integer count) {}
