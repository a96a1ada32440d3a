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

    /** One send of a batch: its answer, or its refusal (exactly one is set). */
    record Outcome(Accepted accepted, dev.meshwire.peer.PeerException refused) {}

    /**
     * Accepts {@code requests} in order, each as {@link #accept} would; a refusal of one is its outcome and the others
     * go on. The default accepts them one by one.
     */
    default java.util.List<Outcome> acceptAll(java.util.List<SendRequest> requests) {
        java.util.List<Outcome> out = new java.util.ArrayList<>();
        for (SendRequest r : requests) {
            try {
                out.add(new Outcome(accept(r), null));
            } catch (dev.meshwire.peer.PeerException e) {
                out.add(new Outcome(null, e));
            }
        }
        return out;
    }
}
