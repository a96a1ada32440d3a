package dev.meshwire.signaling.envelope;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.meshwire.signaling.frame.ClosedKeys;
import java.util.List;

/**
 * Envelope metadata. Only {@code clientMessageId} is required; absent fields are omitted from the
 * JSON and from the canonical form that is signed. The key set is closed ({@link ClosedKeys}): a {@code meta} with
 * any other key is refused on every path, signed or not, because the signature covers exactly these keys and an
 * unknown one could neither be verified nor forwarded (docs/protocol.md §4). A new key needs a new envelope version.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ClosedKeys("meta")
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
        Long createdAt,
        String subpeer) {

    /** Longest {@code subpeer}: a sub-peer name (docs/protocol.md §6.5), {@code <kind>:} plus 128 characters. */
    public static final int MAX_SUBPEER_CHARS = 256;

    /** Without {@code subpeer}: every envelope that is not a dm to a sub-peer of a service. */
    public Meta(String clientMessageId, String requestFingerprint, Priority priority, Long timeoutMs, String streamId,
                Long streamChunkId, Boolean streamTerminator, String rpcCorrelationId, Boolean rpcResponse, String replyToId,
                List<String> mentions, Long expiresAt, Long createdAt) {
        this(clientMessageId, requestFingerprint, priority, timeoutMs, streamId, streamChunkId, streamTerminator, rpcCorrelationId,
                rpcResponse, replyToId, mentions, expiresAt, createdAt, null);
    }

    public static Meta of(String clientMessageId, Priority priority, Long createdAt) {
        return new Meta(clientMessageId, null, priority, null, null, null, null, null, null, null, null, null, createdAt);
    }

    public Priority priorityOrDefault() {
        return priority == null ? Priority.NEXT : priority;
    }
}
