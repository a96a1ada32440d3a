package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LivenessTest {
    static CoordinatorFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new CoordinatorFixture(c -> {
            // A lease shorter than the silence: the timed-out member's presence ends at once (PresenceLeaseTest holds it).
            CoordinatorConfig stunOnly = c.withLiveness(Duration.ofMillis(100), Duration.ofMillis(600)).withStunPort(0)
                    .withPresenceLease(Duration.ofMillis(300));
            return stunOnly.withIce(stunOnly.ice().withoutTurn()); // --no-turn: the embedded server answers STUN only
        });
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void silentSessionIsClosedAndOthersSeePeerLeft() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "live");
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, Identity.generate(), "bob")) {
            assertTrue(owner.await(Frames.Ping.class).id().startsWith("srv-"), "the coordinator pings");
            bob.answerPings = false;
            assertEquals(1000, bob.awaitClose());
            assertTrue(bob.closeReason().startsWith("no traffic"), bob.closeReason());
            Frames.PeerLeft left = owner.await(Frames.PeerLeft.class);
            assertEquals("timeout", left.reason());
            // the owner answered every ping and is still connected
            owner.send(new Frames.Ping("still"));
            assertEquals("still", owner.await(Frames.Pong.class).id());
        }
    }

    @Test
    void unauthenticatedConnectionTimesOut() throws Exception {
        try (TestPeer idle = fx.peer()) {
            Frames.Error e = idle.await(Frames.Error.class);
            assertEquals("not_authenticated", e.code());
            assertEquals(4010, idle.awaitClose());
        }
    }

    @Test
    void helloAckAnnouncesStunOnlyWithNoTurn() throws Exception {
        assertTrue(fx.coordinator.stunPort() > 0);
        Meshes.Mesh m = Meshes.create(fx, "live");
        try (TestPeer owner = fx.peer(m.owner())) {
            Frames.HelloAck ack = owner.hello(m.id());
            assertEquals(1, ack.iceServers().size());
            assertEquals("stun:127.0.0.1:" + fx.coordinator.stunPort(), ack.iceServers().get(0).urls().get(0));
            assertEquals(100, ack.pingIntervalMs());
        }
    }
}
