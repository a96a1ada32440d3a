package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RelayTest extends SharedCoordinator {
    @Test
    void dmIsDeliveredUnchangedAndAcked() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "relay");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            Envelope env = alice.dm(bobId, "hello bob");
            alice.send(new Frames.Send("s1", bob.pubkey(), env));
            Frames.Ack ack = alice.await(Frames.Ack.class);
            assertEquals("s1", ack.id());
            assertEquals("accepted", ack.status());
            assertEquals(env.meta().clientMessageId(), ack.clientMessageId());
            assertTrue(ack.messageId().startsWith("msg_"));

            Frames.Deliver d = bob.await(Frames.Deliver.class);
            assertEquals(ack.messageId(), d.messageId());
            assertEquals(m.id(), d.mesh());
            assertEquals(env, d.envelope());
            assertTrue(EnvelopeSignature.verify(d.envelope()));
            byte[] plain = new BoxCipher(bobId).open(alice.identity.publicKey(),
                    Base64.getDecoder().decode(d.envelope().body().nonce()), Base64.getDecoder().decode(d.envelope().body().ciphertext()));
            assertEquals("hello bob", new String(plain, StandardCharsets.UTF_8));

            bob.send(new Frames.ClientAck(d.messageId(), ack.clientMessageId(), alice.pubkey()));
            // list_peers shows both, online, with roles
            bob.send(new Frames.ListPeers("lp"));
            Frames.Peers peers = bob.await(Frames.Peers.class);
            assertEquals("lp", peers.id());
            assertEquals(2, peers.peers().size());
            assertTrue(peers.peers().stream().allMatch(Frames.PeerInfo::online));
            assertTrue(peers.peers().stream().anyMatch(p -> p.role().equals("owner") && p.name().equals("owner")));
        }
    }

    /**
     * A dm to yourself is an ordinary send for the coordinator (docs/p2p.md "Data channel facts"): queued, acked
     * and delivered back to your own connection. The meshwire daemon refuses it earlier, at its IPC (self_send).
     */
    @Test
    void aDmToYourselfIsQueuedAndDeliveredBackToYou() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "relayself");
        try (TestPeer alice = Meshes.owner(fx, m)) {
            Envelope env = alice.dm(m.owner(), "note to self");
            alice.send(new Frames.Send("self", alice.pubkey(), env));
            Frames.Ack ack = alice.await(Frames.Ack.class, a -> "self".equals(a.id()));
            assertEquals("accepted", ack.status());
            Frames.Deliver d = alice.await(Frames.Deliver.class);
            assertEquals(ack.messageId(), d.messageId());
            assertEquals(env, d.envelope());
            alice.send(new Frames.ClientAck(d.messageId(), ack.clientMessageId(), alice.pubkey()));
            alice.sync("after-ack");
        }
    }

    @Test
    void offlineAndUnknownRecipients() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "relay");
        Identity bobId = Identity.generate();
        Meshes.joined(fx, m, bobId, "bob").close();
        try (TestPeer alice = Meshes.owner(fx, m)) {
            // an offline member is no error: the message is queued and delivered when bob comes back
            Envelope queued = alice.dm(bobId, "are you there");
            alice.send(new Frames.Send("s1", bobId.publicKeyHex(), queued));
            Frames.Ack a1 = alice.await(Frames.Ack.class);
            assertEquals("s1", a1.id());
            assertEquals("accepted", a1.status());

            Identity stranger = Identity.generate();
            alice.send(new Frames.Send("s2", stranger.publicKeyHex(), alice.dm(stranger, "x")));
            assertEquals("unknown_recipient", alice.await(Frames.Error.class, x -> "s2".equals(x.id())).code());

            alice.send(new Frames.Send("s3", "bob", alice.dm(bobId, "x")));
            assertEquals("unknown_recipient", alice.await(Frames.Error.class, x -> "s3".equals(x.id())).code());

            alice.send(new Frames.ListPeers("lp"));
            Frames.Peers peers = alice.await(Frames.Peers.class);
            Frames.PeerInfo bob = peers.peers().stream().filter(p -> p.name().equals("bob")).findFirst().orElseThrow();
            assertFalse(bob.online());
            assertNull(bob.connectedSince());

            try (TestPeer bobAgain = fx.peer(bobId)) {
                bobAgain.hello(m.id());
                Frames.Deliver d = bobAgain.await(Frames.Deliver.class);
                assertEquals(a1.messageId(), d.messageId());
                assertEquals(queued, d.envelope());
            }
        }
    }

    @Test
    void badSignaturesAndForeignSenderAreRefused() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "relay");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            Envelope good = alice.dm(bobId, "hi");
            Envelope tampered = new Envelope(good.v(), good.channel(), good.target(), good.from(), good.body(),
                    Meta.of("other-id", Priority.NOW, 1L), good.signature());
            // A tampered envelope is the receiver's to refuse (it verifies every envelope): by default the relay
            // accepts it; with verifyEnvelopes (strictFx) it is refused here. A missing signature is refused either way.
            alice.send(new Frames.Send("t1", bob.pubkey(), tampered));
            alice.await(Frames.Ack.class, a -> "t1".equals(a.id()));
            Envelope unsigned = new Envelope(good.v(), good.channel(), good.target(), good.from(), good.body(), Meta.of("unsigned", Priority.NOW, 1L), "");
            alice.send(new Frames.Send("t1b", bob.pubkey(), unsigned));
            Frames.Error e1b = alice.await(Frames.Error.class, e -> "t1b".equals(e.id()));
            assertEquals("bad_signature", e1b.code());
            assertTrue(e1b.message().contains("128 hex"), e1b.message());

            // bob's envelope (validly signed by bob) sent on alice's session
            Envelope notMine = bob.dm(alice.identity, "spoof");
            alice.send(new Frames.Send("t2", bob.pubkey(), new Envelope(2, notMine.channel(), bob.pubkey(), notMine.from(),
                    notMine.body(), notMine.meta(), notMine.signature())));
            Frames.Error e2 = alice.await(Frames.Error.class, e -> "t2".equals(e.id()));
            assertEquals("bad_signature", e2.code());
            assertTrue(e2.message().contains("from"), e2.message());

            // wrong version and missing clientMessageId
            alice.send(new Frames.Send("t3", bob.pubkey(), new Envelope(1, good.channel(), good.target(), good.from(), good.body(), good.meta(), good.signature())));
            assertEquals("invalid_frame", alice.await(Frames.Error.class, e -> "t3".equals(e.id())).code());
            Envelope noCmid = EnvelopeSignature.sign(new Envelope(2, good.channel(), good.target(), good.from(), good.body(),
                    Meta.of(null, Priority.NEXT, 1L), null), alice.identity);
            alice.send(new Frames.Send("t4", bob.pubkey(), noCmid));
            Frames.Error e4 = alice.await(Frames.Error.class, e -> "t4".equals(e.id()));
            assertEquals("invalid_frame", e4.code());
            assertTrue(e4.message().contains("clientMessageId"), e4.message());

            // the system channel is the coordinator's own (docs/protocol.md §12.5): a member's validly signed envelope on it
            Envelope system = EnvelopeSignature.sign(new Envelope(2, dev.meshwire.signaling.envelope.Channel.SYSTEM, good.target(), good.from(),
                    good.body(), Meta.of("fake-system", Priority.NEXT, 1L), null), alice.identity);
            alice.send(new Frames.Send("t5", bob.pubkey(), system));
            Frames.Error e5 = alice.await(Frames.Error.class, e -> "t5".equals(e.id()));
            assertEquals("invalid_frame", e5.code());
            assertTrue(e5.message().contains("system channel"), e5.message());

            // the session still works; bob got the tampered one (his to refuse) and the good one, nothing else
            alice.send(new Frames.Send("ok", bob.pubkey(), good));
            alice.await(Frames.Ack.class, a -> "ok".equals(a.id()));
            assertEquals(tampered, bob.await(Frames.Deliver.class).envelope());
            assertEquals(good, bob.await(Frames.Deliver.class).envelope());
            assertEquals(2, bob.seen().stream().filter(f -> f instanceof Frames.Deliver).count());
        }
    }

    /** {@code verifyEnvelopes}: the relay refuses a tampered envelope itself, and queues nothing of it. */
    @Test
    void withVerifyEnvelopesTheRelayRefusesATamperedEnvelope() throws Exception {
        try (CoordinatorFixture strict = new CoordinatorFixture(c -> c.withVerifyEnvelopes(true))) {
            Meshes.Mesh m = Meshes.create(strict, "strict");
            Identity bobId = Identity.generate();
            try (TestPeer alice = Meshes.owner(strict, m); TestPeer bob = Meshes.joined(strict, m, bobId, "bob")) {
                Envelope good = alice.dm(bobId, "hi");
                Envelope tampered = new Envelope(good.v(), good.channel(), good.target(), good.from(), good.body(),
                        Meta.of("other-id", Priority.NOW, 1L), good.signature());
                alice.send(new Frames.Send("t1", bob.pubkey(), tampered));
                Frames.Error e = alice.await(Frames.Error.class, x -> "t1".equals(x.id()));
                assertEquals("bad_signature", e.code());
                assertTrue(e.message().contains("does not verify"), e.message());
                alice.send(new Frames.Send("ok", bob.pubkey(), good));
                alice.await(Frames.Ack.class, a -> "ok".equals(a.id()));
                assertEquals(good, bob.await(Frames.Deliver.class).envelope(), "the first and only delivery is the good one");
            }
        }
    }
}
