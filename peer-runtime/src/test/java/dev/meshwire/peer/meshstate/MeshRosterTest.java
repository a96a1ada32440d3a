package dev.meshwire.peer.meshstate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.PeerException;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roster is the verified mesh state: offline members resolve by name and prefix, {@code *} is
 * every active member but self whether online or not, and banned, revoked, left and expired keys are
 * not members. Presence never adds or removes one. Real SQLite underneath.
 */
class MeshRosterTest {
    static final String MESH = "m_team";
    @TempDir
    Path tmp;
    MeshStates states;
    MeshHistory h;
    Identity me, bob, carol, dave, eve, frank, gina;
    MeshRoster roster;
    final List<String> removed = new ArrayList<>();

    @BeforeEach
    void setUp() {
        me = Identity.generate();
        bob = Identity.generate();
        carol = Identity.generate();
        dave = Identity.generate();
        eve = Identity.generate();
        frank = Identity.generate();
        gina = Identity.generate();
        h = new MeshHistory(MESH, "team", me, "me");
        h.join(bob, "bob");
        h.join(carol, "carol");
        h.join(dave, "dave");
        h.join(eve, "eve");
        h.join(frank, "frank");
        h.join(gina, "gina");
        h.add(me.publicKeyHex(), new EventPayload.MemberBanned(dave.publicKeyHex(), "dave", "spam"));
        h.add(me.publicKeyHex(), new EventPayload.MemberRevoked(eve.publicKeyHex(), "stolen key"));
        h.add(me.publicKeyHex(), new EventPayload.ExpirySet(frank.publicKeyHex(), h.clock - 1)); // already past
        h.add(gina.publicKeyHex(), new EventPayload.MemberLeft(gina.publicKeyHex()));
        h.add(me.publicKeyHex(), new EventPayload.ExpirySet(carol.publicKeyHex(), h.clock + 60_000)); // later
        states = new MeshStates(tmp.resolve("meshstate.db"), () -> h.clock,
                (r, pubkey, name, status, reason) -> removed.add(name + ":" + status));
        roster = states.open(new dev.meshwire.peer.home.MeshConfig(MESH, "team", "ws://127.0.0.1:1", "me", "owner",
                me.publicKeyHex(), 0, h.genesisAuthority.publicKeyHex()));
        assertTrue(roster.replica().onMeshSync(new Frames.MeshSync(null, MESH, h.events, null)));
        // Only bob is online; carol is an offline member.
        roster.onHelloAck(new Frames.HelloAck("1", MESH, "team", new Frames.PeerInfo(me.publicKeyHex(), "me", "owner", true, 1L, null),
                List.of(new Frames.PeerInfo(bob.publicKeyHex(), "bob", "member", true, 2L, new Frames.Capabilities(true, 1, List.of()))),
                List.of(), 0, 0, h.genesisAuthority.publicKeyHex(), h.state.head()));
    }

    @AfterEach
    void tearDown() {
        states.close();
    }

    Set<String> names(List<Frames.PeerInfo> l) {
        return l.stream().map(Frames.PeerInfo::name).collect(Collectors.toSet());
    }

    @Test
    void offlineMembersResolveByNameAndByPrefix() {
        Frames.PeerInfo c = roster.resolve("carol", PeerLookup.SEND);
        assertEquals(carol.publicKeyHex(), c.pubkey());
        assertFalse(c.online());
        assertEquals(carol.publicKeyHex(), roster.resolve(carol.publicKeyHex().substring(0, 8), PeerLookup.SEND).pubkey());
        assertEquals(carol.publicKeyHex(), roster.resolve(carol.publicKeyHex(), PeerLookup.SEND).pubkey());
        assertTrue(roster.resolve("bob", PeerLookup.SEND).online());
    }

