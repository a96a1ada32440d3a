package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventKind;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.StateRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Mesh state over real WebSockets, against a coordinator on SQLite and on PostgreSQL (subclasses): what
 * hello/state_sync answer, what every online member is pushed, and what revoke, ban, set_role,
 * set_expiry and rename do. Every history a client receives is verified with {@link MeshState#apply}
 * from the authority key of the creation answer, as a daemon does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MeshStateWebSocketTest {
    final StoreKind kind;
    CoordinatorFixture fx;

    MeshStateWebSocketTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("wsmeshstate") : null;
        fx = new CoordinatorFixture(c -> c.withDbUrl(pg));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    static MeshState replay(MeshState from, List<MeshEvent> events) {
        MeshState s = from;
        for (MeshEvent e : events) s = s.apply(e);
        return s;
    }

    static MeshState fromScratch(Meshes.Mesh m, List<MeshEvent> events) {
        return replay(MeshState.empty(m.id(), m.authority()), events);
    }

    static Frames.SystemEvent awaitEvent(TestPeer p, String kind) throws InterruptedException {
        return p.await(Frames.SystemEvent.class, s -> kind.equals(s.event().kind()));
    }

    static int indexOf(List<Frame> frames, java.util.function.Predicate<Frame> p) {
        for (int i = 0; i < frames.size(); i++) if (p.test(frames.get(i))) return i;
        return -1;
    }

    Frames.Ack sendOk(TestPeer from, String id, String to, Envelope env) throws InterruptedException {
        from.send(new Frames.Send(id, to, env));
        Frames.Ack ack = from.await(Frames.Ack.class, a -> id.equals(a.id()));
        assertEquals("accepted", ack.status());
        return ack;
    }

    Frames.Error sendErr(TestPeer from, String id, String to, Envelope env) throws InterruptedException {
        from.send(new Frames.Send(id, to, env));
        return from.await(Frames.Error.class, e -> id.equals(e.id()));
    }

    @Test
    void creationAnswerAndHelloAckNameTheAuthorityAndTheHead() throws Exception {
        Identity owner = Identity.generate();
        JsonNode answer = fx.createMeshAnswer(owner, "ms-create-" + kind.name().toLowerCase(), "owner");
        String authority = answer.get("authority").asText();
        assertEquals(64, authority.length());
        assertEquals(2, answer.get("state").get("version").asLong());
        try (TestPeer p = fx.peer(owner)) {
            Frames.HelloAck ack = p.hello(answer.get("mesh").asText());
            assertEquals(authority, ack.authority());
            assertEquals(new StateRef(2, answer.get("state").get("head").asText()), ack.state());
            // no state held: every event, and they verify from the pinned key to the announced head
            MeshState s = replay(MeshState.empty(ack.mesh(), authority), p.lastSync.events());
            assertEquals(ack.state(), s.head());
            assertNull(p.lastSync.snapshot());
        }
    }

    @Test
    void anOfflineMemberGetsExactlyTheMissingEventsBeforeAnyDelivery() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "ms-catchup");
        Identity bobId = Identity.generate();
        MeshState bobReplica;
        try (TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            bobReplica = fromScratch(m, bob.lastSync.events());
            assertEquals(3, bobReplica.version());
        }
        Identity carolId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {      // v4
            sendOk(carol, "c1", bobId.publicKeyHex(), carol.dm(bobId, "signed before the revocation"));
            Meshes.joined(fx, m, Identity.generate(), "dave").close();                                               // v5
            owner.send(new Frames.Revoke("r", carolId.publicKeyHex(), "lost laptop"));                                // v6
            owner.await(Frames.Ok.class, o -> "r".equals(o.id()));
            owner.send(new Frames.Rename("n", "boss"));                                                               // v7
            owner.await(Frames.Ok.class, o -> "n".equals(o.id()));
            sendOk(owner, "o1", bobId.publicKeyHex(), owner.dm(bobId, "welcome back"));
        }
        try (TestPeer bob = fx.peer(bobId)) {
            Frames.Hello h = bob.helloFrame(m.id());
            bob.send(new Frames.Hello(h.id(), h.mesh(), h.pubkey(), h.capabilities(), h.signature(), bobReplica.head()));
            Frames.HelloAck ack = bob.awaitAckOrFail();
            assertEquals(List.of(4L, 5L, 6L, 7L), bob.lastSync.events().stream().map(MeshEvent::version).toList());
            MeshState now = replay(bobReplica, bob.lastSync.events());
            assertEquals(ack.state(), now.head());
            assertEquals(MemberEntry.REVOKED, now.entry(carolId.publicKeyHex()).orElseThrow().status());
            assertEquals("boss", now.entry(m.owner().publicKeyHex()).orElseThrow().name());
            Frames.Deliver d = bob.await(Frames.Deliver.class);
            assertEquals(m.owner().publicKeyHex(), d.envelope().from(), "the revoked key's queued message is never delivered");
            List<Frame> seen = bob.seen();
            assertTrue(indexOf(seen, f -> f instanceof Frames.MeshSync) < indexOf(seen, f -> f instanceof Frames.Deliver),
                    "mesh_sync precedes the first deliver: " + seen);
            bob.sync("end");
            assertEquals(1, bob.seen().stream().filter(f -> f instanceof Frames.Deliver).count());
        }
    }

    @Test
    void aForkedOrAheadReplicaGetsASnapshotThatVerifiesAndStateSyncAnswers() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "ms-fork");
        double snapshots = fx.coordinator.metrics().count("meshwire_state_syncs", "mode", "snapshot");
        Meshes.joined(fx, m, Identity.generate(), "bob").close();
        try (TestPeer owner = fx.peer(m.owner())) {
            Frames.Hello h = owner.helloFrame(m.id());
            StateRef forked = new StateRef(2, "ab".repeat(32));
            owner.send(new Frames.Hello(h.id(), h.mesh(), h.pubkey(), h.capabilities(), h.signature(), forked));
            Frames.HelloAck ack = owner.awaitAckOrFail();
            assertNull(owner.lastSync.events());
            MeshState s = owner.lastSync.snapshot().verify(m.id(), m.authority(), forked);
            assertEquals(ack.state(), s.head());
            assertEquals(3, s.version());

            owner.send(new Frames.StateSync("ahead", new StateRef(99, "cd".repeat(32))));
            Frames.MeshSync ahead = owner.await(Frames.MeshSync.class, x -> "ahead".equals(x.id()));
            assertEquals(s.head(), ahead.snapshot().verify(m.id(), m.authority(), null).head());
            assertEquals(snapshots + 2, fx.coordinator.metrics().count("meshwire_state_syncs", "mode", "snapshot"));

            // v2 with another hash is another history: snapshot again
            owner.send(new Frames.StateSync("from2", new StateRef(2, MeshEvent.ZERO_HASH)));
            assertNotNull(owner.await(Frames.MeshSync.class, x -> "from2".equals(x.id())).snapshot());

            owner.send(new Frames.StateSync("all", null));
            Frames.MeshSync all = owner.await(Frames.MeshSync.class, x -> "all".equals(x.id()));
            MeshState full = fromScratch(m, all.events());
            assertEquals(s.head(), full.head());
            StateRef at2 = replay(MeshState.empty(m.id(), m.authority()), all.events().subList(0, 2)).head();
            owner.send(new Frames.StateSync("after2", at2));
            Frames.MeshSync after2 = owner.await(Frames.MeshSync.class, x -> "after2".equals(x.id()));
            assertEquals(List.of(3L), after2.events().stream().map(MeshEvent::version).toList());
            owner.send(new Frames.StateSync("current", s.head()));
            assertEquals(List.of(), owner.await(Frames.MeshSync.class, x -> "current".equals(x.id())).events());
        }
    }

    @Test
    void revocationReachesEveryoneClosesTheSubjectDropsItsQueueAndIsForever() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "ms-revoke");
        Identity carolId = Identity.generate(), daveId = Identity.generate();
        Meshes.joined(fx, m, daveId, "dave").close();
        double dropped = fx.coordinator.metrics().count("meshwire_queue_dropped", "reason", "revoked");
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, Identity.generate(), "bob");
             TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
            sendOk(carol, "c1", daveId.publicKeyHex(), carol.dm(daveId, "one"));
            sendOk(carol, "c2", daveId.publicKeyHex(), carol.dm(daveId, "two"));
            sendOk(owner, "o1", carolId.publicKeyHex(), owner.dm(carolId, "to carol"));  // delivered, never acked
            carol.await(Frames.Deliver.class);

            owner.send(new Frames.Revoke("r1", "carol", "stolen laptop"));
            Frames.Ok ok = owner.await(Frames.Ok.class, o -> "r1".equals(o.id()));
            assertEquals("revoke", ok.op());
            assertEquals(carolId.publicKeyHex(), ok.target());
            assertEquals(dropped + 3, fx.coordinator.metrics().count("meshwire_queue_dropped", "reason", "revoked"));

            assertEquals(4002, carol.awaitClose());
            assertEquals("revoked: stolen laptop", carol.closeReason());
            List<Frame> seen = carol.seen();
            int event = indexOf(seen, f -> f instanceof Frames.SystemEvent s && EventKind.MEMBER_REVOKED.equals(s.event().kind()));
            int error = indexOf(seen, f -> f instanceof Frames.Error e && "revoked".equals(e.code()));
            assertTrue(event >= 0 && error > event, "the subject gets the event, then error revoked: " + seen);
            for (TestPeer p : List.of(owner, bob)) {
                EventPayload.MemberRevoked r = (EventPayload.MemberRevoked) awaitEvent(p, EventKind.MEMBER_REVOKED).event().payload();
                assertEquals(carolId.publicKeyHex(), r.pubkey());
                assertEquals("stolen laptop", r.reason());
            }
            List<Frame> ownerSeen = owner.seen();
            assertTrue(indexOf(ownerSeen, f -> f instanceof Frames.SystemEvent s && EventKind.MEMBER_REVOKED.equals(s.event().kind()))
                    < indexOf(ownerSeen, f -> f instanceof Frames.Ok o && "r1".equals(o.id())), "the actor gets the event before ok");
            assertEquals("revoked", owner.await(Frames.PeerLeft.class, pl -> carolId.publicKeyHex().equals(pl.pubkey())).reason());

            assertEquals("revoked", sendErr(owner, "o2", carolId.publicKeyHex(), owner.dm(carolId, "x")).code());
            owner.send(new Frames.ListPeers("lp"));
            assertFalse(owner.await(Frames.Peers.class).peers().stream().anyMatch(p -> p.pubkey().equals(carolId.publicKeyHex())));
            owner.send(new Frames.Revoke("r2", carolId.publicKeyHex(), null));
            assertTrue(owner.await(Frames.Ok.class, o -> "r2".equals(o.id())).detail().contains("already revoked"));
        }
        try (TestPeer dave = fx.peer(daveId)) {
            dave.hello(m.id());
            dave.sync("s");
            assertTrue(dave.seen().stream().noneMatch(f -> f instanceof Frames.Deliver), "queued messages from a revoked key are dropped");
        }
        try (TestPeer carol = fx.peer(carolId)) {
            carol.send(carol.helloFrame(m.id()));
            assertEquals("revoked", carol.await(Frames.Error.class).code());
            assertEquals(4002, carol.awaitClose());
        }
        try (TestPeer carol = fx.peer(carolId)) {
            carol.send(carol.joinFrame(m.invite().encode(), m.invite().inviteId(), m.id(), "carol2"));
            assertEquals("revoked", carol.await(Frames.Error.class).code());
            assertEquals(4002, carol.awaitClose());
        }
    }

    @Test
    void roleRulesOwnerOrAdminSetRoleOwnerOnlyNobodyTargetsTheOwnerOnlyTheOwnerTargetsAnAdmin() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "ms-roles");
        try (TestPeer owner = Meshes.owner(fx, m);
             TestPeer bob = Meshes.joined(fx, m, Identity.generate(), "bob");
             TestPeer carol = Meshes.joined(fx, m, Identity.generate(), "carol");
             TestPeer dave = Meshes.joined(fx, m, Identity.generate(), "dave")) {
            dave.send(new Frames.Revoke("d1", "carol", null));
            assertEquals("not_owner", dave.await(Frames.Error.class, e -> "d1".equals(e.id())).code());

            owner.send(new Frames.SetRole("sr", "bob", "admin"));
            assertEquals("set_role", owner.await(Frames.Ok.class, o -> "sr".equals(o.id())).op());
            assertEquals("admin", ((EventPayload.RoleChanged) awaitEvent(bob, EventKind.ROLE_CHANGED).event().payload()).role());
            owner.send(new Frames.SetRole("sr2", "carol", "admin"));
            owner.await(Frames.Ok.class, o -> "sr2".equals(o.id()));
            owner.send(new Frames.SetRole("sr3", "dave", "owner"));
            assertEquals("invalid_frame", owner.await(Frames.Error.class, e -> "sr3".equals(e.id())).code());

            bob.send(new Frames.SetRole("b1", "dave", "admin"));
            assertEquals("not_owner", bob.await(Frames.Error.class, e -> "b1".equals(e.id())).code());
            bob.send(new Frames.Kick("b2", "owner"));
            assertEquals("not_owner", bob.await(Frames.Error.class, e -> "b2".equals(e.id())).code());
            bob.send(new Frames.Revoke("b3", "carol", "admins cannot revoke admins"));
            assertEquals("not_owner", bob.await(Frames.Error.class, e -> "b3".equals(e.id())).code());
            bob.send(new Frames.Revoke("b4", "bob", null));
            assertEquals("invalid_frame", bob.await(Frames.Error.class, e -> "b4".equals(e.id())).code());
            bob.send(new Frames.SetExpiry("b5", "dave", System.currentTimeMillis() + 3_600_000));
            assertEquals("set_expiry", bob.await(Frames.Ok.class, o -> "b5".equals(o.id())).op());
            bob.send(new Frames.Ban("b6", "dave"));
            assertEquals("ban", bob.await(Frames.Ok.class, o -> "b6".equals(o.id())).op());
            assertEquals(4002, dave.awaitClose());

            owner.send(new Frames.Revoke("o1", "carol", "owner may"));
            owner.await(Frames.Ok.class, o -> "o1".equals(o.id()));
            assertEquals(4002, carol.awaitClose());
            bob.sync("s");
            assertEquals(List.of(), bob.seen().stream().filter(f -> f instanceof Frames.Error e && e.id() == null).toList());
        }
    }

    @Test
    void anExpiredMembershipClosesTheSessionAndRefusesHelloUntilRenewed() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "ms-expiry");
        Identity bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            owner.send(new Frames.SetExpiry("x", "bob", System.currentTimeMillis() + 1500));
            owner.await(Frames.Ok.class, o -> "x".equals(o.id()));
            assertEquals(EventKind.EXPIRY_SET, awaitEvent(bob, EventKind.EXPIRY_SET).event().kind());
            assertEquals("membership_expired", bob.await(Frames.Error.class).code());
            assertEquals(4003, bob.awaitClose());
            assertEquals("membership_expired", bob.closeReason());
            assertEquals("unknown_recipient", sendErr(owner, "s", bobId.publicKeyHex(), owner.dm(bobId, "x")).code());
            owner.send(new Frames.ListPeers("lp"));
            assertFalse(owner.await(Frames.Peers.class).peers().stream().anyMatch(p -> p.pubkey().equals(bobId.publicKeyHex())));
            try (TestPeer again = fx.peer(bobId)) {
                again.send(again.helloFrame(m.id()));
                assertEquals("membership_expired", again.await(Frames.Error.class).code());
                assertEquals(4003, again.awaitClose());
            }
            owner.send(new Frames.SetExpiry("clear", "bob", null));
            owner.await(Frames.Ok.class, o -> "clear".equals(o.id()));
        }
        try (TestPeer bob = fx.peer(bobId)) {
            assertEquals("bob", bob.hello(m.id()).self().name());
        }
    }

    @Test
    void renameAndLeaveAreEventsEveryoneSees() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "ms-rename");
        Identity bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            bob.send(new Frames.Rename("n1", "robert"));
            Frames.Ok ok = bob.await(Frames.Ok.class, o -> "n1".equals(o.id()));
            assertEquals("rename", ok.op());
            EventPayload.MemberRenamed r = (EventPayload.MemberRenamed) awaitEvent(owner, EventKind.MEMBER_RENAMED).event().payload();
            assertEquals("robert", r.name());
            awaitEvent(bob, EventKind.MEMBER_RENAMED);
            bob.send(new Frames.Rename("n2", "owner"));
            assertEquals("invalid_frame", bob.await(Frames.Error.class, e -> "n2".equals(e.id())).code());
            owner.send(new Frames.ListPeers("lp"));
            assertEquals("robert", owner.await(Frames.Peers.class).peers().stream()
                    .filter(p -> p.pubkey().equals(bobId.publicKeyHex())).findFirst().orElseThrow().name());

            bob.send(new Frames.Leave("l"));
            bob.await(Frames.Ok.class, o -> "l".equals(o.id()));
            assertEquals(bobId.publicKeyHex(), ((EventPayload.MemberLeft) awaitEvent(owner, EventKind.MEMBER_LEFT).event().payload()).pubkey());
            owner.send(new Frames.StateSync("s", null));
            MeshState s = fromScratch(m, owner.await(Frames.MeshSync.class, x -> "s".equals(x.id())).events());
            assertTrue(s.entry(bobId.publicKeyHex()).isEmpty());
        }
    }

    @Test
    void rotatingTheAuthorityIsAnAdminOperationAnnouncedByASignedEvent() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "ms-rotate");
        assertEquals(401, fx.post("/v1/meshes/" + m.id() + "/rotate-authority", null, Map.of()).status());
        assertEquals(404, fx.post("/v1/meshes/m_nope/rotate-authority", fx.coordinator.adminToken(), Map.of()).status());
        try (TestPeer owner = Meshes.owner(fx, m)) {
            CoordinatorFixture.Response r = fx.post("/v1/meshes/" + m.id() + "/rotate-authority", fx.coordinator.adminToken(), Map.of());
            assertEquals(200, r.status(), r.text());
            String next = r.json().get("authority").asText();
            assertNotEquals(m.authority(), next);
            assertEquals(3, r.json().get("state").get("version").asLong());
            MeshEvent rot = awaitEvent(owner, EventKind.AUTHORITY_ROTATED).event();
            assertTrue(rot.signedBy(m.authority()));
            Meshes.joined(fx, m, Identity.generate(), "bob").close();
            MeshEvent joined = awaitEvent(owner, EventKind.MEMBER_JOINED).event();
            assertTrue(joined.signedBy(next));
        }
        try (TestPeer owner = fx.peer(m.owner())) {
            String announced = owner.hello(m.id()).authority();
            MeshState s = fromScratch(m, owner.lastSync.events());
            assertEquals(4, s.version());
            assertEquals(s.authority(), announced, "hello_ack names the current authority");
        }
    }
}
