package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/sessions} (with {@code token}, the selector an app sends as {@code Meshwire-Session}) and
 * {@code DELETE /v1/sessions/{id}} (the ended session, without token).
 */
public record SessionReply(SessionItem session, String token) {}
