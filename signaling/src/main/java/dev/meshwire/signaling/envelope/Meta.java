package dev.meshwire.signaling.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Envelope metadata. Only {@code clientMessageId} is required; absent fields are omitted from the
 * JSON and from the canonical form that is signed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Meta(
        String clientMessageId,
        String requestFingerprint,
        Priority priority,
        Long timeoutMs,
        String streamId,
        Long streamChunkId,
        Boolean streamTerminator,
        String rpcCorrelationId,
        Boolean rpcResponse,
        String replyToId,
        List<String> mentions,
        Long expiresAt,
        Long createdAt) {

    public static Meta of(String clientMessageId, Priority priority, Long createdAt) {
        return new Meta(clientMessageId, null, priority, null, null, null, null, null, null, null, null, null, createdAt);
    }

    public Priority priorityOrDefault() {
        return priority == null ? Priority.NEXT : priority;
    }
}
