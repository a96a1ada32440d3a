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
        Frames.PeerInfo c = roster.resolveOne("carol", true);
        assertEquals(carol.publicKeyHex(), c.pubkey());
        assertFalse(c.online());
        assertEquals(carol.publicKeyHex(), roster.resolveOne(carol.publicKeyHex().substring(0, 8), true).pubkey());
        assertEquals(carol.publicKeyHex(), roster.resolveOne(carol.publicKeyHex(), true).pubkey());
        assertTrue(roster.resolveOne("bob", true).online());
    }

    @Test
    void starIsEveryActiveMemberButSelfOnlineOrNot() {
        assertEquals(Set.of("bob", "carol"), names(roster.everyone()));
    }

    @Test
    void bannedRevokedExpiredAndLeftKeysAreNotMembers() {
        for (String who : List.of("dave", "eve", "frank", "gina")) {
            PeerException e = assertThrows(PeerException.class, () -> roster.resolveOne(who, true), who);
            assertEquals(PeerException.UNKNOWN_PEER, e.code());
        }
        PeerException byPrefix = assertThrows(PeerException.class, () -> roster.resolveOne(eve.publicKeyHex().substring(0, 10), true));
        assertTrue(byPrefix.getMessage().contains("'eve'") && byPrefix.getMessage().contains("is revoked")
                && byPrefix.getMessage().contains("stolen key"), "says why: " + byPrefix.getMessage());
        PeerException nobody = assertThrows(PeerException.class, () -> roster.resolveOne("zed", true));
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
        assertEquals(carol.publicKeyHex(), again.resolveOne("carol", true).pubkey());
        assertEquals(carol.publicKeyHex(), again.resolveOne(carol.publicKeyHex().substring(0, 9), true).pubkey());
        assertEquals(Set.of("bob", "carol"), names(again.everyone()));
        assertEquals(0, again.onlineCount());
    }
}
