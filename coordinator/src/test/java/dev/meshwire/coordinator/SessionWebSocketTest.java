package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.session.SessionAttestation;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Per-session identities over real WebSockets against a coordinator on SQLite and on PostgreSQL (subclasses):
 * hostile session hellos refused with the seed's reasons, presence and peers lists with parents, routing of dms
 * and broadcasts between members and sessions, capabilities on the relay, and the parent's moderation closing its
 * sessions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionWebSocketTest {
    private static final long HOUR = 3_600_000L;
    final StoreKind kind;
    CoordinatorFixture fx;

    SessionWebSocketTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("sessions") : null;
        fx = new CoordinatorFixture(c -> c.withDbUrl(pg));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    /** Sends {@code hello} and expects an error with {@code code}, then the close {@code closeCode}. */
    static void refused(TestPeer p, Frames.SessionHello hello, String code, int closeCode) throws Exception {
        p.send(hello);
        Frames.Error e = p.await(Frames.Error.class);
        assertEquals(code, e.code(), e.toString());
        assertTrue(e.message() != null && !e.message().isBlank(), "a refusal says why");
        assertEquals(closeCode, p.awaitClose());
        assertFalse(p.seen().stream().anyMatch(f -> f instanceof Frames.HelloAck), "no hello_ack after a refusal");
    }

    @Test
    void hostileSessionHellosAreRefusedWithTheSeedsReasons() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sess-hostile");
        Meshes.Mesh other = Meshes.create(fx, "sess-other");
        Identity parent = m.owner();
        Identity stranger = Identity.generate();

        try (TestPeer p = fx.peer()) { // expired
            SessionAttestation a = SessionAttestation.sign(parent, p.pubkey(), now() - 1000, null);
            refused(p, p.sessionHelloFrame(m.id(), m.id(), parent, p.identity, a, now(), null), "expired", 4003);
        }
        try (TestPeer p = fx.peer()) { // 24 h + 60 s
            SessionAttestation a = SessionAttestation.sign(parent, p.pubkey(), now() + 24 * HOUR + 60_000, null);
            refused(p, p.sessionHelloFrame(m.id(), m.id(), parent, p.identity, a, now(), null), "ttl_too_long", 4003);
        }
        try (TestPeer p = fx.peer()) { // attestation signed by another key
            SessionAttestation forged = SessionAttestation.sign(stranger, p.pubkey(), now() + HOUR, null);
            SessionAttestation a = new SessionAttestation(parent.publicKeyHex(), p.pubkey(), forged.expiresAt(), null, forged.signature());
            refused(p, p.sessionHelloFrame(m.id(), m.id(), parent, p.identity, a, now(), null), "bad_signature", 4003);
        }
        try (TestPeer p = fx.peer()) { // attestation for another session key
            SessionAttestation a = SessionAttestation.sign(parent, Identity.generate().publicKeyHex(), now() + HOUR, null);
            refused(p, p.sessionHelloFrame(m.id(), m.id(), parent, p.identity, a, now(), null), "bad_signature", 4003);
        }
        try (TestPeer p = fx.peer()) { // malformed parent key
            SessionAttestation good = SessionAttestation.sign(parent, p.pubkey(), now() + HOUR, null);
            SessionAttestation a = new SessionAttestation("not-hex", p.pubkey(), good.expiresAt(), null, good.signature());
            refused(p, p.sessionHelloFrame(m.id(), m.id(), parent, p.identity, a, now(), null), "malformed", 4003);
        }
        try (TestPeer p = fx.peer()) { // hello signed with the parent key instead of the session key
            SessionAttestation a = SessionAttestation.sign(parent, p.pubkey(), now() + HOUR, null);
            refused(p, p.sessionHelloFrame(m.id(), m.id(), parent, parent, a, now(), null), "bad_signature", 4003);
        }
        try (TestPeer p = fx.peer()) { // timestamp 61 s off
            SessionAttestation a = SessionAttestation.sign(parent, p.pubkey(), now() + HOUR, null);
            refused(p, p.sessionHelloFrame(m.id(), m.id(), parent, p.identity, a, now() - 61_000, null), "timestamp_skew", 4003);
        }
        try (TestPeer p = fx.peer()) { // signed for mesh A, presented to mesh B
            SessionAttestation a = SessionAttestation.sign(parent, p.pubkey(), now() + HOUR, null);
            refused(p, p.sessionHelloFrame(other.id(), m.id(), parent, p.identity, a, now(), null), "bad_signature", 4003);
        }
        Identity victim = Identity.generate();
        SessionAttestation stolen = SessionAttestation.sign(parent, victim.publicKeyHex(), now() + HOUR, null);
        try (TestPeer thief = fx.peer()) { // a stolen attestation, presented without the session's secret
            Frames.SessionHello own = thief.sessionHelloFrame(m.id(), m.id(), parent, thief.identity, stolen, now(), null);
            Frames.SessionHello asVictim = new Frames.SessionHello("s1", m.id(), victim.publicKeyHex(), parent.publicKeyHex(), null,
                    stolen, own.timestamp(), null, own.signature(), null);
            refused(thief, asVictim, "bad_signature", 4003);
        }
        try (TestPeer p = fx.peer()) { // parent is not a member of this mesh
            SessionAttestation a = SessionAttestation.sign(stranger, p.pubkey(), now() + HOUR, null);
            refused(p, p.sessionHelloFrame(m.id(), m.id(), stranger, p.identity, a, now(), null), "not_member", 4003);
        }
    }

    @Test
    void aRevokedParentsSessionsAreClosedAndRefused() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sess-revoke");
        Identity bob = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bobConn = Meshes.joined(fx, m, bob, "bob");
             TestPeer s1 = fx.peer(); TestPeer later = fx.peer()) {
            s1.sessionHello(m.id(), bob, null, "one");
            // carol is offline: what bob's session sends her waits in the queue
            Identity carol = Identity.generate();
            Meshes.joined(fx, m, carol, "carol").close();
            QueueWebSocketTest.sendOk(s1, "q1", carol.publicKeyHex(), s1.dm(carol, "queued by the session"));
            owner.send(new Frames.Revoke("r1", bob.publicKeyHex(), "lost laptop"));
            owner.await(Frames.Ok.class, o -> "r1".equals(o.id()));
            assertEquals(4002, bobConn.awaitClose());
            assertEquals(4002, s1.awaitClose(), "the revoked member's session is closed too");
            assertEquals("revoked", s1.await(Frames.Error.class).code());
            SessionAttestation a = SessionAttestation.sign(bob, later.pubkey(), now() + HOUR, null);
            refused(later, later.sessionHelloFrame(m.id(), m.id(), bob, later.identity, a, now(), null), "revoked", 4002);
            // the revoked member's session traffic was dropped with it: carol gets nothing before a later marker
            try (TestPeer carolConn = fx.peer(carol)) {
                carolConn.hello(m.id());
                assertEquals(List.of(), QueueWebSocketTest.deliveredBeforeMarker(owner, carolConn, carol, "after-revoke"));
            }
        }
    }

    @Test
    void kickingTheParentClosesItsSessions() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sess-kick");
        Identity bob = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer s1 = fx.peer()) {
            Meshes.joined(fx, m, bob, "bob").close(); // bob's own connection is not online: only its session is
            s1.sessionHello(m.id(), bob, null, "only");
            owner.send(new Frames.Kick("k1", "bob"));
            Frames.Ok ok = owner.await(Frames.Ok.class, o -> "k1".equals(o.id()));
            assertTrue(ok.detail().startsWith("kicked"), ok.toString());
            assertEquals(4001, s1.awaitClose());
        }
    }

    @Test
    void sessionsArePresentWithTheirParentAndGetOnlyTheirOwnDms() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sess-route");
        Identity alice = m.owner();
        Identity bob = Identity.generate();
        try (TestPeer aliceConn = Meshes.owner(fx, m); TestPeer bobConn = Meshes.joined(fx, m, bob, "bob");
             TestPeer s1 = fx.peer(); TestPeer s2 = fx.peer()) {
            Frames.HelloAck ack1 = s1.sessionHello(m.id(), alice, null, "build");
            assertEquals(s1.pubkey(), ack1.self().pubkey());
            assertEquals(alice.publicKeyHex(), ack1.self().parent());
            assertTrue(ack1.self().name().endsWith("/build"), ack1.self().name());
            s2.sessionHello(m.id(), alice, List.of("broadcast", "dm"), null);
            Frames.PeerJoined joined = aliceConn.await(Frames.PeerJoined.class, j -> s2.pubkey().equals(j.peer().pubkey()));
            assertEquals(alice.publicKeyHex(), joined.peer().parent());
            assertEquals(List.of("broadcast", "dm"), joined.peer().attestation().caps());
            assertTrue(joined.peer().attestation().verify(now()).ok(), "every client can check the session itself");

            bobConn.send(new Frames.ListPeers("lp"));
            Frames.Peers peers = bobConn.await(Frames.Peers.class, p -> "lp".equals(p.id()));
            Set<String> sessions = peers.peers().stream().filter(Frames.PeerInfo::isSession).map(Frames.PeerInfo::pubkey).collect(Collectors.toSet());
            assertEquals(Set.of(s1.pubkey(), s2.pubkey()), sessions);
            assertEquals(1, peers.peers().stream().filter(p -> p.pubkey().equals(alice.publicKeyHex())).count());

            // bob → s1: only s1; bob → alice: only alice's own connection
            Frames.Ack toS1 = QueueWebSocketTest.sendOk(bobConn, "d1", s1.pubkey(), bobConn.dm(s1.identity, "for s1"));
            Frames.Ack toAlice = QueueWebSocketTest.sendOk(bobConn, "d2", alice.publicKeyHex(), bobConn.dm(alice, "for alice"));
            Frames.Deliver got = s1.await(Frames.Deliver.class, d -> d.messageId().equals(toS1.messageId()));
            s1.send(new Frames.ClientAck(got.messageId(), got.envelope().meta().clientMessageId(), bob.publicKeyHex()));
            aliceConn.await(Frames.Deliver.class, d -> d.messageId().equals(toAlice.messageId()));

            // a * broadcast: one copy per recipient in bob's list (alice, s1, s2); each arrives once, where addressed
            String b = UUID.randomUUID().toString();
            Frames.Ack bA = QueueWebSocketTest.sendOk(bobConn, "b1", alice.publicKeyHex(), bobConn.broadcastCopy(alice, "all", b));
            Frames.Ack b1 = QueueWebSocketTest.sendOk(bobConn, "b2", s1.pubkey(), bobConn.broadcastCopy(s1.identity, "all", b));
            Frames.Ack b2 = QueueWebSocketTest.sendOk(bobConn, "b3", s2.pubkey(), bobConn.broadcastCopy(s2.identity, "all", b));
            aliceConn.await(Frames.Deliver.class, d -> d.messageId().equals(bA.messageId()));
            s1.await(Frames.Deliver.class, d -> d.messageId().equals(b1.messageId()));
            s2.await(Frames.Deliver.class, d -> d.messageId().equals(b2.messageId()));
            for (TestPeer p : List.of(aliceConn, s1, s2)) p.sync("sync-" + p.pubkey().substring(0, 6));

            assertEquals(List.of(toS1.messageId(), b1.messageId()), QueueWebSocketTest.deliveredIds(s1));
            assertEquals(List.of(b2.messageId()), QueueWebSocketTest.deliveredIds(s2));
            assertEquals(List.of(toAlice.messageId(), bA.messageId()), QueueWebSocketTest.deliveredIds(aliceConn));

            // a session sends as itself, with its own key
            Frames.Ack fromS2 = QueueWebSocketTest.sendOk(s2, "x1", bob.publicKeyHex(), s2.dm(bob, "from s2"));
            Frames.Deliver fromSession = bobConn.await(Frames.Deliver.class, d -> d.messageId().equals(fromS2.messageId()));
            assertEquals(s2.pubkey(), fromSession.envelope().from());

            // the session leaves: others see peer_left with its key, the parent stays
            s2.close();
            Frames.PeerLeft left = bobConn.await(Frames.PeerLeft.class, l -> s2.pubkey().equals(l.pubkey()));
            assertEquals("disconnected", left.reason());
            assertNull(bobConn.seen().stream().filter(f -> f instanceof Frames.PeerLeft l && alice.publicKeyHex().equals(l.pubkey()))
                    .findFirst().orElse(null));
        }
    }

    @Test
    void aSessionWithoutDmCannotSendADmAndCannotLeaveForItsMember() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sess-caps");
        Identity bob = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bobConn = Meshes.joined(fx, m, bob, "bob");
             TestPeer onlyBroadcast = fx.peer(); TestPeer none = fx.peer()) {
            onlyBroadcast.sessionHello(m.id(), m.owner(), List.of("broadcast"), "bc");
            none.sessionHello(m.id(), m.owner(), List.of(), "none");
            Frames.Error e = QueueWebSocketTest.sendErr(onlyBroadcast, "dm1", bob.publicKeyHex(), onlyBroadcast.dm(bob, "no"));
            assertEquals("forbidden", e.code());
            assertTrue(e.message().contains("missing session capability \"dm\""), e.message());
            QueueWebSocketTest.sendOk(onlyBroadcast, "bc1", bob.publicKeyHex(), onlyBroadcast.broadcastCopy(bob, "yes", UUID.randomUUID().toString()));
            Frames.Error e2 = QueueWebSocketTest.sendErr(none, "bc2", bob.publicKeyHex(), none.broadcastCopy(bob, "no", UUID.randomUUID().toString()));
            assertEquals("forbidden", e2.code());
            none.send(new Frames.Kick("k", "bob"));
            assertEquals("forbidden", none.await(Frames.Error.class, x -> "k".equals(x.id())).code());
            none.send(new Frames.Leave("l"));
            assertEquals("forbidden", none.await(Frames.Error.class, x -> "l".equals(x.id())).code());
            none.sync("still-open");
            for (Frame f : bobConn.seen()) {
                if (f instanceof Frames.Deliver d) assertEquals(onlyBroadcast.pubkey(), d.envelope().from(), "only the allowed send arrived");
            }
        }
    }

    @Test
    void aSessionIsClosedWhenItsAttestationExpires() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sess-expiry");
        try (TestPeer s = fx.peer()) {
            SessionAttestation a = SessionAttestation.sign(m.owner(), s.pubkey(), now() + 2_000, null);
            s.send(s.sessionHelloFrame(m.id(), m.id(), m.owner(), s.identity, a, now(), null));
            s.awaitAckOrFail();
            assertEquals(4003, s.awaitClose());
            assertEquals("expired", s.await(Frames.Error.class).code());
        }
    }
}
