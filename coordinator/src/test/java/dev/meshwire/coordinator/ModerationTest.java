package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import org.junit.jupiter.api.Test;

class ModerationTest extends SharedCoordinator {
    @Test
    void ownerKicksByNameWith4001AndMemberMayReturn() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "mod");
        Identity bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            owner.send(new Frames.Kick("k1", "bob"));
            Frames.Ok ok = owner.await(Frames.Ok.class);
            assertEquals("k1", ok.id());
            assertEquals("kick", ok.op());
            assertEquals(bob.pubkey(), ok.target());
            assertEquals(4001, bob.awaitClose());
            assertEquals("kicked by the mesh owner", bob.closeReason());
            assertEquals("kicked", owner.await(Frames.PeerLeft.class).reason());
        }
        try (TestPeer bob = fx.peer(bobId)) {
            assertEquals("bob", bob.hello(m.id()).self().name(), "a kick keeps the membership");
        }
    }

    @Test
    void banClosesWith4002RefusesHelloUntilUnban() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "mod");
        Identity bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m)) {
            try (TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
                owner.await(Frames.PeerJoined.class);
                owner.send(new Frames.Ban("b1", bobId.publicKeyHex()));
                assertEquals("ban", owner.await(Frames.Ok.class).op());
                assertEquals(4002, bob.awaitClose());
                assertEquals("banned from mesh " + m.name() + ": contact the mesh owner", bob.closeReason());
                assertEquals("banned", bob.await(Frames.Error.class).code());
                assertEquals("banned", owner.await(Frames.PeerLeft.class).reason());
                owner.send(new Frames.ListPeers("lp"));
                assertTrue(owner.await(Frames.Peers.class).peers().stream().noneMatch(p -> p.pubkey().equals(bobId.publicKeyHex())),
                        "list_peers leaves banned keys out");
            }
            try (TestPeer bob = fx.peer(bobId)) {
                bob.send(bob.helloFrame(m.id()));
                Frames.Error e = bob.await(Frames.Error.class);
                assertEquals("banned", e.code());
                assertEquals("banned from mesh " + m.name() + ": contact the mesh owner", e.message());
                assertEquals(4002, bob.awaitClose());
            }
            try (TestPeer bob = fx.peer(bobId)) { // re-joining with an invite does not lift a ban
                bob.send(bob.joinFrame(m.invite().encode(), m.invite().inviteId(), m.id(), "bob"));
                assertEquals("banned", bob.await(Frames.Error.class).code());
                assertEquals(4002, bob.awaitClose());
            }
            owner.send(new Frames.ListBans("lb"));
            Frames.Bans bans = owner.await(Frames.Bans.class);
            assertEquals(1, bans.bans().size());
            assertEquals("bob", bans.bans().get(0).name());

            owner.send(new Frames.Unban("u1", "bob"));
            Frames.Ok ok = owner.await(Frames.Ok.class, o -> "u1".equals(o.id()));
            assertEquals(bobId.publicKeyHex(), ok.target());
        }
        try (TestPeer bob = fx.peer(bobId)) {
            assertEquals("bob", bob.hello(m.id()).self().name());
        }
    }

    @Test
    void onlyTheOwnerModeratesAndNotItself() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "mod");
        try (TestPeer owner = Meshes.owner(fx, m);
             TestPeer bob = Meshes.joined(fx, m, Identity.generate(), "bob");
             TestPeer carol = Meshes.joined(fx, m, Identity.generate(), "carol")) {
            bob.send(new Frames.Kick("k", "carol"));
            assertEquals("not_owner", bob.await(Frames.Error.class).code());
            bob.send(new Frames.Ban("b", "owner"));
            assertEquals("not_owner", bob.await(Frames.Error.class, e -> "b".equals(e.id())).code());
            owner.send(new Frames.Kick("self", "owner"));
            assertEquals("invalid_frame", owner.await(Frames.Error.class, e -> "self".equals(e.id())).code());
            owner.send(new Frames.Ban("nobody", "nobody"));
            assertEquals("unknown_recipient", owner.await(Frames.Error.class, e -> "nobody".equals(e.id())).code());
            // everyone still connected and working
            carol.send(new Frames.Ping("p"));
            assertEquals("p", carol.await(Frames.Pong.class).id());
        }
    }

    @Test
    void leaveDeletesMembership() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "mod");
        Identity bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            bob.send(new Frames.Leave("l1"));
            Frames.Ok ok = bob.await(Frames.Ok.class);
            assertEquals("leave", ok.op());
            assertEquals(1000, bob.awaitClose());
            assertEquals("left", owner.await(Frames.PeerLeft.class).reason());
            owner.send(new Frames.Leave("l2"));
            assertEquals("invalid_frame", owner.await(Frames.Error.class).code());
        }
        try (TestPeer bob = fx.peer(bobId)) {
            bob.send(bob.helloFrame(m.id()));
            assertEquals("not_member", bob.await(Frames.Error.class).code());
            assertTrue(bob.awaitClose() == 4003);
        }
    }
}
