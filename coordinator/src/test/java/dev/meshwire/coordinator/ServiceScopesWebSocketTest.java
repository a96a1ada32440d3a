package dev.meshwire.coordinator;

import static dev.meshwire.coordinator.GrantsWebSocketTest.grant;
import static dev.meshwire.coordinator.GrantsWebSocketTest.register;
import static dev.meshwire.coordinator.GrantsWebSocketTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.service.ServiceAttestation;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Service read scopes and the queue's sender member, over real WebSockets against a coordinator on SQLite and on
 * PostgreSQL (subclasses), docs/protocol.md §6.4 "Read scopes" and §6.3 "Queue":
 * <ul>
 *   <li>an envelope to a service whose registration lacks the channel's read scope ({@code Scopes.readScopeFor}) is
 *       refused explicitly at {@code send} ({@code forbidden}), per copy, and never queued;</li>
 *   <li>a row queued for a service that is re-registered without the scope is dropped when claimed, and counted;</li>
 *   <li>a row queued by a session is judged by its parent even after the session disconnected: the parent's ban
 *       deletes it, and the recipient's grants about the parent refuse it at claim.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServiceScopesWebSocketTest {
    final StoreKind kind;
    CoordinatorFixture fx;

    ServiceScopesWebSocketTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("wsscopes") : null;
        fx = new CoordinatorFixture(c -> c.withDbUrl(pg));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    double scopeRefused(String path) {
        return fx.coordinator.metrics().count("meshwire_service_scope_refused", "path", path);
    }

    double grantDropped(String path) {
        return fx.coordinator.metrics().count("meshwire_grant_dropped", "path", path);
    }

    long depth(Meshes.Mesh m, String recipient) throws Exception {
        return GrantsWebSocketTest.await(fx.coordinator.store().queueDepth(m.id(), recipient));
    }

    static Frames.HelloAck connectService(TestPeer svc, Meshes.Mesh m, Identity owner, ServiceAttestation a) throws InterruptedException {
        svc.send(svc.serviceHelloFrame(m.id(), owner, a));
        return svc.awaitAckOrFail();
    }

    /**
     * The set-up of the two-service tests: a new mesh ({@code prefix}) with members alice and bob connected, and two
     * services of alice's registered with the scopes given, then connected. Closes what it opened, last first.
     */
    final class TwoServices implements AutoCloseable {
        final Meshes.Mesh m;
        final Identity aliceId = Identity.generate(), bobId = Identity.generate(), firstKey = Identity.generate(), secondKey = Identity.generate();
        final TestPeer alice, bob, first, second;
        private final List<TestPeer> open = new ArrayList<>();

        TwoServices(String prefix, String firstName, String firstScopes, String secondName, String secondScopes) throws Exception {
            m = Meshes.create(fx, prefix);
            try {
                alice = opened(Meshes.joined(fx, m, aliceId, "alice"));
                bob = opened(Meshes.joined(fx, m, bobId, "bob"));
                ServiceAttestation firstReg = register(alice, aliceId, m, firstName, firstKey, firstScopes);
                ServiceAttestation secondReg = register(alice, aliceId, m, secondName, secondKey, secondScopes);
                first = opened(fx.peer(firstKey));
                second = opened(fx.peer(secondKey));
                connectService(first, m, aliceId, firstReg);
                connectService(second, m, aliceId, secondReg);
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        private TestPeer opened(TestPeer p) {
            open.add(p);
            return p;
        }

        @Override
        public void close() {
            for (int i = open.size() - 1; i >= 0; i--) open.get(i).close(); // a second close of a closed peer does nothing
        }
    }

    @Test
    void aServiceWithoutDmReadIsRefusedADmExplicitlyAndAServiceWithDmReadGetsIt() throws Exception {
        try (TwoServices s = new TwoServices("sc-dm", "poster", "dm:write,topic:write", "inbox", "dm:read")) {
            TestPeer bob = s.bob, writer = s.first, reader = s.second;
            Identity bobId = s.bobId, writerKey = s.firstKey, readerKey = s.secondKey;
            double before = scopeRefused("relay");
            Frames.Error e = QueueWebSocketTest.sendErr(bob, "b1", writerKey.publicKeyHex(), bob.dm(writerKey, "you cannot read this"));
            assertEquals("forbidden", e.code());
            assertEquals("send: service 'poster' does not accept dm (it has no dm:read scope)", e.message());
            assertEquals(before + 1, scopeRefused("relay"));
            assertEquals(0L, depth(s.m, writerKey.publicKeyHex()), "a refused copy is never queued");
            // A retry is refused the same way (nothing was stored to be a duplicate of).
            assertEquals("forbidden", QueueWebSocketTest.sendErr(bob, "b2", writerKey.publicKeyHex(), bob.dm(writerKey, "again")).code());

            Frames.Ack ok = send(bob, "b3", readerKey.publicKeyHex(), bob.dm(readerKey, "for the inbox"));
            Frames.Deliver d = reader.await(Frames.Deliver.class, x -> x.messageId().equals(ok.messageId()));
            assertEquals(bobId.publicKeyHex(), d.envelope().from());
            // The writer can still send (its write scopes are unchanged): the refusal is about reading only.
            Frames.Ack fromWriter = send(writer, "w1", bobId.publicKeyHex(), writer.dm(bobId, "from the poster"));
            bob.await(Frames.Deliver.class, x -> x.messageId().equals(fromWriter.messageId()));
            writer.sync("w-sync");
            assertFalse(writer.seen().stream().anyMatch(f -> f instanceof Frames.Deliver), "nothing was ever pushed to the poster");
            writer.close();
            reader.close();
            // Offline it is the same: the scopes are the registration's, not the connection's.
            assertEquals("forbidden", QueueWebSocketTest.sendErr(bob, "b4", writerKey.publicKeyHex(), bob.dm(writerKey, "offline")).code());
        }
    }

    /** A stream control envelope (docs/protocol.md §12.4) from {@code from} to {@code to}: body version 2, meta.streamId. */
    static dev.meshwire.signaling.envelope.Envelope stream(Identity from, Identity to) {
        var sealed = new dev.meshwire.signaling.crypto.BoxCipher(from).seal(to.publicKey(),
                "{\"type\":\"accept\",\"offset\":0}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var b64 = java.util.Base64.getEncoder();
        var body = new dev.meshwire.signaling.envelope.Body(b64.encodeToString(sealed.nonce()), b64.encodeToString(sealed.ciphertext()),
                dev.meshwire.signaling.envelope.Body.BYTES_V2);
        String streamId = "00112233445566778899aabbccddeeff";
        var meta = new dev.meshwire.signaling.envelope.Meta("s:" + streamId + ":c:" + UUID.randomUUID(), null,
                dev.meshwire.signaling.envelope.Priority.NEXT, null, streamId, null, null, null, null, null, null, null, System.currentTimeMillis());
        return dev.meshwire.signaling.envelope.EnvelopeSignature.sign(new dev.meshwire.signaling.envelope.Envelope(
                dev.meshwire.signaling.envelope.Envelope.VERSION, dev.meshwire.signaling.envelope.Channel.STREAM, to.publicKeyHex(),
                from.publicKeyHex(), body, meta, null), from);
    }

    /** stream:write gives a service the sender cap stream (a file transfer's control messages and chunks, §12.4 "Sub-peers"). */
    @Test
    void aServiceSendsOnTheStreamChannelOnlyWithStreamWrite() throws Exception {
        try (TwoServices s = new TwoServices("sc-stream", "talker", "dm:read,dm:write", "room", "dm:read,stream:write")) {
            TestPeer bob = s.bob, talker = s.first, room = s.second;
            Identity bobId = s.bobId, dmKey = s.firstKey, streamKey = s.secondKey;
            Frames.Error e = QueueWebSocketTest.sendErr(talker, "t1", bobId.publicKeyHex(), stream(dmKey, bobId));
            assertEquals("forbidden", e.code());
            assertTrue(e.message().contains("missing session capability \"stream\""), e.message());
            Frames.Ack ok = send(room, "r1", bobId.publicKeyHex(), stream(streamKey, bobId));
            Frames.Deliver d = bob.await(Frames.Deliver.class, x -> x.messageId().equals(ok.messageId()));
            assertEquals(streamKey.publicKeyHex(), d.envelope().from());
            assertEquals(dev.meshwire.signaling.envelope.Channel.STREAM, d.envelope().channel());
            // And a member's stream to the service arrives (stream needs dm:read, which both have).
            Frames.Ack toRoom = send(bob, "b1", streamKey.publicKeyHex(), stream(bobId, streamKey));
            room.await(Frames.Deliver.class, x -> x.messageId().equals(toRoom.messageId()));
        }
    }

    @Test
    void aBroadcastCopyToAServiceWithoutTopicReadIsRefusedForThatCopyOnly() throws Exception {
        try (TwoServices s = new TwoServices("sc-fan", "dm-bot", "dm:read", "listener", "topic:read")) {
            TestPeer alice = s.alice, bob = s.bob, dmBot = s.first, listener = s.second;
            Identity aliceId = s.aliceId, dmOnlyKey = s.firstKey, listenerKey = s.secondKey;
            // One `*` broadcast = one group copy per recipient, each sealed by bob (docs/protocol.md §6.2).
            String cmid = UUID.randomUUID().toString();
            double before = scopeRefused("relay");
            Frames.Ack toAlice = send(bob, "c1", aliceId.publicKeyHex(), bob.broadcastCopy(aliceId, "hello all", cmid));
            Frames.Error refused = QueueWebSocketTest.sendErr(bob, "c2", dmOnlyKey.publicKeyHex(), bob.broadcastCopy(dmOnlyKey, "hello all", cmid));
            assertEquals("forbidden", refused.code());
            assertEquals("send: service 'dm-bot' does not accept group (it has no topic:read scope)", refused.message());
            Frames.Ack toListener = send(bob, "c3", listenerKey.publicKeyHex(), bob.broadcastCopy(listenerKey, "hello all", cmid));
            assertEquals(before + 1, scopeRefused("relay"));
            alice.await(Frames.Deliver.class, d -> d.messageId().equals(toAlice.messageId()));
            listener.await(Frames.Deliver.class, d -> d.messageId().equals(toListener.messageId()));
            assertEquals(0L, depth(s.m, dmOnlyKey.publicKeyHex()));
            // The listener without dm:read is refused a dm; the dm bot gets one.
            assertEquals("forbidden", QueueWebSocketTest.sendErr(bob, "c4", listenerKey.publicKeyHex(), bob.dm(listenerKey, "no")).code());
            Frames.Ack dm = send(bob, "c5", dmOnlyKey.publicKeyHex(), bob.dm(dmOnlyKey, "yes"));
            Frames.Deliver got = dmBot.await(Frames.Deliver.class);
            assertEquals(dm.messageId(), got.messageId(), "the first and only thing pushed to the dm bot is the dm");
        }
    }

    @Test
    void rowsQueuedForAServiceReRegisteredWithoutTheScopeAreDroppedAtClaimAndCounted() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sc-rereg");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), svcKey = Identity.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice"); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            ServiceAttestation first = register(alice, aliceId, m, "hook", svcKey, "dm:read,topic:read");
            Frames.Ack queued;
            try (TestPeer svc = fx.peer(svcKey)) {
                connectService(svc, m, aliceId, first);
                queued = send(bob, "b1", svcKey.publicKeyHex(), bob.dm(svcKey, "pushed, never acked"));
                assertEquals(queued.messageId(), svc.await(Frames.Deliver.class).messageId());
            }
            // Re-registered (same key, same name) without dm:read, while its row is queued and unacked.
            ServiceAttestation second = register(alice, aliceId, m, "hook", svcKey, "topic:read");
            double drops = scopeRefused("queue");
            try (TestPeer svc = fx.peer(svcKey)) {
                connectService(svc, m, aliceId, second);
                Frames.Ack copy = send(bob, "b2", svcKey.publicKeyHex(), bob.broadcastCopy(svcKey, "still readable", UUID.randomUUID().toString()));
                // Rows are pushed in queue order: the group copy arriving first means the older dm row was not pushed.
                assertEquals(copy.messageId(), svc.await(Frames.Deliver.class).messageId(), "the dm row is not pushed any more");
                Conditions.await("the dm row is counted as a scope drop", () -> scopeRefused("queue") >= drops + 1);
                assertFalse(svc.seen().stream().anyMatch(f -> f instanceof Frames.Deliver d && d.messageId().equals(queued.messageId())));
                svc.send(new Frames.ClientAck(copy.messageId(), null, null));
                Conditions.await("the dropped row is marked done like an acked one, not redelivered", () -> {
                    try {
                        return depth(m, svcKey.publicKeyHex()) == 0L;
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
            }
        }
    }

    @Test
    void aDmToAnActiveServiceThatIsNotConnectedIsQueuedAndARevokedOneIsUnknown() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sc-away");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), svcKey = Identity.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice"); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            ServiceAttestation a = register(alice, aliceId, m, "away", svcKey, "dm:read");
            // Never connected (its daemon is down or restarting): the dm waits in the queue like a member's mail.
            Frames.Ack queued = send(bob, "b1", svcKey.publicKeyHex(), bob.dm(svcKey, "wait for me"));
            assertEquals(1L, depth(m, svcKey.publicKeyHex()));
            try (TestPeer svc = fx.peer(svcKey)) {
                connectService(svc, m, aliceId, a);
                Frames.Deliver d = svc.await(Frames.Deliver.class);
                assertEquals(queued.messageId(), d.messageId());
                svc.send(new Frames.ClientAck(d.messageId(), null, null));
            }
            // Revoked: nothing is queued for it any more.
            alice.send(new Frames.ServiceRevoke("rv", "away", "done"));
            alice.await(Frames.Ok.class, o -> "rv".equals(o.id()));
            Frames.Error e = QueueWebSocketTest.sendErr(bob, "b2", svcKey.publicKeyHex(), bob.dm(svcKey, "too late"));
            assertTrue(java.util.Set.of("unknown_recipient", "revoked").contains(e.code()), e.code() + ": " + e.message());
            assertEquals(0L, depth(m, svcKey.publicKeyHex()));
        }
    }

    // ---- the queue knows the member behind a session's rows ----

    @Test
    void aBannedMembersDisconnectedSessionsQueuedRowsAreDroppedAndNeverDelivered() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sc-ban");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), sessionKey = Identity.generate();
        Meshes.joined(fx, m, bobId, "bob").close(); // bob is offline: what is sent to him is queued
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer alice = Meshes.joined(fx, m, aliceId, "alice")) {
            Frames.Ack queued;
            try (TestPeer s = fx.peer(sessionKey)) {
                s.sessionHello(m.id(), aliceId, null, "agent");
                queued = send(s, "s1", bobId.publicKeyHex(), s.dm(bobId, "from alice's session"));
            }
            // The session is gone (the coordinator has announced it) before its parent is banned.
            owner.await(Frames.PeerLeft.class, l -> l.pubkey().equals(sessionKey.publicKeyHex()));
            assertEquals(1L, depth(m, bobId.publicKeyHex()));
            double banned = fx.coordinator.metrics().count("meshwire_queue_dropped", "reason", "banned");
            owner.send(new Frames.Ban("ban", "alice"));
            Frames.Ok ok = owner.await(Frames.Ok.class, o -> "ban".equals(o.id()));
            assertTrue(ok.detail().endsWith("1 queued message(s) dropped"), ok.detail());
            assertEquals(banned + 1, fx.coordinator.metrics().count("meshwire_queue_dropped", "reason", "banned"));
            assertEquals(0L, depth(m, bobId.publicKeyHex()));

            Frames.Ack later = send(owner, "o1", bobId.publicKeyHex(), owner.dm(bobId, "from the owner"));
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                assertEquals(later.messageId(), bob.await(Frames.Deliver.class).messageId(), "the session's row is gone");
                assertFalse(bob.seen().stream().anyMatch(f -> f instanceof Frames.Deliver d && d.messageId().equals(queued.messageId())));
            }
        }
    }

    @Test
    void aRowFromADisconnectedSessionIsJudgedByItsParentsGrantsAtClaim() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sc-grant");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), sessionKey = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer alice = Meshes.joined(fx, m, aliceId, "alice")) {
            Frames.Ack queued;
            try (TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
                try (TestPeer s = fx.peer(sessionKey)) {
                    s.sessionHello(m.id(), aliceId, null, "agent");
                    queued = send(s, "s1", bobId.publicKeyHex(), s.dm(bobId, "pushed, never acked"));
                    assertEquals(queued.messageId(), bob.await(Frames.Deliver.class).messageId());
                }
                bob.await(Frames.PeerLeft.class, l -> l.pubkey().equals(sessionKey.publicKeyHex()));
                grant(bob, "g1", aliceId.publicKeyHex(), ""); // bob blocks alice after her session went away
            }
            double drops = grantDropped("queue");
            Frames.Ack later = send(owner, "o1", bobId.publicKeyHex(), owner.dm(bobId, "from the owner"));
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                assertEquals(later.messageId(), bob.await(Frames.Deliver.class).messageId(), "the session's row is refused by alice's entry");
                Conditions.await("the row is counted as a grant drop", () -> grantDropped("queue") >= drops + 1);
                assertFalse(bob.seen().stream().anyMatch(f -> f instanceof Frames.Deliver d && d.messageId().equals(queued.messageId())));
            }
        }
    }
}
