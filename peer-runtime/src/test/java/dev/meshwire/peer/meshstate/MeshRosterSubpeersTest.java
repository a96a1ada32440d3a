package dev.meshwire.peer.meshstate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.PeerException;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.subpeer.SubpeerSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sub-peers in the roster (docs/protocol.md §6.5), on a verified replica in real SQLite: a statement of an active
 * livekit service makes {@code lk:alice} addressable through that service (the one resolver); a name two services front
 * is ambiguous; statements of a service that may not front, forged or for another mesh are ignored; revoking the
 * service removes its sub-peers; listeners hear joins and leaves with the service's name.
 */
class MeshRosterSubpeersTest {
    static final String MESH = "m_team";
    @TempDir
    Path tmp;
    MeshStates states;
    MeshHistory h;
    Identity me = Identity.generate(), bob = Identity.generate(), lk1 = Identity.generate(), lk2 = Identity.generate(), hook = Identity.generate();
    MeshRoster roster;
    final List<String> heard = new ArrayList<>();
    long seq = 1;

    @BeforeEach
    void setUp() {
        h = new MeshHistory(MESH, "team", me, "me");
        h.join(bob, "bob");
        register(bob, "room1", lk1, "livekit-room", "dm:read,dm:write");
        register(bob, "room2", lk2, "livekit-room", "dm:read");
        register(bob, "hook", hook, "webhook", "dm:read");
        states = new MeshStates(tmp.resolve("meshstate.db"), () -> h.clock, null);
        states.onSubpeerChange((r, service, name, joined, left, why) -> heard.add(name + " +" + joined + " -" + left + (why == null ? "" : " " + why)));
        roster = states.open(new dev.meshwire.peer.home.MeshConfig(MESH, "team", "ws://127.0.0.1:1", "me", "owner",
                me.publicKeyHex(), 0, h.genesisAuthority.publicKeyHex()));
        assertTrue(roster.replica().onMeshSync(new Frames.MeshSync(null, MESH, h.events, null)));
        roster.onHelloAck(new Frames.HelloAck("1", MESH, "team", new Frames.PeerInfo(me.publicKeyHex(), "me", "owner", true, 1L, null),
                List.of(service(lk1), service(lk2), service(hook)), List.of(), 0, 0, h.genesisAuthority.publicKeyHex(), h.state.head()));
    }

    @AfterEach
    void tearDown() {
        states.close();
    }

    void register(Identity owner, String id, Identity key, String type, String scopes) {
        ServiceAttestation a = ServiceAttestation.sign(owner, MESH, id, key.publicKeyHex(), type, scopes, h.clock + 86_400_000L, "livekit", null);
        h.add(owner.publicKeyHex(), EventPayload.ServiceRegistered.of(a));
    }

    Frames.PeerInfo service(Identity key) {
        return new Frames.PeerInfo(key.publicKeyHex(), null, "member", true, 5L, null, bob.publicKeyHex(), null);
    }

    Frames.Subpeers statement(Identity key, String mesh, String... names) {
        SubpeerSet s = SubpeerSet.sign(key, mesh, seq++, List.of(names));
        return new Frames.Subpeers(MESH, key.publicKeyHex(), s.seq(), s.names(), s.signature(), null);
    }

    @Test
    void aSubpeerResolvesToItsServiceAndIsAmbiguousWhenTwoFrontIt() {
        roster.onSubpeers(statement(lk1, MESH, "lk:alice", "lk:dave"));
        MeshRoster.Address a = roster.resolveAddress("lk:alice", PeerLookup.SEND);
        assertEquals(lk1.publicKeyHex(), a.peer().pubkey());
        assertEquals("bob/room1", a.peer().name());
        assertEquals("lk:alice", a.subpeer());
        assertEquals(List.of("bob/room1 +[lk:alice, lk:dave] -[]"), heard);
        // Ordinary names still resolve as before, with no sub-peer.
        assertNull(roster.resolveAddress("bob", PeerLookup.SEND).subpeer());

        roster.onSubpeers(statement(lk2, MESH, "lk:alice"));
        PeerException amb = assertThrows(PeerException.class, () -> roster.resolveAddress("lk:alice", PeerLookup.SEND));
        assertEquals(PeerException.AMBIGUOUS_PEER, amb.code());
        assertTrue(amb.getMessage().contains("bob/room1, bob/room2"), amb.getMessage());
        assertEquals(lk1.publicKeyHex(), roster.resolveAddress("lk:dave", PeerLookup.SEND).peer().pubkey());
        assertThrows(PeerException.class, () -> roster.resolveAddress("lk:nobody", PeerLookup.SEND));
    }

    @Test
    void statementsThatMayNotCountAreIgnored() {
        roster.onSubpeers(statement(hook, MESH, "lk:x"));          // a webhook service may not front
        roster.onSubpeers(statement(lk1, "m_other", "lk:y"));      // signed for another mesh
        Frames.Subpeers good = statement(lk1, MESH, "lk:z");
        roster.onSubpeers(new Frames.Subpeers(MESH, lk1.publicKeyHex(), good.seq(), List.of("lk:w"), good.signature(), null)); // altered
        assertEquals(List.of(), roster.subpeers());
        assertEquals(List.of(), heard);
    }

    @Test
    void theServiceLeavingOrBeingRevokedTakesItsSubpeers() {
        roster.onSubpeers(statement(lk1, MESH, "lk:alice"));
        roster.peerLeft(lk1.publicKeyHex(), "disconnected");
        assertEquals("bob/room1 +[] -[lk:alice] disconnected", heard.get(1));
        assertEquals(1, roster.subpeers().size(), "still listed, offline");
        assertTrue(!roster.subpeers().get(0).online());

        h.add(bob.publicKeyHex(), new EventPayload.MemberRevoked(lk1.publicKeyHex(), "done"));
        assertTrue(roster.replica().onMeshSync(new Frames.MeshSync(null, MESH, h.from(roster.replica().version()), null)));
        assertEquals(List.of(), roster.subpeers(), "a revoked service fronts nobody");
        assertThrows(PeerException.class, () -> roster.resolveAddress("lk:alice", PeerLookup.SEND));
    }
}
