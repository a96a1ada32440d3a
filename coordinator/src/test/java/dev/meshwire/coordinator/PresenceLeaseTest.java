package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.presence.ResumeToken;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.session.SessionAttestation;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Continuous presence over real WebSockets against a real coordinator on SQLite and on PostgreSQL (subclasses):
 * a drop and a resume within the lease is silent, a longer drop is one leave and one join, a replayed token closes
 * the older socket, a forged, foreign or expired token is a fresh hello, a message sent during the grace is
 * delivered once on return, a member kicked or revoked while away never resumes; the same for session and service
 * connections (held under their own key, independently of their parent), and kicking a parent ends its held and
 * connected sessions and its own held presence once, and revoking a held service ends it at once.
 *
 * <p>"Nothing was announced" is asserted against an ordering barrier, never a sleep: lease timers fire in order on
 * the coordinator's one event loop, so once the owner sees the {@code peer_left} of a member that dropped
 * <em>after</em> bob, bob's lease would already have expired had it still been running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PresenceLeaseTest {
    static final Duration LEASE = Duration.ofSeconds(3);
    final StoreKind kind;
    CoordinatorFixture fx;

    PresenceLeaseTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("presence") : null;
        fx = new CoordinatorFixture(c -> c.withDbUrl(pg).withPresenceLease(LEASE));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    static List<Frames.PeerLeft> leftOf(TestPeer observer, String pubkey) {
        return observer.seen().stream().filter(f -> f instanceof Frames.PeerLeft pl && pl.pubkey().equals(pubkey))
                .map(f -> (Frames.PeerLeft) f).toList();
    }

    static long joinsOf(TestPeer observer, String pubkey) {
        return observer.seen().stream().filter(f -> f instanceof Frames.PeerJoined pj && pj.peer().pubkey().equals(pubkey)).count();
    }

    /** Drops {@code barrier}'s connection and waits for the owner to see its lease expire (see the class comment). */
    static void leaseBarrier(TestPeer owner, TestPeer barrier) throws InterruptedException {
        barrier.drop();
        assertEquals("disconnected", owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(barrier.pubkey())).reason());
    }

    double metric(String line) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.eE+-]+)$").matcher(fx.get("/metrics").text());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aDropAndAResumeWithinTheLeaseAreSilentAndTheGraceMessageArrivesOnce() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease");
        Identity bobId = Identity.generate();
        double resumesBefore = metric("meshwire_presence_resumes_total");
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer carol = Meshes.joined(fx, m, Identity.generate(), "carol")) {
            TestPeer bob1 = fx.peer(bobId);
            bob1.send(bob1.joinFrame(m.invite().encode(), m.invite().inviteId(), m.id(), "bob"));
            Frames.HelloAck first = bob1.awaitAckOrFail();
            assertEquals(LEASE.toMillis(), first.leaseTtlMs());
            assertNotNull(first.resumeToken());
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(bobId.publicKeyHex()));

            bob1.drop();
            // During the grace bob is still listed online, and a dm to him is accepted into the queue.
            Frames.Ack ack = QueueWebSocketTest.sendOk(owner, "grace-1", bobId.publicKeyHex(), owner.dm(bobId, "sent while you were away"));
            owner.send(new Frames.ListPeers("lp"));
            Frames.PeerInfo listed = owner.await(Frames.Peers.class, p -> "lp".equals(p.id())).peers().stream()
                    .filter(p -> p.pubkey().equals(bobId.publicKeyHex())).findFirst().orElseThrow();
            assertTrue(listed.online(), "a held member is present");

            try (TestPeer bob2 = fx.peer(bobId)) {
                Frames.HelloAck resumed = bob2.hello(m.id(), first.resumeToken());
                assertNotNull(resumed.resumeToken(), "every hello_ack carries a fresh token");
                assertTrue(resumed.peers().stream().anyMatch(p -> p.pubkey().equals(carol.pubkey())));
                Frames.Deliver d = bob2.await(Frames.Deliver.class, x -> x.messageId().equals(ack.messageId()));
                bob2.send(new Frames.ClientAck(d.messageId(), d.envelope().meta().clientMessageId(), bob2.pubkey()));
                bob2.sync("acked");

                leaseBarrier(owner, carol);
                assertEquals(List.of(), leftOf(owner, bobId.publicKeyHex()), "no peer_left for a resumed presence");
                assertEquals(1, joinsOf(owner, bobId.publicKeyHex()), "bob was announced once, at his join");
                assertEquals(1, bob2.seen().stream().filter(f -> f instanceof Frames.Deliver x && x.messageId().equals(ack.messageId())).count(),
                        "the grace message is delivered exactly once");
                assertFalse(bob1.seen().stream().anyMatch(f -> f instanceof Frames.Deliver), "nothing went to the dropped socket");
            }
        }
        assertTrue(metric("meshwire_presence_resumes_total") >= resumesBefore + 1);
    }

    @Test
    void aDropLongerThanTheLeaseIsExactlyOneLeaveAndOneJoin() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease");
        Identity bobId = Identity.generate();
        double evictedBefore = metric("meshwire_presence_evictions_total{reason=\"lease_expired\"}");
        try (TestPeer owner = Meshes.owner(fx, m)) {
            TestPeer bob1 = Meshes.joined(fx, m, bobId, "bob");
            String token = bob1.seen().stream().filter(f -> f instanceof Frames.HelloAck).map(f -> ((Frames.HelloAck) f).resumeToken())
                    .findFirst().orElseThrow();
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(bobId.publicKeyHex()));
            bob1.sync("last-word"); // the lease runs from the last frame the coordinator got
            long dropped = System.currentTimeMillis();
            bob1.drop();
            Frames.PeerLeft left = owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(bobId.publicKeyHex()));
            assertEquals("disconnected", left.reason());
            assertTrue(System.currentTimeMillis() - dropped >= LEASE.toMillis() - 500, "announced at lease expiry, not at the drop");

            try (TestPeer bob2 = fx.peer(bobId)) {
                bob2.hello(m.id(), token); // a valid token, but nothing is held any more: a fresh presence
                owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(bobId.publicKeyHex()) && joinsOf(owner, pj.peer().pubkey()) == 2);
                owner.sync("after-return");
                assertEquals(1, leftOf(owner, bobId.publicKeyHex()).size(), "exactly one leave");
                assertEquals(2, joinsOf(owner, bobId.publicKeyHex()), "the join and exactly one join on return");
            }
        }
        assertTrue(metric("meshwire_presence_evictions_total{reason=\"lease_expired\"}") >= evictedBefore + 1);
    }

    @Test
    void aReplayedTokenClosesTheOlderSocketWithSessionReplaced() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease");
        Identity bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob1 = Meshes.joined(fx, m, bobId, "bob")) {
            String token = bob1.seen().stream().filter(f -> f instanceof Frames.HelloAck).map(f -> ((Frames.HelloAck) f).resumeToken())
                    .findFirst().orElseThrow();
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(bobId.publicKeyHex()));
            try (TestPeer bob2 = fx.peer(bobId)) {
                bob2.hello(m.id(), token);
                assertEquals(4004, bob1.awaitClose());
                assertEquals("session_replaced", bob1.closeReason());
                owner.sync("after-replay");
                assertEquals(List.of(), leftOf(owner, bobId.publicKeyHex()));
                assertEquals(1, joinsOf(owner, bobId.publicKeyHex()));
                assertTrue(metric("meshwire_sessions_replaced_total{token=\"valid\"}") >= 1);
            }
        }
    }

    @Test
    void forgedForeignExpiredAndGarbageTokensAreFreshHellos() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease");
        Identity bobId = Identity.generate();
        Identity carolId = Identity.generate();
        Identity realKey = Identity.fromSeed(Base64.getUrlDecoder().decode(Files.readString(fx.dataDir.resolve("resume-key")).trim()));
        long now = System.currentTimeMillis();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
            String carolsToken = carol.seen().stream().filter(f -> f instanceof Frames.HelloAck).map(f -> ((Frames.HelloAck) f).resumeToken())
                    .findFirst().orElseThrow();
            List<String> bad = List.of(
                    ResumeToken.issue(Identity.generate(), m.id(), bobId.publicKeyHex(), now, now + 60_000).encode(), // another key
                    carolsToken, // another identity's genuine token
                    ResumeToken.issue(realKey, "m_ffffffffffffffff", bobId.publicKeyHex(), now, now + 60_000).encode(), // another mesh
                    ResumeToken.issue(realKey, m.id(), bobId.publicKeyHex(), now - 120_000, now - 60_000).encode(), // expired
                    "not a token at all");
            TestPeer bob = Meshes.joined(fx, m, bobId, "bob");
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(bobId.publicKeyHex()));
            int round = 0;
            for (String token : bad) {
                round++;
                bob.drop();
                bob = fx.peer(bobId);
                bob.hello(m.id(), token);
                // The held presence ended (the peers' view of the old one is void) and a new one started.
                int expectedLeaves = round;
                owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(bobId.publicKeyHex())
                        && joinsOf(owner, bobId.publicKeyHex()) == expectedLeaves + 1);
                owner.sync("round-" + round);
                assertEquals(expectedLeaves, leftOf(owner, bobId.publicKeyHex()).size(), "round " + round + ": " + token);
            }
            bob.close();
            for (String reason : List.of("bad_signature", "wrong_identity", "wrong_mesh", "expired", "malformed")) {
                assertTrue(metric("meshwire_resume_tokens_rejected_total{reason=\"" + reason + "\"}") >= 1, reason);
            }
        }
    }

    @Test
    void anOversizedTokenIsRefused() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease");
        try (TestPeer owner = fx.peer(m.owner())) {
            Frames.Hello h = owner.helloFrame(m.id());
            owner.send(new Frames.Hello(h.id(), h.mesh(), h.pubkey(), h.capabilities(), h.signature(), null, "x".repeat(ResumeToken.MAX_CHARS + 1)));
            Frames.Error e = owner.await(Frames.Error.class);
            assertEquals("invalid_frame", e.code());
            assertTrue(e.message().contains("resumeToken"), e.message());
            assertEquals(4010, owner.awaitClose());
        }
    }

    @Test
    void aMemberKickedOrRevokedWhileAwayNeverResumes() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease");
        Identity bobId = Identity.generate();
        Identity daveId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m)) {
            TestPeer bob = Meshes.joined(fx, m, bobId, "bob");
            TestPeer dave = Meshes.joined(fx, m, daveId, "dave");
            String bobToken = token(bob);
            String daveToken = token(dave);

            bob.drop();
            owner.send(new Frames.Kick("k1", bobId.publicKeyHex()));
            assertEquals("k1", owner.await(Frames.Ok.class, o -> "k1".equals(o.id())).id());
            assertEquals("kicked", owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(bobId.publicKeyHex())).reason());
            try (TestPeer back = fx.peer(bobId)) {
                back.hello(m.id(), bobToken); // a kick is no ban: bob may come back, but as a new presence
                owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(bobId.publicKeyHex()) && joinsOf(owner, bobId.publicKeyHex()) == 2);
            }

            dave.drop();
            owner.send(new Frames.Revoke("r1", daveId.publicKeyHex(), "lost laptop"));
            owner.await(Frames.Ok.class, o -> "r1".equals(o.id()));
            assertEquals("revoked", owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(daveId.publicKeyHex())).reason());
            try (TestPeer back = fx.peer(daveId)) {
                Frames.Hello h = back.helloFrame(m.id());
                back.send(new Frames.Hello(h.id(), h.mesh(), h.pubkey(), h.capabilities(), h.signature(), null, daveToken));
                assertEquals("revoked", back.await(Frames.Error.class).code());
                assertEquals(4002, back.awaitClose());
                assertFalse(back.seen().stream().anyMatch(f -> f instanceof Frames.HelloAck));
            }
            owner.sync("end");
            assertEquals(1, joinsOf(owner, daveId.publicKeyHex()), "dave was never announced again");
        }
    }

    static SessionAttestation attest(Identity parent, Identity session) {
        return SessionAttestation.sign(parent, session.publicKeyHex(), System.currentTimeMillis() + 3_600_000, null);
    }

    @Test
    void aSessionDropAndResumeWithinTheLeaseAreSilentAndTheGraceDmArrivesOnce() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease-s");
        Identity bobId = Identity.generate();
        Identity sId = Identity.generate();
        SessionAttestation att = attest(bobId, sId);
        double resumesBefore = metric("meshwire_presence_resumes_total");
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            TestPeer carol = Meshes.joined(fx, m, Identity.generate(), "carol");
            TestPeer s1 = fx.peer(sId);
            Frames.HelloAck first = s1.sessionHello(m.id(), bobId, att, "agent", null);
            assertNotNull(first.resumeToken(), "a session's hello_ack carries a token");
            assertEquals(LEASE.toMillis(), first.leaseTtlMs(), "and its lease");
            assertEquals(sId.publicKeyHex(), ResumeToken.parse(first.resumeToken()).orElseThrow().pubkey(), "bound to the session key");
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(sId.publicKeyHex()));

            s1.drop();
            // During the grace the session is listed present under its parent, and a dm to it is queued, not refused.
            Frames.Ack ack = QueueWebSocketTest.sendOk(owner, "grace-s", sId.publicKeyHex(), owner.dm(sId, "for the session while away"));
            owner.send(new Frames.ListPeers("lp"));
            Frames.PeerInfo listed = owner.await(Frames.Peers.class, p -> "lp".equals(p.id())).peers().stream()
                    .filter(p -> p.pubkey().equals(sId.publicKeyHex())).findFirst().orElseThrow();
            assertTrue(listed.online(), "a held session is present");
            assertEquals(bobId.publicKeyHex(), listed.parent(), "listed under its parent");

            try (TestPeer s2 = fx.peer(sId)) {
                Frames.HelloAck resumed = s2.sessionHello(m.id(), bobId, att, "agent", first.resumeToken());
                assertNotNull(resumed.resumeToken());
                Frames.Deliver d = s2.await(Frames.Deliver.class, x -> x.messageId().equals(ack.messageId()));
                s2.send(new Frames.ClientAck(d.messageId(), d.envelope().meta().clientMessageId(), s2.pubkey()));
                s2.sync("acked");

                leaseBarrier(owner, carol);
                assertEquals(List.of(), leftOf(owner, sId.publicKeyHex()), "no peer_left for a resumed session");
                assertEquals(1, joinsOf(owner, sId.publicKeyHex()), "the session was announced once");
                assertEquals(List.of(), leftOf(owner, bobId.publicKeyHex()), "its parent untouched");
                assertEquals(1, s2.seen().stream().filter(f -> f instanceof Frames.Deliver x && x.messageId().equals(ack.messageId())).count(),
                        "the grace dm is delivered exactly once");
                assertFalse(s1.seen().stream().anyMatch(f -> f instanceof Frames.Deliver), "nothing went to the dropped socket");
            }
        }
        assertTrue(metric("meshwire_presence_resumes_total") >= resumesBefore + 1);
    }

    @Test
    void aSessionDropLongerThanTheLeaseIsExactlyOneLeaveAndOneJoin() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease-s");
        Identity bobId = Identity.generate();
        Identity sId = Identity.generate();
        SessionAttestation att = attest(bobId, sId);
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            TestPeer s1 = fx.peer(sId);
            String token = s1.sessionHello(m.id(), bobId, att, null, null).resumeToken();
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(sId.publicKeyHex()));
            s1.sync("last-word");
            long dropped = System.currentTimeMillis();
            s1.drop();
            assertEquals("disconnected", owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(sId.publicKeyHex())).reason());
            assertTrue(System.currentTimeMillis() - dropped >= LEASE.toMillis() - 500, "announced at lease expiry, not at the drop");
            try (TestPeer s2 = fx.peer(sId)) {
                s2.sessionHello(m.id(), bobId, att, null, token); // valid token, nothing held any more: a new presence
                owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(sId.publicKeyHex()) && joinsOf(owner, sId.publicKeyHex()) == 2);
                owner.sync("after-return");
                assertEquals(1, leftOf(owner, sId.publicKeyHex()).size(), "exactly one leave");
                assertEquals(2, joinsOf(owner, sId.publicKeyHex()), "the join and exactly one join on return");
                assertEquals(List.of(), leftOf(owner, bobId.publicKeyHex()), "its parent untouched");
            }
        }
    }

    @Test
    void aReplayedSessionTokenClosesTheOlderSocketWithSessionReplaced() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease-s");
        Identity bobId = Identity.generate();
        Identity sId = Identity.generate();
        SessionAttestation att = attest(bobId, sId);
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob"); TestPeer s1 = fx.peer(sId)) {
            String token = s1.sessionHello(m.id(), bobId, att, null, null).resumeToken();
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(sId.publicKeyHex()));
            try (TestPeer s2 = fx.peer(sId)) {
                s2.sessionHello(m.id(), bobId, att, null, token);
                assertEquals(4004, s1.awaitClose());
                assertEquals("session_replaced", s1.closeReason());
                owner.sync("after-replay");
                assertEquals(List.of(), leftOf(owner, sId.publicKeyHex()));
                assertEquals(1, joinsOf(owner, sId.publicKeyHex()));
            }
        }
    }

    /**
     * A forged token, and a genuine token of the key presented by a session of another parent (a token names a key,
     * not whom it acts for), are fresh hellos: the held presence ends and a new one starts.
     */
    @Test
    void aForgedSessionTokenOrOneForAnotherParentIsAFreshHello() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease-s");
        Identity bobId = Identity.generate();
        Identity carolId = Identity.generate();
        Identity sId = Identity.generate();
        long now = System.currentTimeMillis();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob");
             TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
            TestPeer s = fx.peer(sId);
            s.sessionHello(m.id(), bobId, attest(bobId, sId), null, null);
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(sId.publicKeyHex()));
            s.drop();
            s = fx.peer(sId);
            s.sessionHello(m.id(), bobId, attest(bobId, sId), null,
                    ResumeToken.issue(Identity.generate(), m.id(), sId.publicKeyHex(), now, now + 60_000).encode());
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(sId.publicKeyHex()) && joinsOf(owner, sId.publicKeyHex()) == 2);
            owner.sync("forged");
            assertEquals(List.of("disconnected"), leftOf(owner, sId.publicKeyHex()).stream().map(Frames.PeerLeft::reason).toList(),
                    "the held presence ended before the new one started");

            String current = token(s);
            s.drop();
            s = fx.peer(sId);
            Frames.HelloAck asCarols = s.sessionHello(m.id(), carolId, attest(carolId, sId), null, current);
            assertEquals(carolId.publicKeyHex(), asCarols.self().parent());
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(sId.publicKeyHex()) && joinsOf(owner, sId.publicKeyHex()) == 3);
            owner.sync("other-parent");
            assertEquals(2, leftOf(owner, sId.publicKeyHex()).size(), "bob's session ended; carol's is a new presence");
            s.close();
        }
    }

    @Test
    void kickingAParentEndsItsHeldAndConnectedSessionsAndItsHeldPresenceOnce() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease-s");
        Identity bobId = Identity.generate();
        Identity heldId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer s2 = fx.peer()) {
            TestPeer bob = Meshes.joined(fx, m, bobId, "bob");
            TestPeer carol = Meshes.joined(fx, m, Identity.generate(), "carol");
            TestPeer s1 = fx.peer(heldId);
            SessionAttestation att = attest(bobId, heldId);
            String s1Token = s1.sessionHello(m.id(), bobId, att, "one", null).resumeToken();
            s2.sessionHello(m.id(), bobId, null, "two");
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(s2.pubkey()));

            // The session and its parent are both held, independently; the other session stays connected.
            s1.drop();
            bob.drop();
            s2.sync("both-held");
            owner.send(new Frames.ListPeers("lp"));
            List<Frames.PeerInfo> listed = owner.await(Frames.Peers.class, p -> "lp".equals(p.id())).peers();
            assertTrue(listed.stream().anyMatch(p -> p.pubkey().equals(bobId.publicKeyHex()) && p.online()), "bob is held");
            assertTrue(listed.stream().anyMatch(p -> p.pubkey().equals(heldId.publicKeyHex()) && p.online()
                    && bobId.publicKeyHex().equals(p.parent())), "its held session is listed under it");
            assertTrue(listed.stream().anyMatch(p -> p.pubkey().equals(s2.pubkey()) && bobId.publicKeyHex().equals(p.parent())),
                    "its connected session too");
            owner.sync("before-kick");
            assertEquals(List.of(), leftOf(owner, heldId.publicKeyHex()), "nothing announced for the held session yet");

            owner.send(new Frames.Kick("k1", "bob"));
            Frames.Ok ok = owner.await(Frames.Ok.class, o -> "k1".equals(o.id()));
            assertTrue(ok.detail().startsWith("kicked"), ok.toString());
            assertEquals(4001, s2.awaitClose());
            for (String key : List.of(bobId.publicKeyHex(), heldId.publicKeyHex(), s2.pubkey())) {
                assertEquals("kicked", owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(key)).reason(), key);
            }
            leaseBarrier(owner, carol);
            for (String key : List.of(bobId.publicKeyHex(), heldId.publicKeyHex(), s2.pubkey())) {
                assertEquals(1, leftOf(owner, key).size(), "one leave (the kick), not a second at lease expiry: " + key);
            }
            try (TestPeer back = fx.peer(bobId); TestPeer sBack = fx.peer(heldId)) {
                back.hello(m.id(), token(bob)); // a kick is no ban; the held presences are gone: new ones, announced
                sBack.sessionHello(m.id(), bobId, att, "one", s1Token);
                owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(heldId.publicKeyHex()) && joinsOf(owner, heldId.publicKeyHex()) == 2);
            }
        }
    }

    /** A held session never outlives its attestation, and a member that leaves ends its held sessions. */
    @Test
    void aHeldSessionEndsAtItsAttestationsExpiryAndWhenItsMemberLeaves() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease-s");
        Identity bobId = Identity.generate();
        Identity shortId = Identity.generate();
        Identity otherId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m)) {
            TestPeer bob = Meshes.joined(fx, m, bobId, "bob");
            TestPeer brief = fx.peer(shortId);
            long expiresAt = System.currentTimeMillis() + 2_000; // well inside the 3 s lease after the drop
            brief.sessionHello(m.id(), bobId, SessionAttestation.sign(bobId, shortId.publicKeyHex(), expiresAt, null), null, null);
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(shortId.publicKeyHex()));
            long dropped = System.currentTimeMillis();
            brief.drop();
            Frames.PeerLeft left = owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(shortId.publicKeyHex()));
            assertEquals("expired", left.reason(), "ended by its attestation, not by the lease");
            assertTrue(System.currentTimeMillis() >= expiresAt - 50, "not before the attestation expired");
            assertTrue(System.currentTimeMillis() - dropped < LEASE.toMillis(), "before the lease would have run out");

            TestPeer other = fx.peer(otherId);
            other.sessionHello(m.id(), bobId, attest(bobId, otherId), null, null);
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(otherId.publicKeyHex()));
            other.drop();
            bob.send(new Frames.Leave("bye"));
            bob.await(Frames.Ok.class, o -> "bye".equals(o.id()));
            assertEquals("left", owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(otherId.publicKeyHex())).reason(),
                    "the held session of a member that left ends at once");
            assertEquals("left", owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(bobId.publicKeyHex())).reason());
        }
    }

    @Test
    void aServiceIsHeldLikeASessionAndItsRevocationWhileHeldEndsItAtOnce() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease-svc");
        Identity svcKey = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m)) {
            TestPeer carol = Meshes.joined(fx, m, Identity.generate(), "carol");
            ServiceAttestation a = GrantsWebSocketTest.register(owner, m.owner(), m, "bot-1", svcKey, "dm:read,dm:write");
            TestPeer svc = fx.peer(svcKey);
            svc.send(svc.serviceHelloFrame(m.id(), m.owner(), a, null));
            Frames.HelloAck ack = svc.awaitAckOrFail();
            assertNotNull(ack.resumeToken(), "a service's hello_ack carries a token");
            assertEquals(LEASE.toMillis(), ack.leaseTtlMs());
            owner.await(Frames.PeerJoined.class, pj -> pj.peer().pubkey().equals(svcKey.publicKeyHex()));

            svc.drop();
            try (TestPeer back = fx.peer(svcKey)) {
                back.send(back.serviceHelloFrame(m.id(), m.owner(), a, ack.resumeToken()));
                back.awaitAckOrFail();
                back.sync("resumed");
                String again = token(back);
                back.drop();
                owner.send(new Frames.ServiceRevoke("rv", "bot-1", "rotated"));
                owner.await(Frames.Ok.class, o -> "rv".equals(o.id()));
                assertEquals("revoked", owner.await(Frames.PeerLeft.class, pl -> pl.pubkey().equals(svcKey.publicKeyHex())).reason(),
                        "a service revoked while held ends at once");
                leaseBarrier(owner, carol);
                assertEquals(1, leftOf(owner, svcKey.publicKeyHex()).size(), "one leave, no second at lease expiry");
                assertEquals(1, joinsOf(owner, svcKey.publicKeyHex()), "its resume was silent");
                try (TestPeer revoked = fx.peer(svcKey)) {
                    SessionWebSocketTest.refused(revoked, revoked.serviceHelloFrame(m.id(), m.owner(), a, again), "revoked", 4002);
                }
            }
        }
    }

    static String token(TestPeer p) {
        for (Frame f : p.seen()) if (f instanceof Frames.HelloAck a) return a.resumeToken();
        throw new AssertionError("no hello_ack");
    }

    @Test
    void helloAckTokensAreSignedByTheCoordinatorsOwnPrivateKey() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "lease");
        java.nio.file.Path keyFile = fx.dataDir.resolve("resume-key");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        Identity realKey = Identity.fromSeed(Base64.getUrlDecoder().decode(Files.readString(keyFile).trim()));
        try (TestPeer owner = fx.peer(m.owner())) {
            Frames.HelloAck ack = owner.hello(m.id());
            long now = System.currentTimeMillis();
            assertTrue(ResumeToken.check(ack.resumeToken(), realKey.publicKeyHex(), m.id(), m.owner().publicKeyHex(), now).isEmpty());
            assertNotEquals(realKey.publicKeyHex(), m.authority(), "not a mesh authority key");
            ResumeToken t = ResumeToken.parse(ack.resumeToken()).orElseThrow();
            assertEquals(m.owner().publicKeyHex(), t.pubkey());
            assertEquals(m.id(), t.meshId());
            assertEquals(Duration.ofHours(24).toMillis(), t.expiresAt() - t.issuedAt());
        }
    }
}
