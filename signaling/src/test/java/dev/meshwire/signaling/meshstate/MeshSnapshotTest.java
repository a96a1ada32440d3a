package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.BAD_SIGNATURE;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.MALFORMED;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.UNKNOWN_AUTHORITY;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.WRONG_HEAD;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.WRONG_MESH;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signed snapshots ({@link MeshSnapshot#seal} / {@link MeshSnapshot#verify}) and the JSON wire form of events. */
class MeshSnapshotTest {
    static final String MESH = "m_0f1e2d3c4b5a6978";
    static final long AT = Chain.T0 + 3_600_000L;

    final Identity authority = Identity.generate();
    final Identity owner = Identity.generate();
    final Identity alice = Identity.generate();
    final Identity bob = Identity.generate();
    final Identity mallory = Identity.generate();
    final String a = authority.publicKeyHex();

    /** v1..v7: created, owner, alice, bob, bob revoked, mallory banned (never a member), alice expiry. */
    Chain history() {
        Chain c = Chain.created(MESH, "team", authority, owner, "owner");
        c.add(alice.publicKeyHex(), new EventPayload.MemberJoined(alice.publicKeyHex(), "alice", MemberEntry.ADMIN, null));
        c.add(bob.publicKeyHex(), new EventPayload.MemberJoined(bob.publicKeyHex(), "bob", MemberEntry.MEMBER, null));
        c.add(alice.publicKeyHex(), new EventPayload.MemberRevoked(bob.publicKeyHex(), "lost laptop"));
        c.add(owner.publicKeyHex(), new EventPayload.MemberBanned(mallory.publicKeyHex(), null, "abuse"));
        c.add(owner.publicKeyHex(), new EventPayload.ExpirySet(alice.publicKeyHex(), Chain.T0 + 86_400_000L));
        return c;
    }

    MeshSnapshot sealed(Chain c) {
        return MeshSnapshot.seal(c.signer, c.state, c.event(c.state.version()), rotations(c), AT);
    }

    static List<MeshEvent> rotations(Chain c) {
        return c.events.stream().filter(e -> e.kind().equals(EventKind.AUTHORITY_ROTATED)).toList();
    }

    static void assertSameState(MeshState expected, MeshState actual) {
        assertEquals(expected.mesh(), actual.mesh());
        assertEquals(expected.name(), actual.name());
        assertEquals(expected.authority(), actual.authority());
        assertEquals(expected.head(), actual.head());
        assertEquals(List.copyOf(expected.entries()), List.copyOf(actual.entries()));
    }

    static MeshStateException refused(MeshSnapshot s, String mesh, String pinned, StateRef local, MeshStateException.Reason reason) {
        MeshStateException ex = assertThrows(MeshStateException.class, () -> s.verify(mesh, pinned, local));
        assertEquals(reason, ex.reason(), ex.getMessage());
        return ex;
    }

    static MeshSnapshot with(MeshSnapshot s, List<MemberEntry> members, MeshEvent headEvent, List<MeshEvent> rotations) {
        return new MeshSnapshot(s.mesh(), s.name(), s.version(), s.head(), s.authority(), s.at(), members, headEvent, rotations,
                s.signature());
    }

    @Test
    void sealAndVerifyGiveTheFoldedState() {
        Chain c = history();
        MeshSnapshot s = sealed(c);
        assertEquals(7, s.version());
        assertEquals(c.state.head().head(), s.head());
        assertEquals(a, s.authority());
        assertEquals("team", s.name());
        assertEquals(4, s.members().size(), "owner, alice, revoked bob, banned mallory");
        assertEquals(s.members().stream().map(MemberEntry::pubkey).sorted().toList(),
                s.members().stream().map(MemberEntry::pubkey).toList(), "members sorted by pubkey");

        for (StateRef local : Arrays.asList(null, StateRef.EMPTY, c.event(3).ref(), c.state.head())) {
            assertSameState(c.state, s.verify(MESH, a, local));
        }
        MeshState installed = s.verify(MESH, a, StateRef.EMPTY);
        assertFalse(installed.isActive(bob.publicKeyHex(), 0));
        assertEquals(MemberEntry.REVOKED, installed.entry(bob.publicKeyHex()).orElseThrow().status());
        assertEquals(MemberEntry.BANNED, installed.entry(mallory.publicKeyHex()).orElseThrow().status());

        // the installed state continues the history exactly like the folded one
        MeshEvent next = c.add(owner.publicKeyHex(), new EventPayload.MemberLeft(alice.publicKeyHex()));
        assertSameState(c.state, installed.apply(next));

        // member order does not matter to the body hash (it is sorted before hashing)
        List<MemberEntry> reversed = new ArrayList<>(s.members());
        java.util.Collections.reverse(reversed);
        assertSameState(s.verify(MESH, a, null), with(s, reversed, s.headEvent(), s.rotations()).verify(MESH, a, null));
    }

    @Test
    void aFreshReplicaOnAnotherHistoryMayInstallASnapshotOfTheSameVersion() {
        Chain c = history();
        Chain fork = Chain.created(MESH, "team", authority, owner, "owner");
        for (int i = 0; i < 5; i++) fork.add(owner.publicKeyHex(), new EventPayload.MemberKicked(owner.publicKeyHex(), "x" + i));
        assertEquals(c.state.version(), fork.state.version());
        assertSameState(c.state, sealed(c).verify(MESH, a, fork.state.head()));
    }

    @Test
    void olderThanTheReplicaIsRefused() {
        Chain c = history();
        MeshSnapshot old = sealed(c);
        c.add(owner.publicKeyHex(), new EventPayload.MemberUnbanned(mallory.publicKeyHex()));
        MeshStateException ex = refused(old, MESH, a, c.state.head(), WRONG_HEAD);
        assertTrue(ex.getMessage().contains("older"), ex.getMessage());
        refused(old, MESH, a, new StateRef(1000, c.state.head().head()), WRONG_HEAD);
    }

    @Test
    void wrongHeadIsRefused() {
        Chain c = history();
        MeshSnapshot s = sealed(c);
        // the head event of another version
        refused(with(s, s.members(), c.event(6), s.rotations()), MESH, a, null, WRONG_HEAD);
        refused(with(s, s.members(), c.event(1), s.rotations()), MESH, a, null, WRONG_HEAD);
        // a tampered head event (its hash no longer matches head)
        MeshEvent h = s.headEvent();
        ObjectNode data = h.data().deepCopy();
        data.put("expiresAt", 1L);
        refused(with(s, s.members(), new MeshEvent(h.mesh(), h.version(), h.prev(), h.kind(), h.at(), h.actor(), data, h.signature()),
                s.rotations()), MESH, a, null, WRONG_HEAD);
        // the same version from another history
        Chain fork = Chain.created(MESH, "team", authority, owner, "owner");
        for (int i = 0; i < 5; i++) fork.add(owner.publicKeyHex(), new EventPayload.MemberKicked(owner.publicKeyHex(), "x" + i));
        refused(with(s, s.members(), fork.event(7), s.rotations()), MESH, a, null, WRONG_HEAD);
        // a head field that is not the one signed
        MeshSnapshot otherHead = new MeshSnapshot(s.mesh(), s.name(), s.version(), fork.event(7).hash(), s.authority(), s.at(),
                s.members(), fork.event(7), s.rotations(), s.signature());
        refused(otherHead, MESH, a, null, BAD_SIGNATURE);
        // a head event whose hash matches but that nobody signed: the coordinator could not have made it
        MeshEvent unsigned = new MeshEvent(h.mesh(), h.version(), h.prev(), h.kind(), h.at(), h.actor(), h.data(), "00".repeat(64));
        assertEquals(h.hash(), unsigned.hash(), "the signature is not part of the hash");
        refused(with(s, s.members(), unsigned, s.rotations()), MESH, a, null, BAD_SIGNATURE);
    }

    @Test
    void tamperedMemberListIsRefused() {
        Chain c = history();
        MeshSnapshot s = sealed(c);
        List<MemberEntry> m = new ArrayList<>(s.members());
        int bobAt = m.indexOf(c.state.entry(bob.publicKeyHex()).orElseThrow());
        MemberEntry b = m.get(bobAt);
        m.set(bobAt, new MemberEntry(b.pubkey(), b.name(), b.role(), MemberEntry.ACTIVE, b.joinedAt(), b.since(), null, null, b.by()));
        refused(with(s, m, s.headEvent(), s.rotations()), MESH, a, null, BAD_SIGNATURE);

        List<MemberEntry> dropped = new ArrayList<>(s.members());
        dropped.remove(bobAt);
        refused(with(s, dropped, s.headEvent(), s.rotations()), MESH, a, null, BAD_SIGNATURE);

        List<MemberEntry> added = new ArrayList<>(s.members());
        added.add(new MemberEntry(Identity.generate().publicKeyHex(), "eve", MemberEntry.OWNER, MemberEntry.ACTIVE, 1, 1, null, null, "x"));
        refused(with(s, added, s.headEvent(), s.rotations()), MESH, a, null, BAD_SIGNATURE);

        refused(new MeshSnapshot(s.mesh(), "other", s.version(), s.head(), s.authority(), s.at(), s.members(), s.headEvent(),
                s.rotations(), s.signature()), MESH, a, null, BAD_SIGNATURE);
        refused(new MeshSnapshot(s.mesh(), s.name(), s.version(), s.head(), s.authority(), s.at() + 1, s.members(), s.headEvent(),
                s.rotations(), s.signature()), MESH, a, null, BAD_SIGNATURE);

        List<MemberEntry> twice = new ArrayList<>(s.members());
        twice.add(twice.get(0));
        // the signature covers the body, so a duplicate is caught there already
        refused(with(s, twice, s.headEvent(), s.rotations()), MESH, a, null, BAD_SIGNATURE);
    }

    @Test
    void wrongMeshIsRefused() {
        Chain c = history();
        refused(sealed(c), "m_ffffffffffffffff", a, null, WRONG_MESH);
        // a genuine snapshot of another mesh with the same authority, offered for this one
        Chain other = Chain.created("m_ffffffffffffffff", "team", authority, owner, "owner");
        refused(sealed(other), MESH, a, null, WRONG_MESH);
    }

    @Test
    void unknownAuthorityIsRefused() {
        // a whole history made up by another key
        Chain forged = Chain.created(MESH, "team", mallory, mallory, "mallory");
        MeshStateException ex = refused(sealed(forged), MESH, a, null, UNKNOWN_AUTHORITY);
        assertTrue(ex.getMessage().contains("pinned"), ex.getMessage());
        // the snapshot names the pinned key but another key signed it
        Chain c = history();
        MeshSnapshot bySomeoneElse = MeshSnapshot.seal(mallory, c.state, c.event(7), List.of(), AT);
        refused(bySomeoneElse, MESH, a, null, BAD_SIGNATURE);
    }

    @Test
    void missingFieldsAreMalformedNotCrashes() {
        MeshSnapshot s = sealed(history());
        refused(with(s, null, s.headEvent(), s.rotations()), MESH, a, null, MALFORMED);
        refused(with(s, s.members(), null, s.rotations()), MESH, a, null, MALFORMED);
        refused(new MeshSnapshot(s.mesh(), s.name(), s.version(), s.head(), s.authority(), s.at(), s.members(), s.headEvent(),
                s.rotations(), null), MESH, a, null, MALFORMED);
        refused(new MeshSnapshot(null, s.name(), s.version(), s.head(), s.authority(), s.at(), s.members(), s.headEvent(),
                s.rotations(), s.signature()), MESH, a, null, MALFORMED);
        // rotations absent is the same as none
        assertSameState(s.verify(MESH, a, null), with(s, s.members(), s.headEvent(), null).verify(MESH, a, null));
        List<MeshEvent> withNull = new ArrayList<>();
        withNull.add(null);
        refused(with(s, s.members(), s.headEvent(), withNull), MESH, a, null, MALFORMED);
        // a rotations list that holds something else than a rotation
        refused(with(s, s.members(), s.headEvent(), List.of(s.headEvent())), MESH, a, null, MALFORMED);
        // a "rotation" whose data is broken: refused as malformed, not a crash, before any signature check
        MeshEvent h = s.headEvent();
        MeshEvent brokenRole = new MeshEvent(MESH, 3, h.prev(), EventKind.ROLE_CHANGED, 1, "x",
                Json.MAPPER.createObjectNode().put("pubkey", a), "00".repeat(64));
        refused(with(s, s.members(), s.headEvent(), List.of(brokenRole)), MESH, a, null, MALFORMED);
        MeshEvent noKind = new MeshEvent(MESH, 3, h.prev(), null, 1, "x",
                Json.MAPPER.createObjectNode().put("previous", a).put("next", a), "00".repeat(64));
        refused(with(s, s.members(), s.headEvent(), List.of(noKind)), MESH, a, null, MALFORMED);
        MeshEvent noData = new MeshEvent(MESH, 3, h.prev(), EventKind.AUTHORITY_ROTATED, 1, "x", null, "00".repeat(64));
        refused(with(s, s.members(), s.headEvent(), List.of(noData)), MESH, a, null, MALFORMED);
    }

    /** Issue 16 fuzz finding: a member without a key made the body hash (and so verify) throw NullPointerException. */
    @Test
    void aMemberWithoutAKeyIsMalformedBeforeAnySignatureCheck() throws Exception {
        MeshSnapshot s = sealed(history());
        List<MemberEntry> noKey = new ArrayList<>(s.members());
        noKey.add(new MemberEntry(null, "x", MemberEntry.MEMBER, MemberEntry.ACTIVE, 1, 1, null, null, "x"));
        MeshStateException ex = refused(with(s, noKey, s.headEvent(), s.rotations()), MESH, a, null, MALFORMED);
        assertEquals("snapshot lists a member without a key", ex.getMessage());
        // as it arrives off the wire: members without "pubkey" next to a listed one
        String json = Json.MAPPER.writeValueAsString(s).replace("\"members\":[", "\"members\":[{\"joinedAt\":0,\"since\":1},");
        MeshSnapshot wire = Json.MAPPER.readValue(json, MeshSnapshot.class);
        assertEquals(MALFORMED, assertThrows(MeshStateException.class, wire::canonical).reason());
        refused(wire, MESH, a, null, MALFORMED);
    }

    @Test
    void rotationsAreFollowedFromThePinnedKey() {
        Chain c = history();
        Identity k2 = Identity.generate();
        Identity k3 = Identity.generate();
        MeshEvent r1 = c.add(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(a, k2.publicKeyHex()));
        c.signer = k2;
        c.add(owner.publicKeyHex(), new EventPayload.MemberRenamed(alice.publicKeyHex(), "al"));

        // the head event may be the rotation itself (signed by the previous key)
        Chain atRotation = history();
        atRotation.add(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(a, k2.publicKeyHex()));
        atRotation.signer = k2;
        assertSameState(atRotation.state, sealed(atRotation).verify(MESH, a, null));

        MeshSnapshot s = sealed(c);
        assertEquals(k2.publicKeyHex(), s.authority());
        assertEquals(List.of(r1), s.rotations());
        assertSameState(c.state, s.verify(MESH, a, null));
        // without the rotation the new key is not explained
        refused(with(s, s.members(), s.headEvent(), List.of()), MESH, a, null, UNKNOWN_AUTHORITY);
        // a replica pinned on another key entirely
        refused(s, MESH, mallory.publicKeyHex(), null, UNKNOWN_AUTHORITY);

        // a forged rotation (signed by the key it installs, not the pinned one)
        MeshEvent forgedRot = MeshEvent.seal(mallory, MESH, c.event(7).ref(), Chain.T0, MeshEvent.COORDINATOR,
                new EventPayload.AuthorityRotated(a, mallory.publicKeyHex()));
        Chain evil = history();
        evil.push(rotationTo(evil, authority, mallory)); // genuine in the history, but the snapshot lists the forged one
        evil.signer = mallory;
        MeshSnapshot evilSnap = MeshSnapshot.seal(mallory, evil.state, evil.event(8), List.of(forgedRot), AT);
        refused(evilSnap, MESH, a, null, UNKNOWN_AUTHORITY);
        // a rotation from another mesh
        Chain other = Chain.created("m_ffffffffffffffff", "team", authority, owner, "owner");
        MeshEvent otherRot = other.add(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(a, k2.publicKeyHex()));
        refused(with(s, s.members(), s.headEvent(), List.of(otherRot)), MESH, a, null, MALFORMED);

        // a second rotation: the chain a -> k2 -> k3 is followed link by link
        MeshEvent r2 = c.add(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(k2.publicKeyHex(), k3.publicKeyHex()));
        c.signer = k3;
        c.add(owner.publicKeyHex(), new EventPayload.MemberRenamed(alice.publicKeyHex(), "al2"));
        MeshSnapshot s3 = sealed(c);
        assertEquals(List.of(r1, r2), s3.rotations());
        assertSameState(c.state, s3.verify(MESH, a, null));
        refused(with(s3, s3.members(), s3.headEvent(), List.of(r2, r1)), MESH, a, null, UNKNOWN_AUTHORITY);
        refused(with(s3, s3.members(), s3.headEvent(), List.of(r2)), MESH, a, null, UNKNOWN_AUTHORITY);

        // a replica that already followed r1 through events holds k2 as its authority; the same snapshot
        // (which lists every rotation since genesis) must install there too
        MeshState replica = MeshState.empty(MESH, a);
        for (int v = 1; v <= 9; v++) replica = replica.apply(c.event(v));
        assertEquals(k2.publicKeyHex(), replica.authority());
        assertSameState(c.state, s3.verify(MESH, replica.authority(), replica.head()));
        assertSameState(c.state, s3.verify(MESH, k3.publicKeyHex(), null));
    }

    private static MeshEvent rotationTo(Chain c, Identity signer, Identity next) {
        return MeshEvent.seal(signer, c.mesh, c.state.head(), c.nextAt(), MeshEvent.COORDINATOR,
                new EventPayload.AuthorityRotated(signer.publicKeyHex(), next.publicKeyHex()));
    }

    // ---------------------------------------------------------------- JSON and frames

    @Test
    void eventsSurviveJsonAndFrames() throws Exception {
        Chain c = history();
        MeshState replica = MeshState.empty(MESH, a);
        for (MeshEvent e : c.events) {
            String json = Json.MAPPER.writeValueAsString(e);
            JsonNode tree = Json.MAPPER.readTree(json);
            for (String field : List.of("mesh", "version", "prev", "kind", "at", "actor", "data", "signature")) {
                assertTrue(tree.has(field), field + " in " + json);
            }
            for (String field : List.of("hash", "ref", "payload", "canonical")) {
                assertFalse(tree.has(field), field + " must not be on the wire: " + json);
            }
            MeshEvent back = Json.MAPPER.readValue(json, MeshEvent.class);
            assertEquals(e.canonical(), back.canonical());
            assertEquals(e.hash(), back.hash());
            assertTrue(back.signedBy(a));
            assertEquals(e.payload(), back.payload());

            Frame f = FrameCodec.decode(FrameCodec.encode(new Frames.SystemEvent(MESH, e)));
            MeshEvent viaSystem = ((Frames.SystemEvent) f).event();
            assertEquals(MESH, ((Frames.SystemEvent) f).mesh());
            assertEquals(e.hash(), viaSystem.hash());
            replica = replica.apply(viaSystem);
        }
        assertSameState(c.state, replica);

        Frames.MeshSync sync = (Frames.MeshSync) FrameCodec.decode(FrameCodec.encode(new Frames.MeshSync("7", MESH, c.events, null)));
        assertEquals("7", sync.id());
        assertNull(sync.snapshot());
        MeshState fromSync = MeshState.empty(MESH, a);
        for (MeshEvent e : sync.events()) fromSync = fromSync.apply(e);
        assertSameState(c.state, fromSync);
        // an empty events list (the replica is current) survives as empty, not absent
        Frames.MeshSync empty = (Frames.MeshSync) FrameCodec.decode(FrameCodec.encode(new Frames.MeshSync(null, MESH, List.of(), null)));
        assertEquals(List.of(), empty.events());
    }

    @Test
    void snapshotSurvivesJsonAndFrames() throws Exception {
        Chain c = history();
        Identity k2 = Identity.generate();
        c.add(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(a, k2.publicKeyHex()));
        c.signer = k2;
        c.add(owner.publicKeyHex(), new EventPayload.MemberJoined(Identity.generate().publicKeyHex(), "dave", MemberEntry.MEMBER,
                Chain.T0 + 5_000_000L));
        MeshSnapshot s = sealed(c);

        String json = Json.MAPPER.writeValueAsString(s);
        JsonNode tree = Json.MAPPER.readTree(json);
        assertFalse(tree.has("canonical"), json);
        MeshSnapshot back = Json.MAPPER.readValue(json, MeshSnapshot.class);
        assertEquals(s.canonical(), back.canonical());
        assertEquals(s.members(), back.members());
        assertSameState(c.state, back.verify(MESH, a, StateRef.EMPTY));

        Frames.MeshSync sync = (Frames.MeshSync) FrameCodec.decode(FrameCodec.encode(new Frames.MeshSync("9", MESH, null, s)));
        assertNull(sync.events());
        assertSameState(c.state, sync.snapshot().verify(MESH, a, c.event(3).ref()));
        assertEquals(s.canonical(), sync.snapshot().canonical());
    }
}
