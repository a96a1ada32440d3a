package dev.meshwire.peer.ipc.api;

/**
 * The body of {@code POST /v1/session/send}: as {@code POST /v1/send} ({@code to} a name, key, key prefix,
 * {@code <member>/<label>} of a session, or {@code *}), sent by the session named by the {@code Meshwire-Session} header.
 */
public record SessionSendRequest(String to, String message, String priority, String clientMessageId) {}