    /**
     * One resolver for every verb: what {@code send} resolves, {@code ping} resolves the same way (the bug was
     * {@code ping ALICE} failing where {@code send ALICE} worked); only self and not-yet-known keys differ.
     */
    @Test
    void sendAndPingResolveNamesAlikeInAnyCaseAndByKeyPrefix() {
        for (PeerLookup how : List.of(PeerLookup.SEND, PeerLookup.PING, PeerLookup.other("kick"))) {
            for (String typed : List.of("carol", "CAROL", " Carol ", carol.publicKeyHex().substring(0, 8).toUpperCase(),
                    carol.publicKeyHex().substring(0, 12), carol.publicKeyHex().toUpperCase())) {
                assertEquals(carol.publicKeyHex(), roster.resolve(typed, how).pubkey(), how + " " + typed);
            }
            PeerException unknown = assertThrows(PeerException.class, () -> roster.resolve("zed", how));
            assertEquals(PeerException.UNKNOWN_PEER, unknown.code());
            assertEquals(List.of("bob", "carol"), unknown.candidates().stream().filter(n -> n.equals("bob") || n.equals("carol")).toList());
            PeerException shortPrefix = assertThrows(PeerException.class, () -> roster.resolve("abc", how));
            assertEquals(PeerException.UNKNOWN_PEER, shortPrefix.code());
        }
        PeerException pingSelf = assertThrows(PeerException.class, () -> roster.resolve("ME", PeerLookup.PING));
        assertEquals(PeerException.BAD_REQUEST, pingSelf.code());
        assertTrue(pingSelf.getMessage().contains("refusing to ping yourself"), pingSelf.getMessage());
        PeerException sendSelf = assertThrows(PeerException.class, () -> roster.resolve(me.publicKeyHex(), PeerLookup.SEND));
        assertEquals(PeerException.SELF_SEND, sendSelf.code());
        // A full key the state does not know yet: a send may try it (the coordinator decides), a ping may not.
        String stranger = Identity.generate().publicKeyHex();
        assertEquals(stranger, roster.resolve(stranger.toUpperCase(), PeerLookup.SEND).pubkey());
        assertEquals(PeerException.UNKNOWN_PEER, assertThrows(PeerException.class, () -> roster.resolve(stranger, PeerLookup.PING)).code());
        // A known but banned full key is refused by both, with its status.
        for (PeerLookup how : List.of(PeerLookup.SEND, PeerLookup.PING)) {
            PeerException banned = assertThrows(PeerException.class, () -> roster.resolve(dave.publicKeyHex(), how));
            assertTrue(banned.getMessage().contains("banned"), banned.getMessage());
        }
    }

    @Test
    void namesThatDifferOnlyInCaseAreAmbiguousUnlessTypedExactly() {
        Identity bob2 = Identity.generate();
        assertTrue(roster.replica().onSystem(new Frames.SystemEvent(MESH, h.join(bob2, "Bob"))));
        assertEquals(bob.publicKeyHex(), roster.resolve("bob", PeerLookup.PING).pubkey(), "an exact name wins");
        assertEquals(bob2.publicKeyHex(), roster.resolve("Bob", PeerLookup.PING).pubkey());
        for (PeerLookup how : List.of(PeerLookup.SEND, PeerLookup.PING)) {
            PeerException e = assertThrows(PeerException.class, () -> roster.resolve("BOB", how));
            assertEquals(PeerException.AMBIGUOUS_PEER, e.code());
            assertEquals(2, e.candidates().size(), e.candidates().toString());
            assertTrue(e.getMessage().contains("bob (" + bob.publicKeyHex().substring(0, 12) + ")")
                    && e.getMessage().contains("Bob (" + bob2.publicKeyHex().substring(0, 12) + ")"), "lists the candidates: " + e.getMessage());
        }
    }

    @Test
    void starIsEveryActiveMemberButSelfOnlineOrNot() {
        assertEquals(Set.of("bob", "carol"), names(roster.everyone()));
    }

