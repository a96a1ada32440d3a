package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventKind;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.service.ServiceAttestation;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Grants and services over real WebSockets, against a coordinator on SQLite and on PostgreSQL (subclasses):
 * {@code set_grant} is a replicated event; a blocked sender's dms are dropped on the relay (at send) and on the
 * queue (when a row queued before the block is claimed), the sender still gets its {@code ack}, and every drop is
 * counted in {@code meshwire_grant_dropped_total{path}}. {@code service_register} / {@code service_revoke} go
 * through the mesh state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GrantsWebSocketTest {
    final StoreKind kind;
    CoordinatorFixture fx;

    GrantsWebSocketTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("wsgrants") : null;
        fx = new CoordinatorFixture(c -> c.withDbUrl(pg));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    double dropped(String path) {
        return fx.coordinator.metrics().count("meshwire_grant_dropped", "path", path);
    }

    static Frames.Ack send(TestPeer from, String id, String to, Envelope env) throws InterruptedException {
        from.send(new Frames.Send(id, to, env));
        Frames.Ack ack = from.await(Frames.Ack.class, a -> id.equals(a.id()));
        assertEquals("accepted", ack.status(), "a dropped message is acked like any other: the sender's outbox stops there");
        return ack;
    }

    static Frames.Ok grant(TestPeer p, String id, String sender, String caps) throws InterruptedException {
        p.send(new Frames.SetGrant(id, sender, caps));
        return p.await(Frames.Ok.class, o -> id.equals(o.id()));
    }

    @Test
    void aBlockedSendersDmsAreDroppedOnTheRelayAndCounted() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "gr-relay");
        Identity aliceId = Identity.generate(), bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer alice = Meshes.joined(fx, m, aliceId, "alice");
             TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            Frames.Ok ok = grant(bob, "g1", aliceId.publicKeyHex(), "");
            assertEquals("set_grant", ok.op());
            assertEquals(aliceId.publicKeyHex(), ok.target());
            // Every online member gets the event and can verify it; actor and recipient are bob.
            for (TestPeer p : List.of(owner, alice, bob)) {
                MeshEvent e = p.await(Frames.SystemEvent.class, s -> EventKind.GRANT_SET.equals(s.event().kind())).event();
                EventPayload.GrantSet g = (EventPayload.GrantSet) e.payload();
                assertEquals(bobId.publicKeyHex(), e.actor());
                assertEquals(bobId.publicKeyHex(), g.recipient());
                assertEquals("", g.caps());
            }
            double before = dropped("relay");
            send(alice, "a1", bobId.publicKeyHex(), alice.dm(bobId, "blocked one"));
            send(alice, "a2", bobId.publicKeyHex(), alice.dm(bobId, "blocked two"));
            assertEquals(before + 2, dropped("relay"));
            Frames.Ack fromOwner = send(owner, "o1", bobId.publicKeyHex(), owner.dm(bobId, "not blocked"));
            Frames.Deliver first = bob.await(Frames.Deliver.class);
            assertEquals(fromOwner.messageId(), first.messageId(), "alice's dms never reach bob; the owner's does");
            assertEquals(1L, depth(m, bobId), "only the owner's row is queued");

            // Grant dm back: alice's next dm goes through; broadcast stays refused.
            grant(bob, "g2", aliceId.publicKeyHex(), "dm");
            bob.send(new Frames.ClientAck(first.messageId(), null, null));
            Frames.Ack ok3 = send(alice, "a3", bobId.publicKeyHex(), alice.dm(bobId, "granted"));
            assertEquals(ok3.messageId(), bob.await(Frames.Deliver.class, d -> d.messageId().equals(ok3.messageId())).messageId());
        }
    }

    @Test
    void rowsQueuedBeforeABlockAreDroppedWhenClaimedAndCounted() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "gr-queue");
        Identity aliceId = Identity.generate(), bobId = Identity.generate();
        Meshes.joined(fx, m, bobId, "bob").close();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer alice = Meshes.joined(fx, m, aliceId, "alice")) {
            // bob is offline: queued.
            Frames.Ack queued = send(alice, "a1", bobId.publicKeyHex(), alice.dm(bobId, "queued before the block"));
            double queueDrops = dropped("queue");
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                // Pushed at hello (the grant did not exist yet); bob does not ack it, blocks alice, and reconnects.
                assertEquals(queued.messageId(), bob.await(Frames.Deliver.class).messageId());
                grant(bob, "g1", aliceId.publicKeyHex(), "");
            }
            // bob is offline again; the relay now refuses at send, and the row queued before is refused when claimed.
            double relayDrops = dropped("relay");
            send(alice, "a2", bobId.publicKeyHex(), alice.dm(bobId, "sent while blocked and offline"));
            assertEquals(relayDrops + 1, dropped("relay"));
            Frames.Ack fromOwner = send(owner, "o1", bobId.publicKeyHex(), owner.dm(bobId, "from the owner"));
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                assertEquals(fromOwner.messageId(), bob.await(Frames.Deliver.class).messageId(), "the blocked rows are not pushed");
                Conditions.await("the queued row is counted as a grant drop", () -> dropped("queue") >= queueDrops + 1);
                Conditions.await("the refused row is marked delivered (dropped), not redelivered",
                        () -> depth(m, bobId) == 1L);
                assertFalse(bob.seen().stream().anyMatch(f -> f instanceof Frames.Deliver d && d.messageId().equals(queued.messageId())));
            }
        }
    }

    @Test
    void wildcardAndClearingFollowTheOwnEntryFirstRule() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "gr-wild");
        Identity aliceId = Identity.generate(), bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer alice = Meshes.joined(fx, m, aliceId, "alice");
             TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            grant(bob, "g1", "*", "");
            grant(bob, "g2", aliceId.publicKeyHex(), "dm");
            double before = dropped("relay");
            Frames.Ack fromAlice = send(alice, "a1", bobId.publicKeyHex(), alice.dm(bobId, "alice has her own entry"));
            send(owner, "o1", bobId.publicKeyHex(), owner.dm(bobId, "the owner falls under *"));
            assertEquals(before + 1, dropped("relay"));
            assertEquals(fromAlice.messageId(), bob.await(Frames.Deliver.class).messageId());
            assertTrue(grant(bob, "g3", "*", null).detail().contains("default"), "clearing '*'");
            Frames.Ack fromOwner = send(owner, "o2", bobId.publicKeyHex(), owner.dm(bobId, "now allowed"));
            bob.await(Frames.Deliver.class, d -> d.messageId().equals(fromOwner.messageId()));
            assertTrue(grant(bob, "g4", "*", null).detail().startsWith("unchanged"), "no event for a no-op");
        }
    }

    @Test
    void badGrantsAreRefusedWithAClearMessage() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "gr-bad");
        Identity bobId = Identity.generate();
        try (TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            bob.send(new Frames.SetGrant("b1", "alice", "dm"));
            Frames.Error e1 = bob.await(Frames.Error.class, e -> "b1".equals(e.id()));
            assertEquals("invalid_frame", e1.code());
            assertTrue(e1.message().contains("full public key"), e1.message());
            bob.send(new Frames.SetGrant("b2", m.owner().publicKeyHex(), "dm,fly"));
            assertTrue(bob.await(Frames.Error.class, e -> "b2".equals(e.id())).message().contains("unknown capability 'fly'"));
            bob.send(new Frames.SetGrant("b3", bobId.publicKeyHex(), "dm"));
            assertTrue(bob.await(Frames.Error.class, e -> "b3".equals(e.id())).message().contains("yourself"));
        }
    }

    // ---- grants with sessions: member-keyed on both ends ----

    @Test
    void grantsAreMemberKeyedOnBothEndsOfASession() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "gr-sess");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), bobSessionId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer alice = Meshes.joined(fx, m, aliceId, "alice");
             TestPeer bob = Meshes.joined(fx, m, bobId, "bob"); TestPeer aliceSession = fx.peer();
             TestPeer limited = fx.peer()) {
            aliceSession.sessionHello(m.id(), aliceId, null, "agent");
            limited.sessionHello(m.id(), bobId, List.of("dm"), "no-grant-cap");
            // A session without the "grant" cap cannot change its parent's grants.
            limited.send(new Frames.SetGrant("lg", aliceId.publicKeyHex(), ""));
            Frames.Error refused = limited.await(Frames.Error.class, e -> "lg".equals(e.id()));
            assertEquals("forbidden", refused.code());
            assertTrue(refused.message().contains("missing session capability \"grant\""), refused.message());

            grant(bob, "g1", aliceId.publicKeyHex(), ""); // bob blocks alice, the member
            double before = dropped("relay");
            // alice's session signs with its own key: judged by its parent's entry, so dropped.
            send(aliceSession, "s1", bobId.publicKeyHex(), aliceSession.dm(bobId, "from alice's session"));
            // a dm to bob's session is judged by bob's grants: alice is blocked there too.
            send(alice, "a1", limited.pubkey(), alice.dm(limited.identity, "to bob's session"));
            assertEquals(before + 2, dropped("relay"));
            Frames.Ack toBob = send(owner, "o1", bobId.publicKeyHex(), owner.dm(bobId, "the owner is not blocked"));
            Frames.Ack toSession = send(owner, "o2", limited.pubkey(), owner.dm(limited.identity, "nor to bob's session"));
            assertEquals(toBob.messageId(), bob.await(Frames.Deliver.class).messageId(), "nothing from alice's session reached bob");
            assertEquals(toSession.messageId(), limited.await(Frames.Deliver.class).messageId(), "nothing from alice reached the session");
            // The session's own sender caps still come first, explicitly: broadcast is not in its caps.
            Frames.Error e = QueueWebSocketTest.sendErr(limited, "b1", aliceId.publicKeyHex(),
                    limited.broadcastCopy(aliceId, "no", java.util.UUID.randomUUID().toString()));
            assertEquals("forbidden", e.code());
        }
    }

    @Test
    void aRowQueuedForASessionIsDroppedWhenItsParentBlocksTheSenderBeforeTheClaim() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "gr-sessq");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), sessionKey = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer alice = Meshes.joined(fx, m, aliceId, "alice");
             TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            Frames.Ack queued;
            try (TestPeer s = fx.peer(sessionKey)) {
                s.sessionHello(m.id(), bobId, null, "s");
                queued = send(alice, "a1", sessionKey.publicKeyHex(), alice.dm(sessionKey, "pushed, never acked"));
                assertEquals(queued.messageId(), s.await(Frames.Deliver.class).messageId());
                grant(bob, "g1", aliceId.publicKeyHex(), ""); // while the row is claimed and unacked
            }
            double queueDrops = dropped("queue");
            try (TestPeer s = fx.peer(sessionKey)) { // the same session reconnects: its row is claimed again
                s.sessionHello(m.id(), bobId, null, "s");
                Frames.Ack fromOwner = send(owner, "o1", sessionKey.publicKeyHex(), owner.dm(sessionKey, "after the block"));
                assertEquals(fromOwner.messageId(), s.await(Frames.Deliver.class).messageId(), "the blocked row is not pushed");
                Conditions.await("the queued row is counted as a grant drop", () -> dropped("queue") >= queueDrops + 1);
                assertFalse(s.seen().stream().anyMatch(f -> f instanceof Frames.Deliver d && d.messageId().equals(queued.messageId())));
            }
        }
    }

    // ---- services ----

    @Test
    void aServiceIsRegisteredAndRevokedThroughTheMeshState() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "gr-svc");
        Identity aliceId = Identity.generate(), svc = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer alice = Meshes.joined(fx, m, aliceId, "alice")) {
            long exp = System.currentTimeMillis() + 3_600_000;
            ServiceAttestation a = ServiceAttestation.sign(aliceId, m.id(), "hook-1", svc.publicKeyHex(), "webhook", "dm:read,dm:write", exp,
                    "http-webhook", null);
            alice.send(new Frames.ServiceRegister("s1", a));
            assertEquals("service_register", alice.await(Frames.Ok.class, o -> "s1".equals(o.id())).op());
            MeshEvent reg = owner.await(Frames.SystemEvent.class, s -> EventKind.SERVICE_REGISTERED.equals(s.event().kind())).event();
            assertEquals(aliceId.publicKeyHex(), reg.actor());

            // A second service with the same name, a foreign attestation and an expired one are refused.
            Identity svc2 = Identity.generate();
            alice.send(new Frames.ServiceRegister("s2", ServiceAttestation.sign(aliceId, m.id(), "hook-1", svc2.publicKeyHex(), "webhook",
                    "dm:read", exp, "http-webhook", null)));
            assertTrue(alice.await(Frames.Error.class, e -> "s2".equals(e.id())).message().contains("revoke it first"));
            alice.send(new Frames.ServiceRegister("s3", ServiceAttestation.sign(m.owner(), m.id(), "hook-2", svc2.publicKeyHex(), "webhook",
                    "dm:read", exp, "http-webhook", null)));
            assertTrue(alice.await(Frames.Error.class, e -> "s3".equals(e.id())).message().contains("its own services"));
            alice.send(new Frames.ServiceRegister("s4", ServiceAttestation.sign(aliceId, m.id(), "hook-3", svc2.publicKeyHex(), "webhook",
                    "dm:read", System.currentTimeMillis() - 1, "http-webhook", null)));
            assertEquals("expired", alice.await(Frames.Error.class, e -> "s4".equals(e.id())).code());
            ServiceAttestation forged = new ServiceAttestation(a.mesh(), a.owner(), "hook-4", svc2.publicKeyHex(), a.type(), a.scopes(),
                    a.expiresAt(), a.transport(), null, a.signature());
            alice.send(new Frames.ServiceRegister("s5", forged));
            assertEquals("bad_signature", alice.await(Frames.Error.class, e -> "s5".equals(e.id())).code());

            // Revoke by name: the mesh-state revocation of the service key.
            alice.send(new Frames.ServiceRevoke("r1", "hook-1", "leaked secret"));
            Frames.Ok ok = alice.await(Frames.Ok.class, o -> "r1".equals(o.id()));
            assertEquals(svc.publicKeyHex(), ok.target());
            EventPayload.MemberRevoked rev = (EventPayload.MemberRevoked) owner.await(Frames.SystemEvent.class,
                    s -> EventKind.MEMBER_REVOKED.equals(s.event().kind())).event().payload();
            assertEquals(svc.publicKeyHex(), rev.pubkey());
            assertTrue(await(fx.coordinator.store().findRevocation(m.id(), svc.publicKeyHex())).isPresent(), "stored like any revocation");
            alice.send(new Frames.ServiceRevoke("r2", svc.publicKeyHex(), null));
            assertTrue(alice.await(Frames.Ok.class, o -> "r2".equals(o.id())).detail().contains("already revoked"));

            // The history verifies from the pinned key and holds the service as revoked.
            owner.send(new Frames.StateSync("ss", null));
            MeshState s = MeshStateWebSocketTest.fromScratch(m, owner.await(Frames.MeshSync.class, x -> "ss".equals(x.id())).events());
            assertEquals("revoked", s.serviceStatus(s.service(svc.publicKeyHex()).orElseThrow(), System.currentTimeMillis()));
        }
    }

    /** Registers a service of {@code owner} with {@code scopes} and returns its attestation. */
    static ServiceAttestation register(TestPeer owner, Identity ownerId, Meshes.Mesh m, String serviceId, Identity key, String scopes)
            throws InterruptedException {
        ServiceAttestation a = ServiceAttestation.sign(ownerId, m.id(), serviceId, key.publicKeyHex(), "bot", scopes,
                System.currentTimeMillis() + 3_600_000, "ws", null);
        owner.send(new Frames.ServiceRegister("reg-" + serviceId, a));
        owner.await(Frames.Ok.class, o -> ("reg-" + serviceId).equals(o.id()));
        return a;
    }

    @Test
    void aServiceConnectsWithItsAttestationSendsWhatItsScopesAllowAndIsCutOffWhenRevoked() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "gr-svc-conn");
        Identity aliceId = Identity.generate(), bobId = Identity.generate();
        Identity readerKey = Identity.generate(), writerKey = Identity.generate(), ghostKey = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer alice = Meshes.joined(fx, m, aliceId, "alice");
             TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            ServiceAttestation readOnly = register(alice, aliceId, m, "reader", readerKey, "dm:read");
            ServiceAttestation writes = register(alice, aliceId, m, "writer", writerKey, "dm:read,dm:write");
            try (TestPeer reader = fx.peer(readerKey); TestPeer writer = fx.peer(writerKey)) {
                reader.send(reader.serviceHelloFrame(m.id(), aliceId, readOnly));
                Frames.HelloAck ack = reader.awaitAckOrFail();
                assertEquals(readerKey.publicKeyHex(), ack.self().pubkey());
                assertEquals(aliceId.publicKeyHex(), ack.self().parent(), "a service acts for its owner");
                // dm:read only: no sender cap at all, refused explicitly (the sender side of the grants rule)
                Frames.Error e = QueueWebSocketTest.sendErr(reader, "r1", bobId.publicKeyHex(), reader.dm(bobId, "cannot"));
                assertEquals("forbidden", e.code());
                assertTrue(e.message().contains("missing session capability \"dm\""), e.message());

                writer.send(writer.serviceHelloFrame(m.id(), aliceId, writes));
                writer.awaitAckOrFail();
                Frames.Ack sent = send(writer, "w1", bobId.publicKeyHex(), writer.dm(bobId, "from the service"));
                Frames.Deliver d = bob.await(Frames.Deliver.class, x -> x.messageId().equals(sent.messageId()));
                assertEquals(writerKey.publicKeyHex(), d.envelope().from(), "the service signs with its own key");
                // its grants principal is its owner: bob blocking alice blocks her service
                grant(bob, "g1", aliceId.publicKeyHex(), "");
                double before = dropped("relay");
                send(writer, "w2", bobId.publicKeyHex(), writer.dm(bobId, "blocked with its owner"));
                assertEquals(before + 1, dropped("relay"));
                // no moderation, no grants from a service connection
                writer.send(new Frames.Kick("k", "bob"));
                assertEquals("forbidden", writer.await(Frames.Error.class, x -> "k".equals(x.id())).code());
                writer.send(new Frames.SetGrant("sg", ownerKey(m), ""));
                assertEquals("forbidden", writer.await(Frames.Error.class, x -> "sg".equals(x.id())).code());

                // revoked: its connection is closed (4002) and a new hello refused
                alice.send(new Frames.ServiceRevoke("rv", "writer", "rotated"));
                alice.await(Frames.Ok.class, o -> "rv".equals(o.id()));
                assertEquals(4002, writer.awaitClose());
            }
            try (TestPeer again = fx.peer(writerKey)) {
                SessionWebSocketTest.refused(again, again.serviceHelloFrame(m.id(), aliceId, writes), "revoked", 4002);
            }
            try (TestPeer ghost = fx.peer(ghostKey)) { // verifies, but was never registered
                ServiceAttestation never = ServiceAttestation.sign(aliceId, m.id(), "ghost", ghostKey.publicKeyHex(), "bot", "dm:write",
                        System.currentTimeMillis() + 3_600_000, "ws", null);
                SessionWebSocketTest.refused(ghost, ghost.serviceHelloFrame(m.id(), aliceId, never), "not_member", 4003);
            }
            try (TestPeer thief = fx.peer()) { // a registered attestation presented by another key
                SessionWebSocketTest.refused(thief, thief.serviceHelloFrame(m.id(), aliceId, readOnly), "bad_signature", 4003);
            }
        }
    }

    private static String ownerKey(Meshes.Mesh m) {
        return m.owner().publicKeyHex();
    }

    @Test
    void onlyTheOwnerOrAModeratorRevokesAService() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "gr-svc2");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), svc = Identity.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice"); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            alice.send(new Frames.ServiceRegister("s1", ServiceAttestation.sign(aliceId, m.id(), "bot-1", svc.publicKeyHex(), "bot",
                    "rpc:invoke", System.currentTimeMillis() + 60_000, "ws", null)));
            alice.await(Frames.Ok.class, o -> "s1".equals(o.id()));
            bob.send(new Frames.ServiceRevoke("r1", "bot-1", null));
            assertEquals("not_owner", bob.await(Frames.Error.class, e -> "r1".equals(e.id())).code());
        }
    }

    long depth(Meshes.Mesh m, Identity recipient) {
        try {
            return await(fx.coordinator.store().queueDepth(m.id(), recipient.publicKeyHex()));
        } catch (Exception e) {
            throw new AssertionError("queue depth unavailable", e);
        }
    }

    static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
}
