package dev.meshwire.peer.ipc.api;

/** {@code GET /v1/health}. */
public record HealthReply(boolean ok, long pid, String version, long uptimeMs) {}
