package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A crashed client is not held for the presence lease (docs/protocol.md §6 "Continuous presence"): its TCP
 * connection closes without a WebSocket close frame, and the others see its {@code peer_left} at once, so they
 * fail over instead of waiting out a 60 s lease. Real coordinator, real WebSockets through {@link TcpCutter}, on
 * SQLite and PostgreSQL (subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PresenceCrashTest {
    static final Duration LEASE = Duration.ofSeconds(60);
    final StoreKind kind;
    CoordinatorFixture fx;

    PresenceCrashTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("presence_crash") : null;
        fx = new CoordinatorFixture(c -> c.withDbUrl(pg).withPresenceLease(LEASE));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    @Test
    void aConnectionClosedWithoutACloseFrameEndsPresenceAtOnceAndLaterMailIsQueued() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "crash");
        Identity bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TcpCutter cutter = new TcpCutter(fx.vertx, fx.port())) {
            TestPeer bob = TestPeer.connect(fx.vertx, cutter.port(), bobId);
            bob.send(bob.joinFrame(m.invite().encode(), m.invite().inviteId(), m.id(), "bob"));
            Frames.HelloAck ack = bob.awaitAckOrFail();
            assertNotNull(ack.resumeToken(), "a member's own connection is offered a lease");
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(bobId.publicKeyHex()));

            long cut = System.nanoTime();
            cutter.cut();
            Frames.PeerLeft left = owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(bobId.publicKeyHex()));
            long tookMs = (System.nanoTime() - cut) / 1_000_000;
            assertEquals("disconnected", left.reason());
            assertTrue(tookMs < LEASE.toMillis() / 2, "announced at the crash, not at lease expiry (" + tookMs + " ms)");

            // Nothing is held: a dm now waits in the queue, and bob's next hello (even with his token) is a new presence.
            Frames.Ack queued = QueueWebSocketTest.sendOk(owner, "after-crash", bobId.publicKeyHex(), owner.dm(bobId, "while you were down"));
            try (TestPeer back = fx.peer(bobId)) {
                back.hello(m.id(), ack.resumeToken());
                owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(bobId.publicKeyHex()));
                Frames.Deliver d = back.await(Frames.Deliver.class, x -> x.messageId().equals(queued.messageId()));
                assertEquals(queued.messageId(), d.messageId());
            }
        }
    }
}
