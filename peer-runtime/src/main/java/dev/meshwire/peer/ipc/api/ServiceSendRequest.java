package dev.meshwire.peer.ipc.api;

/**
 * The body of {@code POST /v1/services/{name}/send}: as {@code POST /v1/session/send} ({@code to} a name, key, key
 * prefix, {@code <member>/<label>} of a session or service, or {@code *}), sent as the delegated service {@code name}
 * of {@code mesh} (the only joined mesh when omitted).
 */
public record ServiceSendRequest(String mesh, String to, String message, String priority, String clientMessageId) {}
