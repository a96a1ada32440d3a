package dev.meshwire.livekit.bridge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.ipc.IpcException;
import org.junit.jupiter.api.Test;

/**
 * Which daemon answers keep a room packet queued (docs/livekit.md "Delivery"): the daemon or the coordinator away,
 * or asking us to slow down, keep it; a refusal of the message itself drops it. The codes are the daemon's own
 * (PeerException), as its IPC sends them.
 */
class TransientRefusalTest {
    static IpcException e(int status, String code, String message) {
        return new IpcException(status, code, message, null);
    }

    @Test
    void theDaemonOrCoordinatorAwayKeepsThePacket() {
        assertTrue(LiveKitBridge.transientRefusal(e(0, "daemon_unavailable", "cannot reach the daemon")));
        assertTrue(LiveKitBridge.transientRefusal(e(401, "unauthorized", "bad token")), "a restarted daemon has a new token");
        assertTrue(LiveKitBridge.transientRefusal(e(503, "coordinator_unreachable", "service 'lk' is not connected")));
        assertTrue(LiveKitBridge.transientRefusal(e(404, "unknown_service", "this daemon holds no delegated service 'lk'")),
                "a restarted daemon holds the service again once its mesh state is current");
        assertTrue(LiveKitBridge.transientRefusal(e(502, "coordinator_refused",
                "the coordinator refused the service 'lk''s send: rate_limited: send: more than 50 messages/s")));
        assertTrue(LiveKitBridge.transientRefusal(e(502, "coordinator_refused",
                "the coordinator refused the service 'lk''s send: queue_full: send: the recipient has 10000 undelivered messages")));
    }

    @Test
    void aRefusalOfTheMessageDropsIt() {
        assertFalse(LiveKitBridge.transientRefusal(e(403, "scope_refused", "service 'lk' may not send dm messages")));
        assertFalse(LiveKitBridge.transientRefusal(e(404, "unknown_peer", "no peer named 'bobby'")));
        assertFalse(LiveKitBridge.transientRefusal(e(400, "bad_request", "field 'to' is required")));
        assertFalse(LiveKitBridge.transientRefusal(e(400, "message_too_large", "a service sends at most 131072 bytes")));
        assertFalse(LiveKitBridge.transientRefusal(e(502, "coordinator_refused",
                "the coordinator refused the service 'lk''s send: revoked: send: 0123… was revoked from this mesh")));
    }
}
