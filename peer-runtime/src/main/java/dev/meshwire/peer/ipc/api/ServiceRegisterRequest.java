package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/services}: mint a key pair and a signed attestation for service {@code name} and record it in
 * the mesh state. {@code scopes} comma-separated ({@code dm:read,dm:write,...}); {@code ttlMs} default 30 days,
 * at most 90; {@code delegate} true: this daemon holds the service secret on its behalf.
 */
public record ServiceRegisterRequest(String mesh, String name, String type, String scopes, Long ttlMs, Boolean delegate) {}
