package dev.meshwire.peer.outbox;

import dev.meshwire.peer.ipc.api.SendReply;

/**
 * The send path's seam: IPC hands every send here and nothing else touches transports. The
 * implementation ({@link DurableOutbox}) resolves, seals and signs at accept time, stores the result
 * durably and lets {@link DrainWorker} forward it; the answer says what the outbox did with the id
 * (docs/delivery.md §3).
 */
public interface Outbox {
    /** The IPC answer: HTTP status (200 or 202) and its body. */
    record Accepted(int status, SendReply body) {}

    /**
     * @throws dev.meshwire.peer.PeerException with a user-facing code when the request is refused
     *     (validation, unknown/ambiguous peer, self, too large) or the id conflicts (409 outbox_*)
     */
    Accepted accept(SendRequest request);
}