    @Test
    void bannedRevokedExpiredAndLeftKeysAreNotMembers() {
        for (String who : List.of("dave", "eve", "frank", "gina")) {
            PeerException e = assertThrows(PeerException.class, () -> roster.resolve(who, PeerLookup.SEND), who);
            assertEquals(PeerException.UNKNOWN_PEER, e.code());
        }
        PeerException byPrefix = assertThrows(PeerException.class, () -> roster.resolve(eve.publicKeyHex().substring(0, 10), PeerLookup.SEND));
        assertTrue(byPrefix.getMessage().contains("'eve'") && byPrefix.getMessage().contains("is revoked")
                && byPrefix.getMessage().contains("stolen key"), "says why: " + byPrefix.getMessage());
        PeerException nobody = assertThrows(PeerException.class, () -> roster.resolve("zed", PeerLookup.SEND));
        assertTrue(nobody.getMessage().contains("members: bob, carol"), "offline members are suggested too: " + nobody.getMessage());
        assertFalse(roster.isActive(dave.publicKeyHex()));
        assertFalse(roster.isActive(eve.publicKeyHex()));
        assertFalse(roster.isActive(frank.publicKeyHex()));
        assertFalse(roster.isActive(gina.publicKeyHex()));
        // Presence cannot bring a refused key back: the coordinator says dave is online, he still is no member.
        roster.peerJoined(new Frames.PeerInfo(dave.publicKeyHex(), "dave", "member", true, 3L, null));
        assertFalse(roster.isActive(dave.publicKeyHex()));
        assertEquals(Set.of("bob", "carol"), names(roster.everyone()));
        assertEquals(null, roster.peer(dave.publicKeyHex()));
    }

    @Test
    void membersListsEveryKnownKeyWithStatusAndPresence() {
        List<Member> all = roster.members();
        assertEquals("me", all.get(0).name());
        assertTrue(all.get(0).self());
        var byName = all.stream().collect(Collectors.toMap(m -> m.name(), m -> m));
        assertEquals("active", byName.get("bob").status());
        assertTrue(byName.get("bob").online());
        assertEquals("active", byName.get("carol").status());
        assertFalse(byName.get("carol").online());
        assertTrue(byName.get("carol").expiresAt() > h.clock, "carol expires later");
        assertEquals("banned", byName.get("dave").status());
        assertEquals("spam", byName.get("dave").reason());
        assertEquals("revoked", byName.get("eve").status());
        assertEquals(Member.EXPIRED, byName.get("frank").status());
        assertFalse(byName.containsKey("gina"), "a member who left is gone");
    }

    @Test
    void expiryIsEnforcedByTheClockAndAnAppliedRevocationIsReported() {
        assertTrue(roster.isActive(carol.publicKeyHex()));
        h.clock += 61_000; // carol's expiry passes
        assertFalse(roster.isActive(carol.publicKeyHex()), "every check asks activeAt(now)");
        roster.tick();
        assertEquals(List.of("carol:expired"), removed, "the periodic check reports it once");
        roster.tick();
        assertEquals(1, removed.size());
        assertTrue(roster.replica().onSystem(new Frames.SystemEvent(MESH,
                h.add(me.publicKeyHex(), new EventPayload.MemberRevoked(bob.publicKeyHex(), "compromised")))));
        assertEquals(List.of("carol:expired", "bob:revoked"), removed);
        assertEquals(null, roster.peer(bob.publicKeyHex()));
        assertThrows(PeerException.class, () -> roster.everyone(), "nobody else is active any more");
    }

    @Test
    void theRosterSurvivesARestartWhileEveryoneIsOffline() {
        states.close();
        states = new MeshStates(tmp.resolve("meshstate.db"), () -> h.clock, null);
        MeshRoster again = states.open(new dev.meshwire.peer.home.MeshConfig(MESH, "team", "ws://127.0.0.1:1", "me", "owner",
                me.publicKeyHex(), 0, h.genesisAuthority.publicKeyHex()));
        assertFalse(again.replica().current());
        assertEquals(carol.publicKeyHex(), again.resolve("carol", PeerLookup.SEND).pubkey());
        assertEquals(carol.publicKeyHex(), again.resolve(carol.publicKeyHex().substring(0, 9), PeerLookup.SEND).pubkey());
        assertEquals(Set.of("bob", "carol"), names(again.everyone()));
        assertEquals(0, again.onlineCount());
    }
}
