package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Delivery receipts ({@code receipt}: the recipient's {@code client_ack} reported to the original sender)
 * and the relay-path ping ({@code peer_ping}/{@code peer_pong}), through a real coordinator and real
 * WebSockets.
 */
class ReceiptTest extends SharedCoordinator {
    static final String NONCE = "00112233445566778899aabbccddeeff";

    /** Hello listing the {@code receipts} feature, as a current daemon does. */
    private static void helloWithReceipts(TestPeer p, String meshId) throws InterruptedException {
        p.send(new Frames.Hello("h1", meshId, p.pubkey(), new Frames.Capabilities(false, 1 << 20, List.of("receipts")),
                p.identity.signHex(Canonical.hello(meshId, p.pubkey(), p.nonce()))));
        p.awaitAckOrFail();
    }

    @Test
    void theSenderGetsAReceiptOnlyAfterTheRecipientAcks() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "receipt");
        Identity bobId = Identity.generate();
        try (TestPeer alice = fx.peer(m.owner()); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            helloWithReceipts(alice, m.id());
            Envelope env = alice.dm(bobId, "hello bob");
            alice.send(new Frames.Send("s1", bob.pubkey(), env));
            Frames.Ack ack = alice.await(Frames.Ack.class);
            Frames.Deliver d = bob.await(Frames.Deliver.class);
            alice.sync("before-ack");
            assertTrue(alice.seen().stream().noneMatch(f -> f instanceof Frames.Receipt), "no receipt before the ack: " + alice.seen());

            bob.send(new Frames.ClientAck(d.messageId(), ack.clientMessageId(), alice.pubkey()));
            Frames.Receipt r = alice.await(Frames.Receipt.class);
            assertEquals(m.id(), r.mesh());
            assertEquals(ack.messageId(), r.messageId());
            assertEquals(env.meta().clientMessageId(), r.clientMessageId());
            assertEquals(bob.pubkey(), r.to());
            assertTrue(Math.abs(System.currentTimeMillis() - r.at()) < 60_000, "at is the ack time: " + r.at());
        }
    }

    @Test
    void aQueuedMessageIsReceiptedWhenTheRecipientComesBackAndAcks() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "receiptq");
        Identity bobId = Identity.generate();
        Meshes.joined(fx, m, bobId, "bob").close();
        try (TestPeer alice = fx.peer(m.owner())) {
            helloWithReceipts(alice, m.id());
            alice.send(new Frames.Send("s1", bobId.publicKeyHex(), alice.dm(bobId, "later")));
            Frames.Ack ack = alice.await(Frames.Ack.class);
            alice.sync("queued");
            assertTrue(alice.seen().stream().noneMatch(f -> f instanceof Frames.Receipt), "queued: no receipt yet");
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                Frames.Deliver d = bob.await(Frames.Deliver.class);
                assertEquals(ack.messageId(), d.messageId());
                bob.send(new Frames.ClientAck(d.messageId(), ack.clientMessageId(), alice.pubkey()));
                assertEquals(ack.messageId(), alice.await(Frames.Receipt.class).messageId());
            }
        }
    }

    @Test
    void noReceiptForAClientWithoutTheFeatureOrForAnAckOfSomeoneElsesMessage() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "receiptno");
        Identity bobId = Identity.generate();
        Identity carolId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob");
             TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
            // alice's hello lists no "receipts": she never gets the frame (an older daemon would not know it).
            alice.send(new Frames.Send("s1", bob.pubkey(), alice.dm(bobId, "one")));
            Frames.Ack ack = alice.await(Frames.Ack.class);
            Frames.Deliver d = bob.await(Frames.Deliver.class);
            // carol acks bob's message id: the coordinator ignores it, bob's real ack follows.
            carol.send(new Frames.ClientAck(d.messageId(), ack.clientMessageId(), alice.pubkey()));
            carol.sync("carol-acked");
            bob.send(new Frames.ClientAck(d.messageId(), ack.clientMessageId(), alice.pubkey()));
            bob.sync("bob-acked");
            alice.sync("after");
            assertTrue(alice.seen().stream().noneMatch(f -> f instanceof Frames.Receipt), "no receipts: " + alice.seen());
        }
        Meshes.Mesh m2 = Meshes.create(fx, "receiptforge");
        Identity daveId = Identity.generate();
        Identity eveId = Identity.generate();
        try (TestPeer alice = fx.peer(m2.owner()); TestPeer dave = Meshes.joined(fx, m2, daveId, "dave");
             TestPeer eve = Meshes.joined(fx, m2, eveId, "eve")) {
            helloWithReceipts(alice, m2.id());
            alice.send(new Frames.Send("s1", dave.pubkey(), alice.dm(daveId, "for dave")));
            Frames.Ack ack = alice.await(Frames.Ack.class);
            dave.await(Frames.Deliver.class);
            // eve guesses dave's message id: no receipt, because the row was pushed to dave, not to eve.
            eve.send(new Frames.ClientAck(ack.messageId(), ack.clientMessageId(), alice.pubkey()));
            eve.sync("eve-acked");
            alice.sync("after-eve");
            assertTrue(alice.seen().stream().noneMatch(f -> f instanceof Frames.Receipt), "a forged ack gives no receipt: " + alice.seen());
        }
    }

    @Test
    void peerPingIsForwardedWithItsOriginAndAnsweredByPong() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "peerping");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            alice.send(new Frames.PeerPing(null, bob.pubkey() /* forged origin is overwritten */, bob.pubkey(), NONCE));
            Frames.PeerPing ping = bob.await(Frames.PeerPing.class);
            assertEquals(alice.pubkey(), ping.from());
            assertEquals(m.id(), ping.mesh());
            assertEquals(NONCE, ping.nonce());
            bob.send(new Frames.PeerPong(null, null, ping.from(), ping.nonce()));
            Frames.PeerPong pong = alice.await(Frames.PeerPong.class);
            assertEquals(bob.pubkey(), pong.from());
            assertEquals(NONCE, pong.nonce());

            alice.send(new Frames.PeerPing(null, null, bob.pubkey(), "not-a-nonce"));
            Frames.Error e = alice.await(Frames.Error.class);
            assertEquals(ErrorCode.INVALID_FRAME, e.code());
            assertTrue(e.message().contains("'nonce'"), e.message());
            alice.send(new Frames.PeerPing(null, null, Identity.generate().publicKeyHex(), NONCE));
            assertEquals(ErrorCode.PEER_OFFLINE, alice.await(Frames.Error.class).code());
        }
    }
}
