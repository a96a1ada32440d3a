package dev.meshwire.signaling.meshstate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.frame.ProtocolException;
import dev.meshwire.signaling.fuzz.Fuzz;
import dev.meshwire.signaling.fuzz.Mutator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: mesh-state events and snapshots as a daemon receives them in {@code mesh_sync} and
 * {@code system} frames — decoded, read before any signature check (what a trust-on-first-use replica
 * reads to pin a key: an event's payload and hash), then applied to the replica that holds the version
 * before the first event ({@link MeshState#apply})
 * or verified ({@link MeshSnapshot#verify}) — end in a new state or a refusal: {@link ProtocolException}
 * from the codec or {@link MeshStateException}. Seeds are a real signed history with every event kind
 * (an authority rotation included) and a signed snapshot; two in five inputs are events and snapshots
 * mutated and then signed again by the right key, so the payload checks behind the signature run too.
 */
class MeshSyncFuzzTest {
    private static final String MESH = TestVectors.MESH;
    private static final Identity AUTHORITY = TestVectors.authority();
    private static final Identity NEXT = seeded(0x60);
    private static final Identity ALICE = TestVectors.alice();
    private static final Identity BOB = TestVectors.bob();
    private static final Identity CAROL = seeded(0x20);
    /** The replica under test holds v2 (mesh created, alice the owner). */
    private static final Chain AT_V2 = Chain.created(MESH, "team", AUTHORITY, ALICE, "alice");
    private static final MeshState BASE = AT_V2.state;
    /** The replica states a sync may start from: index v holds the state at version v (v ≥ 2). */
    private static final List<MeshState> STATES = new ArrayList<>();
    private static final Chain HISTORY = history();
    private static final MeshSnapshot SNAPSHOT = MeshSnapshot.seal(NEXT, HISTORY.state,
            HISTORY.event(HISTORY.state.version()), List.of(HISTORY.event(12)), Chain.T0 + 3_600_000L);
    private static final JsonNode SNAPSHOT_TREE = Json.MAPPER.valueToTree(SNAPSHOT);

    @Test
    void meshSyncAndSystemFramesMutatedApplyOrAreRefused() {
        // Short event lists (each applied to the replica state just before its first event) keep the
        // signature checks per input few; together they hold every event of the history.
        List<MeshEvent> all = HISTORY.events;
        List<String> seeds = new ArrayList<>(List.of(
                FrameCodec.encode(new Frames.MeshSync("s1", MESH, all.subList(2, 6), null)),
                FrameCodec.encode(new Frames.MeshSync("s2", MESH, all.subList(6, 10), null)),
                FrameCodec.encode(new Frames.MeshSync("s3", MESH, all.subList(10, 13), null)),
                FrameCodec.encode(new Frames.MeshSync("s4", MESH, null, SNAPSHOT)),
                FrameCodec.encode(new Frames.MeshSync("s5", MESH, List.of(), null)),
                FrameCodec.encode(new Frames.SystemEvent(MESH, HISTORY.event(3))),
                FrameCodec.encode(new Frames.SystemEvent(MESH, HISTORY.event(12)))));
        Mutator m = Mutator.json(seeds);
        Fuzz.run("mesh-sync", Fuzz.oneOf(m, m, m, r -> resignedEvent(m, r), r -> resignedSnapshot(m, r)), MeshSyncFuzzTest::receive,
                Fuzz.Contract.refusing(ProtocolException.class, MeshStateException.class)).assertNoCrash().assertBothOutcomes();
    }

    /** v1..v2 as BASE; v3..v11 every member event kind; v12 the authority rotates to NEXT; v13 signed by NEXT. */
    private static Chain history() {
        Chain c = Chain.created(MESH, "team", AUTHORITY, ALICE, "alice");
        String alice = ALICE.publicKeyHex();
        String bob = BOB.publicKeyHex();
        String carol = CAROL.publicKeyHex();
        c.add(bob, new EventPayload.MemberJoined(bob, "bob", MemberEntry.MEMBER, Chain.T0 + 86_400_000L));
        c.add(bob, new EventPayload.MemberRenamed(bob, "bobby"));
        c.add(alice, new EventPayload.RoleChanged(bob, MemberEntry.ADMIN));
        c.add(alice, new EventPayload.ExpirySet(bob, null));
        c.add(alice, new EventPayload.MemberKicked(bob, "spam"));
        c.add(alice, new EventPayload.MemberBanned(carol, null, "abuse"));
        c.add(alice, new EventPayload.MemberUnbanned(carol));
        c.add(bob, new EventPayload.MemberLeft(bob));
        c.add(alice, new EventPayload.MemberRevoked(carol, "lost laptop"));
        c.add(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(AUTHORITY.publicKeyHex(), NEXT.publicKeyHex()));
        c.signer = NEXT;
        c.add(bob, new EventPayload.MemberJoined(bob, "bob", MemberEntry.MEMBER, null));
        MeshState s = MeshState.empty(MESH, AUTHORITY.publicKeyHex());
        STATES.add(s);
        for (MeshEvent e : c.events) STATES.add(s = s.apply(e));
        return c;
    }

    /** A {@code system} frame whose event v3 has mutated data (or kind), correctly chained and signed. */
    private static byte[] resignedEvent(Mutator m, Random r) {
        MeshEvent template = HISTORY.event(3 + r.nextInt(9));
        JsonNode data = template.data().deepCopy();
        for (int n = 1 + r.nextInt(2); n > 0; n--) data = m.mutateTree(data, r);
        String kind = r.nextInt(8) == 0 ? HISTORY.event(3 + r.nextInt(9)).kind() : template.kind();
        try {
            return utf8(FrameCodec.encode(new Frames.SystemEvent(MESH, AT_V2.raw(AUTHORITY, kind, data))));
        } catch (IllegalArgumentException notCanonical) { // e.g. a fraction, which canonical JSON refuses to sign
            return utf8(FrameCodec.encode(new Frames.SystemEvent(MESH, new MeshEvent(MESH, 3, BASE.head().head(), kind,
                    Chain.T0, MeshEvent.COORDINATOR, data, template.signature()))));
        }
    }

    /** A {@code mesh_sync} with the snapshot mutated, then signed again by the key it names when it still maps. */
    private static byte[] resignedSnapshot(Mutator m, Random r) {
        JsonNode tree = SNAPSHOT_TREE.deepCopy();
        for (int n = 1 + r.nextInt(2); n > 0; n--) tree = m.mutateTree(tree, r);
        MeshSnapshot s;
        try {
            s = Json.MAPPER.treeToValue(tree, MeshSnapshot.class);
            s = new MeshSnapshot(s.mesh(), s.name(), s.version(), s.head(), s.authority(), s.at(), s.members(), s.headEvent(),
                    s.rotations(), NEXT.signHex(s.canonical()));
        } catch (Exception stillMutated) {
            return utf8("{\"type\":\"mesh_sync\",\"id\":\"s\",\"mesh\":\"" + MESH + "\",\"snapshot\":" + tree + "}");
        }
        return utf8(FrameCodec.encode(new Frames.MeshSync("s", MESH, null, s)));
    }

    /** What a daemon does with a frame from its coordinator that carries mesh state. */
    static void receive(byte[] input) {
        Frame f = FrameCodec.decode(new String(input, StandardCharsets.UTF_8));
        if (f instanceof Frames.MeshSync sync) {
            List<MeshEvent> events = sync.events() == null ? List.of() : sync.events();
            events.forEach(MeshSyncFuzzTest::readUnverified);
            if (sync.snapshot() != null) {
                if (sync.snapshot().rotations() != null) sync.snapshot().rotations().forEach(MeshSyncFuzzTest::readUnverified);
                sync.snapshot().verify(MESH, AUTHORITY.publicKeyHex(), BASE.head());
            }
            MeshState s = events.isEmpty() || events.get(0) == null ? BASE : before(events.get(0));
            for (MeshEvent e : events) s = s.apply(e);
        } else if (f instanceof Frames.SystemEvent system && system.event() != null) {
            readUnverified(system.event());
            before(system.event()).apply(system.event());
        }
    }

    /** The replica that holds the version before {@code e} (the one at v2 when there is none). */
    private static MeshState before(MeshEvent e) {
        long v = e.version() - 1;
        return v >= 2 && v < STATES.size() ? STATES.get((int) v) : BASE;
    }

    /** A trust-on-first-use replica reads these before any signature check; they may only refuse. */
    private static void readUnverified(MeshEvent e) {
        if (e == null) return;
        try {
            e.payload();
        } catch (MeshStateException refused) {
            // documented
        }
        try {
            e.hash();
        } catch (MeshStateException refused) {
            // documented
        }
    }

    private static Identity seeded(int first) {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) (first + i);
        return Identity.fromSeed(seed);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
