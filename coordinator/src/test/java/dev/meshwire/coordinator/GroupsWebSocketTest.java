package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventKind;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.GroupEntry;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshState;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Groups over real WebSockets, against a coordinator on SQLite and on PostgreSQL (subclasses; docs/protocol.md §12.1):
 * {@code group_create}, {@code group_member}, {@code group_delete} become signed events every member receives and
 * verifies, refusals are clear {@code error}s, and the relay refuses a {@code @name} copy to a key outside the group.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GroupsWebSocketTest {
    final StoreKind kind;
    CoordinatorFixture fx;

    GroupsWebSocketTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("wsgroups") : null;
        fx = new CoordinatorFixture(c -> c.withDbUrl(pg));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    static Frames.Ok ok(TestPeer p, dev.meshwire.signaling.frame.Frame req, String id) throws InterruptedException {
        p.send(req);
        return p.await(Frames.Ok.class, o -> id.equals(o.id()));
    }

    static Frames.Error error(TestPeer p, Object req, String id) throws InterruptedException {
        p.send((dev.meshwire.signaling.frame.Frame) req);
        return p.await(Frames.Error.class, e -> id.equals(e.id()));
    }

    /** The whole history from the coordinator, verified from scratch as a new replica would. */
    static MeshState state(TestPeer p, Meshes.Mesh m, String id) throws InterruptedException {
        p.send(new Frames.StateSync(id, null));
        MeshState s = MeshState.empty(m.id(), m.authority());
        for (MeshEvent e : p.await(Frames.MeshSync.class, x -> id.equals(x.id())).events()) s = s.apply(e);
        return s;
    }

    static List<String> members(MeshState s, String group) {
        return s.channels().group(group).orElseThrow().members().stream().map(GroupEntry.Member::pubkey).toList();
    }

    /** A group copy sealed to {@code to} with target {@code target}. */
    static Envelope groupCopy(TestPeer from, Identity to, String target) {
        Envelope dm = from.dm(to, "for " + target, UUID.randomUUID().toString(), null);
        return EnvelopeSignature.sign(new Envelope(dm.v(), dev.meshwire.signaling.envelope.Channel.GROUP, target, dm.from(), dm.body(),
                dm.meta(), null), from.identity);
    }

    @Test
    void membersCreateFillAndDeleteGroupsThroughSignedEvents() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "grp-life");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), carolId = Identity.generate();
        String alice = aliceId.publicKeyHex(), bob = bobId.publicKeyHex(), carol = carolId.publicKeyHex();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer a = Meshes.joined(fx, m, aliceId, "alice");
             TestPeer b = Meshes.joined(fx, m, bobId, "bob"); TestPeer c = Meshes.joined(fx, m, carolId, "carol")) {
            Frames.Ok created = ok(a, new Frames.GroupCreate("c1", "frontend"), "c1");
            assertEquals("group_create", created.op());
            assertEquals("@frontend", created.target());
            for (TestPeer p : List.of(owner, a, b, c)) {
                MeshEvent e = p.await(Frames.SystemEvent.class, s -> EventKind.GROUP_CREATED.equals(s.event().kind())).event();
                assertEquals(alice, e.actor());
                assertEquals(new EventPayload.GroupCreated("frontend"), e.payload());
            }
            assertTrue(ok(a, new Frames.GroupMember("m1", "frontend", bob, "lead"), "m1").detail().contains("added to @frontend as lead"));
            ok(a, new Frames.GroupMember("m2", "frontend", carol, "member"), "m2");
            assertTrue(ok(a, new Frames.GroupMember("m3", "frontend", carol, "member"), "m3").detail().startsWith("unchanged"));
            MeshState s = state(owner, m, "s1");
            assertEquals(List.of(bob, carol).stream().sorted().toList(), members(s, "frontend"));
            assertEquals("lead", s.channels().group("frontend").orElseThrow().roleOf(bob).orElseThrow());

            // bob (not the creator, not an admin) may remove only himself; the owner may manage any group.
            Frames.Error e1 = error(b, new Frames.GroupMember("b1", "frontend", carol, null), "b1");
            assertEquals(ErrorCode.FORBIDDEN, e1.code());
            assertTrue(e1.message().contains("only the group's creator, the mesh owner or an admin may remove"), e1.message());
            assertEquals(ErrorCode.FORBIDDEN, error(b, new Frames.GroupMember("b2", "frontend", alice, "member"), "b2").code());
            assertTrue(ok(b, new Frames.GroupMember("b3", "frontend", bob, null), "b3").detail().contains("removed from @frontend"));
            ok(owner, new Frames.GroupMember("o1", "frontend", alice, "member"), "o1");
            assertEquals(List.of(alice, carol).stream().sorted().toList(), members(state(owner, m, "s2"), "frontend"));

            // carol leaves the mesh: she drops out of every group with the same event
            c.send(new Frames.Leave("l1"));
            owner.await(Frames.SystemEvent.class, x -> EventKind.MEMBER_LEFT.equals(x.event().kind()));
            assertEquals(List.of(alice), members(state(owner, m, "s3"), "frontend"));

            assertEquals(ErrorCode.FORBIDDEN, error(b, new Frames.GroupDelete("d0", "frontend"), "d0").code());
            assertEquals("group_delete", ok(a, new Frames.GroupDelete("d1", "frontend"), "d1").op());
            assertTrue(state(owner, m, "s4").channels().group("frontend").isEmpty());
        }
    }

    @Test
    void badRequestsAreRefusedWithAClearError() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "grp-bad");
        Identity aliceId = Identity.generate(), bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer a = Meshes.joined(fx, m, aliceId, "alice");
             TestPeer b = Meshes.joined(fx, m, bobId, "bob")) {
            Frames.Error reserved = error(a, new Frames.GroupCreate("x1", "all"), "x1");
            assertEquals(ErrorCode.INVALID_FRAME, reserved.code());
            assertTrue(reserved.message().contains("'all' is reserved"), reserved.message());
            assertTrue(error(a, new Frames.GroupCreate("x2", "Front End"), "x2").message().contains("group name must be"));
            ok(a, new Frames.GroupCreate("x3", "ops"), "x3");
            assertTrue(error(b, new Frames.GroupCreate("x4", "ops"), "x4").message().contains("already exists"));
            Frames.Error unknown = error(a, new Frames.GroupMember("x5", "nope", bobId.publicKeyHex(), "member"), "x5");
            assertEquals(ErrorCode.UNKNOWN_GROUP, unknown.code());
            assertTrue(unknown.message().contains("no group @nope"), unknown.message());
            assertEquals(ErrorCode.UNKNOWN_GROUP, error(a, new Frames.GroupDelete("x6", "nope"), "x6").code());
            Frames.Error stranger = error(a, new Frames.GroupMember("x7", "ops", Identity.generate().publicKeyHex(), "member"), "x7");
            assertEquals(ErrorCode.FORBIDDEN, stranger.code());
            assertTrue(stranger.message().contains("only an active member of the mesh can be added"), stranger.message());
            assertTrue(error(a, new Frames.GroupMember("x8", "ops", "bob", "member"), "x8").message().contains("full public key"));
            assertTrue(error(a, new Frames.GroupMember("x9", "ops", bobId.publicKeyHex(), "Lead!"), "x9").message().contains("group role must be"));
            // The session stays open and usable after every refusal.
            a.sync("still-open");
        }
    }

    @Test
    void theRelayRefusesAGroupCopyToAKeyOutsideTheGroup() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "grp-relay");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), carolId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer a = Meshes.joined(fx, m, aliceId, "alice");
             TestPeer b = Meshes.joined(fx, m, bobId, "bob"); TestPeer c = Meshes.joined(fx, m, carolId, "carol")) {
            ok(a, new Frames.GroupCreate("g1", "frontend"), "g1");
            ok(a, new Frames.GroupMember("g2", "frontend", bobId.publicKeyHex(), "member"), "g2");

            a.send(new Frames.Send("s1", bobId.publicKeyHex(), groupCopy(a, bobId, "@frontend")));
            Frames.Ack ack = a.await(Frames.Ack.class, x -> "s1".equals(x.id()));
            assertEquals("accepted", ack.status());
            Frames.Deliver d = b.await(Frames.Deliver.class);
            assertEquals(ack.messageId(), d.messageId());
            assertEquals("@frontend", d.envelope().target());

            Frames.Error outside = error(a, new Frames.Send("s2", carolId.publicKeyHex(), groupCopy(a, carolId, "@frontend")), "s2");
            assertEquals(ErrorCode.FORBIDDEN, outside.code());
            assertTrue(outside.message().contains("not a member of @frontend"), outside.message());
            Frames.Error noGroup = error(a, new Frames.Send("s3", carolId.publicKeyHex(), groupCopy(a, carolId, "@backend")), "s3");
            assertEquals(ErrorCode.UNKNOWN_GROUP, noGroup.code());
            Frames.Error badTarget = error(a, new Frames.Send("s4", carolId.publicKeyHex(), groupCopy(a, carolId, "#frontend")), "s4");
            assertEquals(ErrorCode.INVALID_FRAME, badTarget.code());
            // @all and * are every member: not checked against a group
            a.send(new Frames.Send("s5", carolId.publicKeyHex(), groupCopy(a, carolId, "@all")));
            assertEquals("accepted", a.await(Frames.Ack.class, x -> "s5".equals(x.id())).status());
            assertEquals("@all", c.await(Frames.Deliver.class).envelope().target());
        }
    }
}
