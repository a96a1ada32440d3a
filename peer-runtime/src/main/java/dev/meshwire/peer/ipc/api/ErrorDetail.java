package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * The error object: a stable {@code code}, a one-line {@code message}, and fields some codes add.
 *
 * @param candidates        matching names for unknown_peer / ambiguous_peer
 * @param field             the request field or query parameter that was refused (bad_request)
 * @param fingerprintPrefix the stored row's content fingerprint (outbox_* conflicts)
 * @param state             the stored row's state (outbox_* conflicts)
 * @param messageId         the stored row's coordinator message id (outbox_* conflicts)
 * @param reason            the stored row's last error (outbox_dead_*)
 * @param supersededBy      the id a requeue gave the stored row's content (outbox_aborted_*)
 * @param envelopeBytes      the sealed envelope's size (too_large_for_relay)
 * @param relayMaxFrameBytes the largest frame the coordinator relays (too_large_for_relay)
 */
public record ErrorDetail(String code, String message, List<String> candidates, String field, String fingerprintPrefix, String state,
                          String messageId, String reason, String supersededBy, Long envelopeBytes, Long relayMaxFrameBytes) {}
