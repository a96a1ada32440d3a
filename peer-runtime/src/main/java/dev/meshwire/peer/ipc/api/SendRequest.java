package dev.meshwire.peer.ipc.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /v1/send}.
 *
 * @param to              a name, a public key (or unique prefix), or {@code *} for everyone
 * @param priority        now, next (default) or low
 * @param clientMessageId the idempotency key (else the {@code Idempotency-Key} header, else generated)
 * @param meta            an optional JSON object signed with the message (docs/delivery.md)
 */
public record SendRequest(String mesh, String to, String message, String priority, String clientMessageId, String replyToId,
                          JsonNode meta) {
    public SendRequest(String mesh, String to, String message) {
        this(mesh, to, message, null, null, null, null);
    }
}
