package dev.meshwire.peer.meshstate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshSnapshot;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.StateRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's replica against hostile input, on a real SQLite file. Every refusal must leave the
 * replica exactly as it was — the state in memory and the rows on disk — log one line naming the
 * reason, and ask for a resync with the replica's head; nothing is ever applied silently.
 */
class MeshReplicaTest {
    static final String MESH = "m_team";
    @TempDir
    Path tmp;
    MeshStateStore store;
    MeshHistory h;
    Identity owner;
    Identity alice;
    MeshReplica replica;
    final List<StateRef> resyncs = new ArrayList<>();

    @BeforeEach
    void setUp() {
        owner = Identity.generate();
        alice = Identity.generate();
        h = new MeshHistory(MESH, "team", owner, "owner");
        h.join(alice, "alice");
        store = new MeshStateStore(tmp.resolve("meshstate.db"));
        replica = open();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    MeshReplica open() {
        MeshReplica r = MeshReplica.load(MESH, "team", h.genesisAuthority.publicKeyHex(), store, () -> h.clock);
        r.onResync(resyncs::add);
        return r;
    }

    boolean sync(List<MeshEvent> events) {
        return replica.onMeshSync(new Frames.MeshSync(null, MESH, events, null));
    }

    boolean sync(MeshSnapshot snap) {
        return replica.onMeshSync(new Frames.MeshSync(null, MESH, null, snap));
    }

    boolean push(MeshEvent e) {
        return replica.onSystem(new Frames.SystemEvent(MESH, e));
    }

    /** Runs a hostile step and checks the refusal: line, counter, resync, replica and rows unchanged. */
    void assertRefused(String code, java.util.function.BooleanSupplier step) {
        assertTrue(sync(List.of()) || replica.current(), "replica is current before the hostile input");
        StateRef head = replica.head();
        MeshState before = replica.state();
        List<String> rows = store.events(MESH).stream().map(MeshEvent::hash).toList();
        long refusals = replica.refusals();
        int asked = resyncs.size();

        assertFalse(step.getAsBoolean(), "hostile input must be refused");

        assertEquals(refusals + 1, replica.refusals());
        String line = replica.lastRefusal();
        assertNotNull(line);
        assertTrue(line.startsWith("mesh team: refused ") && line.contains("(" + code + "): ") && line.endsWith("; resyncing"),
                "log line names the reason: " + line);
        assertEquals(asked + 1, resyncs.size(), "a state_sync is requested");
        assertEquals(head, resyncs.get(resyncs.size() - 1), "state_sync names the head the replica holds");
        assertFalse(replica.current(), "not current until the resync answer applies");
        assertEquals(head, replica.head());
        assertTrue(before == replica.state(), "the state object is untouched");
        assertEquals(rows, store.events(MESH).stream().map(MeshEvent::hash).toList(), "stored rows untouched");
        // A reload from disk verifies to the same head: the file was not corrupted either.
        assertEquals(head, open().head());
    }

    @Test
    void appliesAVerifiedHistoryAndSurvivesARestart() {
        assertNull(replica.helloState(), "hello carries no state before anything is held");
        assertTrue(sync(h.events));
        assertTrue(replica.current());
        assertTrue(replica.verified());
        assertEquals(h.state.head(), replica.head());
        assertEquals(3, store.count(MESH));

        store.close();
        store = new MeshStateStore(tmp.resolve("meshstate.db"));
        MeshReplica again = open();
        assertEquals(h.state.head(), again.head(), "rebuilt and re-verified from SQLite");
        assertEquals(h.state.head(), again.helloState());
        assertFalse(again.current(), "a restarted replica is not current until the coordinator's mesh_sync");
        assertTrue(again.state().isActive(alice.publicKeyHex(), h.clock));
    }

    @Test
    void forgedSignatureIsRefused() {
        sync(h.events);
        Identity forger = Identity.generate();
        MeshEvent forged = MeshEvent.seal(forger, MESH, replica.head(), h.clock + 1, forger.publicKeyHex(),
                new EventPayload.MemberJoined(forger.publicKeyHex(), "mallory", "admin", null));
        assertRefused("bad_signature", () -> push(forged));
        assertTrue(replica.state().entry(forger.publicKeyHex()).isEmpty());
    }

    @Test
    void replayedOldEventIsRefusedButAnExactReplayIsIgnoredQuietly() {
        sync(h.events);
        // The same event again (a duplicate push): ignored, no refusal, no resync.
        int asked = resyncs.size();
        assertTrue(push(h.events.get(1)));
        assertEquals(0, replica.refusals());
        assertEquals(asked, resyncs.size());
        assertTrue(replica.current());
        // An old version with other content (validly signed, e.g. from a discarded history): refused.
        MeshEvent other = MeshEvent.seal(h.authority, MESH, h.events.get(0).ref(), h.clock + 5, owner.publicKeyHex(),
                new EventPayload.MemberJoined(owner.publicKeyHex(), "someone-else", "owner", null));
        assertRefused("replay", () -> push(other));
    }

    @Test
    void versionGapIsRefused() {
        sync(h.events);
        Identity bob = Identity.generate();
        Identity carol = Identity.generate();
        h.join(bob, "bob");
        MeshEvent v5 = h.join(carol, "carol");
        assertRefused("version_gap", () -> push(v5));
        assertTrue(replica.state().entry(carol.publicKeyHex()).isEmpty());
        // The resync answer (the missing events) then applies.
        assertTrue(sync(h.from(3)));
        assertEquals(5, replica.version());
        assertTrue(replica.current());
    }

    @Test
    void eventOfAnotherMeshIsRefused() {
        sync(h.events);
        MeshHistory other = new MeshHistory("m_other", "other", owner, "owner");
        // Same authority key, same version, but another mesh id: the signature covers the mesh id.
        MeshEvent e = MeshEvent.seal(h.authority, "m_other", replica.head(), h.clock + 1, owner.publicKeyHex(),
                new EventPayload.MemberRevoked(alice.publicKeyHex(), "cross-mesh"));
        assertRefused("wrong_mesh", () -> push(e));
        assertRefused("wrong_mesh", () -> replica.onMeshSync(new Frames.MeshSync(null, "m_other", other.events, null)));
        assertTrue(replica.state().isActive(alice.publicKeyHex(), h.clock));
    }

    @Test
    void rewrittenHistoryIsRefused() {
        sync(h.events);
        // Validly signed by the authority, next version, but chained to a different v3: a fork.
        MeshEvent fork = MeshEvent.seal(h.authority, MESH, new StateRef(3, "ab".repeat(32)), h.clock + 1, owner.publicKeyHex(),
                new EventPayload.MemberRevoked(alice.publicKeyHex(), "forked"));
        assertRefused("chain_broken", () -> push(fork));
        assertTrue(replica.state().isActive(alice.publicKeyHex(), h.clock));
    }

    @Test
    void aBatchWithOneBadEventAppliesNothing() {
        sync(h.events.subList(0, 2));
        Identity forger = Identity.generate();
        MeshEvent good = h.events.get(2);
        MeshEvent bad = MeshEvent.seal(forger, MESH, good.ref(), h.clock + 1, forger.publicKeyHex(),
                new EventPayload.MemberJoined(forger.publicKeyHex(), "mallory", "member", null));
        assertRefused("bad_signature", () -> sync(List.of(good, bad)));
        assertEquals(2, replica.version(), "the good event before the bad one is not applied either");
        assertEquals(2, store.count(MESH));
    }

    @Test
    void snapshotWithAWrongHeadIsRefused() {
        sync(h.events);
        MeshEvent v3 = h.head();
        h.join(Identity.generate(), "bob");
        h.join(Identity.generate(), "carol");
        // The state is v5 but the snapshot's head event is v3: its hash is not the signed head.
        MeshSnapshot wrong = MeshSnapshot.seal(h.authority, h.state, v3, h.rotations, h.clock + 1);
        assertRefused("wrong_head", () -> sync(wrong));
        assertEquals(3, replica.version());
    }

    @Test
    void snapshotOlderThanTheReplicaIsRefused() {
        MeshSnapshot old = h.snapshot(); // v3
        Identity bob = Identity.generate();
        h.add(owner.publicKeyHex(), new EventPayload.MemberRevoked(alice.publicKeyHex(), "gone"));
        h.join(bob, "bob");
        sync(h.events); // v5: alice revoked
        assertRefused("wrong_head", () -> sync(old));
        assertEquals(MemberEntry.REVOKED, replica.state().entry(alice.publicKeyHex()).orElseThrow().status(),
                "an old snapshot cannot roll a revocation back");
    }

    @Test
    void snapshotSignedByAnUnknownKeyIsRefused() {
        sync(h.events);
        // A whole other history under another authority key, presented as this mesh.
        Identity rogue = Identity.generate();
        MeshState fake = MeshState.empty(MESH, rogue.publicKeyHex());
        MeshEvent g = MeshEvent.seal(rogue, MESH, fake.head(), 1, MeshEvent.COORDINATOR,
                new EventPayload.MeshCreated("team", owner.publicKeyHex(), rogue.publicKeyHex()));
        fake = fake.apply(g);
        List<MeshEvent> fakeEvents = new ArrayList<>(List.of(g));
        for (int i = 0; i < 4; i++) {
            Identity m = Identity.generate();
            MeshEvent e = MeshEvent.seal(rogue, MESH, fake.head(), 2 + i, m.publicKeyHex(),
                    new EventPayload.MemberJoined(m.publicKeyHex(), "m" + i, "admin", null));
            fake = fake.apply(e);
            fakeEvents.add(e);
        }
        MeshSnapshot rogueSnap = MeshSnapshot.seal(rogue, fake, fakeEvents.get(fakeEvents.size() - 1), List.of(), 10);
        assertRefused("unknown_authority", () -> sync(rogueSnap));
        // The same state signed with the real key's name on it but by the rogue key: bad signature.
        MeshSnapshot real = h.snapshot();
        MeshSnapshot resigned = new MeshSnapshot(real.mesh(), real.name(), real.version(), real.head(), real.authority(), real.at(),
                real.members(), real.headEvent(), real.rotations(), rogue.signHex(real.canonical()));
        assertRefused("bad_signature", () -> sync(resigned));
    }

    @Test
    void rotationSignedByThePinnedKeyIsFollowedAndAKeyChangeWithoutOneIsRefused() {
        sync(h.events);
        Identity before = h.authority;
        MeshEvent rot = h.rotate();
        assertTrue(push(rot), "a rotation signed by the pinned key is accepted");
        assertEquals(h.authority.publicKeyHex(), replica.authority());
        assertEquals(before.publicKeyHex(), replica.pinnedAuthority(), "the pin stays the trust anchor");
        Identity bob = Identity.generate();
        assertTrue(push(h.join(bob, "bob")), "events signed by the new key are accepted");

        // A key change no rotation announced: events signed by an unknown key are refused...
        Identity rogue = Identity.generate();
        MeshEvent sneaky = MeshEvent.seal(rogue, MESH, replica.head(), h.clock + 1, MeshEvent.COORDINATOR,
                new EventPayload.AuthorityRotated(h.authority.publicKeyHex(), rogue.publicKeyHex()));
        assertRefused("bad_signature", () -> push(sneaky));
        // ...and a rotation from a key that is not the current authority is refused even if self-signed consistently.
        MeshEvent fromOld = MeshEvent.seal(h.authority, MESH, replica.head(), h.clock + 2, MeshEvent.COORDINATOR,
                new EventPayload.AuthorityRotated(rogue.publicKeyHex(), Identity.generate().publicKeyHex()));
        assertRefused("unknown_authority", () -> push(fromOld));

        // After a restart the history re-verifies from the pinned key through the rotation.
        assertEquals(replica.head(), open().head());
        assertEquals(h.authority.publicKeyHex(), open().authority());
    }

    @Test
    void snapshotWithRotationsInstallsAndSurvivesARestart() {
        sync(h.events.subList(0, 1)); // far behind: v1
        h.rotate();
        for (int i = 0; i < 5; i++) h.join(Identity.generate(), "m" + i);
        h.add(owner.publicKeyHex(), new EventPayload.MemberRevoked(alice.publicKeyHex(), "lost laptop"));
        MeshSnapshot snap = h.snapshot();
        assertTrue(sync(snap));
        assertTrue(replica.current());
        assertEquals(h.state.head(), replica.head());
        assertEquals(MemberEntry.REVOKED, replica.state().entry(alice.publicKeyHex()).orElseThrow().status());
        // Then a pushed event applies on top of the snapshot.
        Identity late = Identity.generate();
        assertTrue(push(h.join(late, "late")));

        store.close();
        store = new MeshStateStore(tmp.resolve("meshstate.db"));
        MeshReplica again = open();
        assertEquals(h.state.head(), again.head(), "snapshot base + later events re-verify at start");
        assertTrue(again.state().isActive(late.publicKeyHex(), h.clock));
        assertFalse(again.state().isActive(alice.publicKeyHex(), h.clock));
        List<Long> versions = store.events(MESH).stream().map(MeshEvent::version).toList();
        assertEquals(List.of(h.state.version() - 1, h.state.version()), versions,
                "the log keeps what provably chains to the snapshot: its head event and the one after (v1 cannot be linked)");
    }

    @Test
    void aDifferentHistoryIsReplacedBySnapshotOnlyWhenSigned() {
        sync(h.events);
        // The coordinator's answer to a fork: a signed snapshot at the same version with another head.
        MeshHistory h2 = h; // same authority; build the alternative v3 from v2
        MeshState v2 = MeshState.empty(MESH, h.genesisAuthority.publicKeyHex()).apply(h.events.get(0)).apply(h.events.get(1));
        Identity carol = Identity.generate();
        MeshEvent alt = MeshEvent.seal(h2.genesisAuthority, MESH, v2.head(), h.clock + 1, carol.publicKeyHex(),
                new EventPayload.MemberJoined(carol.publicKeyHex(), "carol", "member", null));
        MeshState altState = v2.apply(alt);
        assertTrue(sync(MeshSnapshot.seal(h.genesisAuthority, altState, alt, List.of(), h.clock + 2)));
        assertEquals(alt.ref(), replica.head());
        assertTrue(replica.state().isActive(carol.publicKeyHex(), h.clock));
        assertFalse(replica.state().isActive(alice.publicKeyHex(), h.clock));
        assertEquals(List.of(1L, 2L, 3L), store.events(MESH).stream().map(MeshEvent::version).toList());
        assertEquals(alt.hash(), store.hashAt(MESH, 3), "the discarded v3 is gone from the log");
    }

    @Test
    void withoutAPinnedKeyNothingIsApplied() {
        MeshReplica unpinned = MeshReplica.load("m_x", "x", null, store, () -> h.clock);
        assertFalse(unpinned.onMeshSync(new Frames.MeshSync(null, "m_x", List.of(), null)));
        assertFalse(unpinned.current());
        assertNull(unpinned.state());
        assertTrue(unpinned.pinIfAbsent(h.genesisAuthority.publicKeyHex()));
        assertFalse(unpinned.pinIfAbsent(Identity.generate().publicKeyHex()), "a pin is never replaced");
    }

    @Test
    void trustOnFirstUsePinsTheGenesisKeyEvenAfterARotation() {
        MeshEvent rotation = h.rotate();
        h.join(Identity.generate(), "dave");
        String genesis = h.genesisAuthority.publicKeyHex();
        assertNotEquals(genesis, h.authority.publicKeyHex());
        Frames.MeshSync allEvents = new Frames.MeshSync(null, MESH, h.events, null);
        assertEquals(genesis, MeshReplica.firstAuthority(allEvents), "from the mesh_created event");
        assertEquals(genesis, MeshReplica.firstAuthority(new Frames.MeshSync(null, MESH, null, h.snapshot())),
                "from the snapshot's first rotation");
        assertNull(MeshReplica.firstAuthority(new Frames.MeshSync(null, MESH, h.from(3), null)), "no genesis, nothing to pin");

        MeshReplica tofu = MeshReplica.load(MESH, "team", null, store, () -> h.clock);
        assertTrue(tofu.pinIfAbsent(MeshReplica.firstAuthority(allEvents)));
        assertTrue(tofu.onMeshSync(allEvents), "the whole history verifies from the genesis key, across the rotation");
        assertEquals(h.head().ref(), tofu.head());
        assertEquals(h.authority.publicKeyHex(), tofu.authority());
        assertNotNull(rotation);
    }
}
