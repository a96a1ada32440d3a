package dev.meshwire.peer.outbox;

/**
 * The send path's seam: IPC hands every send here and nothing else touches transports. The current
 * implementation ({@link DirectOutbox}) resolves, seals, signs and hands to the transport at once,
 * failing fast. The next issue replaces it with a durable SQLite outbox plus drain worker with the
 * same entry point (IPC accept → receipt), so callers do not change.
 */
public interface Outbox {
    /**
     * @throws dev.meshwire.peer.PeerException with a user-facing code when the request is refused
     *     (unknown/ambiguous peer, self, offline, too large, coordinator unreachable)
     */
    SendReceipt accept(SendRequest request);
}
