package dev.meshwire.peer.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.envelope.Priority;

/**
 * What a local app asked to send.
 *
 * @param mesh            mesh name, or null for "the only joined mesh"
 * @param to              display name, pubkey hex prefix (≥ 8), full pubkey, or {@code *}
 * @param text            UTF-8 plaintext
 * @param priority        now | next | low
 * @param clientMessageId caller's idempotency id, or null to have one generated
 * @param replyToId       the coordinator message id this replies to, or null
 * @param meta            the caller's meta object (keys {@code mentions}, {@code expiresAt}), or null
 */
public record SendRequest(String mesh, String to, String text, Priority priority, String clientMessageId,
                          String replyToId, JsonNode meta) {
    public SendRequest(String mesh, String to, String text, Priority priority, String clientMessageId) {
        this(mesh, to, text, priority, clientMessageId, null, null);
    }
}
