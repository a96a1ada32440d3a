package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * {@code POST /v1/send/batch}: up to {@code MAX} sends in one call, each exactly what {@code POST /v1/send} takes
 * (its {@code clientMessageId} field is the idempotency key; there is no per-item header).
 *
 * @param messages the sends, in order (1..1000)
 */
public record SendBatchRequest(List<SendRequest> messages) {
    /** The most sends one batch carries. */
    public static final int MAX = 1000;
}
