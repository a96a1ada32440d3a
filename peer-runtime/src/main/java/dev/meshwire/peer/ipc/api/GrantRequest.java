package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/grant}: what {@code peer} (a member as {@code send} resolves it, or {@code *} for everyone
 * without an own grant) may do to you. {@code caps}: a comma-separated list of capabilities ("" = block);
 * {@code reset} true instead removes the grant (back to the default: every capability).
 */
public record GrantRequest(String mesh, String peer, String caps, Boolean reset) {}
