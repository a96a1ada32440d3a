package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.invite.Invite;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HandshakeTest extends SharedCoordinator {
    static final AtomicInteger seq = new AtomicInteger();

    record Mesh(String id, String name, Identity owner) {}

    static Mesh mesh() throws Exception {
        Identity owner = Identity.generate();
        String name = "hs-" + seq.incrementAndGet();
        return new Mesh(fx.createMesh(owner, name, "owner"), name, owner);
    }

    Invite invite(Mesh m, Identity issuer, long ttlMs, int maxUses) {
        return Invite.create(issuer, fx.coordinator.publicUrl(), m.id(), m.name(), System.currentTimeMillis() + ttlMs, maxUses);
    }

    Frames.HelloAck join(TestPeer p, Invite inv, String name) throws InterruptedException {
        p.send(p.joinFrame(inv.encode(), inv.inviteId(), inv.mesh(), name));
        return p.awaitAckOrFail();
    }

    @Test
    void challengeThenHelloByMember() throws Exception {
        Mesh m = mesh();
        try (TestPeer owner = fx.peer(m.owner())) {
            assertEquals(64, owner.nonce().length());
            Frames.HelloAck ack = owner.hello(m.id());
            assertEquals("h1", ack.id());
            assertEquals(m.id(), ack.mesh());
            assertEquals(m.name(), ack.meshName());
            assertEquals(m.owner().publicKeyHex(), ack.self().pubkey());
            assertEquals("owner", ack.self().name());
            assertEquals("owner", ack.self().role());
            assertTrue(ack.self().online());
            assertEquals(List.of(), ack.peers());
            assertEquals(List.of(), ack.iceServers(), "STUN disabled in this fixture");
            assertEquals(1024 * 1024, ack.maxFrameBytes());
            assertEquals(30_000, ack.pingIntervalMs());
        }
    }

    @Test
    void nonMemberIsRefusedWith4003() throws Exception {
        Mesh m = mesh();
        try (TestPeer stranger = fx.peer()) {
            stranger.send(stranger.helloFrame(m.id()));
            Frames.Error e = stranger.await(Frames.Error.class);
            assertEquals("not_member", e.code());
            assertEquals("h1", e.id());
            assertEquals(4003, stranger.awaitClose());
            assertTrue(stranger.closeReason().contains("not a member"), stranger.closeReason());
        }
    }

    @Test
    void badHelloSignatureIsRefused() throws Exception {
        Mesh m = mesh();
        try (TestPeer owner = fx.peer(m.owner())) {
            // signed over the wrong nonce
            owner.send(new Frames.Hello("h1", m.id(), owner.pubkey(), null,
                    owner.identity.signHex(Canonical.hello(m.id(), owner.pubkey(), "00".repeat(32)))));
            assertEquals("bad_signature", owner.await(Frames.Error.class).code());
            assertEquals(4003, owner.awaitClose());
        }
    }

    @Test
    void unknownMeshAndNonHelloFirstFrame() throws Exception {
        try (TestPeer p = fx.peer()) {
            p.send(p.helloFrame("m_0000000000000000"));
            assertEquals("unknown_mesh", p.await(Frames.Error.class).code());
            assertEquals(4003, p.awaitClose());
        }
        try (TestPeer p = fx.peer()) {
            p.send(new Frames.ListPeers("x"));
            Frames.Error e = p.await(Frames.Error.class);
            assertEquals("not_authenticated", e.code());
            assertEquals("x", e.id());
            assertEquals(4010, p.awaitClose());
        }
    }

    /** Before hello, a frame type the coordinator does not know is answered like any other non-hello frame. */
    @Test
    void unknownFirstFrameIsNotAuthenticated() throws Exception {
        try (TestPeer p = fx.peer()) {
            p.sendRaw("{\"type\":\"teleport\",\"id\":\"t1\"}");
            Frames.Error e = p.await(Frames.Error.class);
            assertEquals("not_authenticated", e.code());
            assertEquals("t1", e.id());
            assertEquals("the first frame must be hello, join or session_hello, got an unknown frame type 'teleport'", e.message());
            assertEquals(4010, p.awaitClose());
        }
    }

    /** The hello as JSON with {@code capabilities} replaced by {@code capsJson} (raw JSON text). */
    private static String helloWithCapabilities(TestPeer p, String meshId, String capsJson) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode hello = (com.fasterxml.jackson.databind.node.ObjectNode)
                dev.meshwire.signaling.Json.MAPPER.readTree(dev.meshwire.signaling.frame.FrameCodec.encode(p.helloFrame(meshId)));
        hello.set("capabilities", dev.meshwire.signaling.Json.MAPPER.readTree(capsJson));
        return dev.meshwire.signaling.Json.MAPPER.writeValueAsString(hello);
    }

    /**
     * docs/p2p.md's minimal capabilities are accepted, absent fields take their documented defaults (others see the
     * coordinator's frame limit as {@code maxMessageBytes}), and ill-typed ones are refused in the codec's own words,
     * never a library's.
     */
    @Test
    void capabilitiesFieldsAreOptionalAndGarbageIsRefusedInPlainWords() throws Exception {
        Mesh m = mesh();
        Identity bobId = Identity.generate();
        try (TestPeer owner = fx.peer(m.owner())) {
            owner.hello(m.id());
            Invite inv = invite(m, m.owner(), 60_000, 5);
            try (TestPeer bob = fx.peer(bobId)) {
                join(bob, inv, "bob");
            }
        }
        for (String minimal : List.of("{\"p2p\":true,\"features\":[\"p2p\"]}", "{\"p2p\":true}", "{}",
                "{\"p2p\":true,\"maxMessageBytes\":null,\"features\":null}")) {
            try (TestPeer owner = fx.peer(m.owner()); TestPeer bob = fx.peer(bobId)) {
                owner.hello(m.id());
                bob.sendRaw(helloWithCapabilities(bob, m.id(), minimal));
                Frames.HelloAck ack = bob.awaitAckOrFail();
                Frames.Capabilities caps = ack.self().capabilities();
                assertEquals(minimal.contains("true"), caps.p2p(), minimal);
                assertEquals(1024 * 1024, caps.maxMessageBytes(), "not stated: the coordinator's maxFrameBytes; " + minimal);
                assertEquals(minimal.contains("features\":[") ? List.of("p2p") : List.of(), caps.features(), minimal);
                Frames.PeerJoined seen = owner.await(Frames.PeerJoined.class);
                assertEquals(caps, seen.peer().capabilities(), "others see the same capabilities");
            }
        }
        java.util.Map<String, String> garbage = java.util.Map.of(
                "\"lots\"", "hello: field 'capabilities' must be an object",
                "{\"p2p\":\"yes\"}", "hello: field 'capabilities.p2p' must be a boolean (true or false)",
                "{\"maxMessageBytes\":\"big\"}", "hello: field 'capabilities.maxMessageBytes' must be an integer",
                "{\"maxMessageBytes\":1.5}", "hello: field 'capabilities.maxMessageBytes' must be an integer",
                "{\"features\":[null]}", "hello: field 'capabilities.features[0]' must not be null",
                "{\"features\":\"p2p\"}", "hello: field 'capabilities.features' must be an array");
        for (var g : garbage.entrySet()) {
            try (TestPeer bob = fx.peer(bobId)) {
                bob.sendRaw(helloWithCapabilities(bob, m.id(), g.getKey()));
                Frames.Error e = bob.await(Frames.Error.class);
                assertEquals("invalid_frame", e.code(), g.getKey());
                assertEquals(g.getValue(), e.message(), g.getKey());
                for (String library : List.of("Cannot", "`", "jackson", "Exception", "MismatchedInput", "[Source")) {
                    assertFalse(e.message().contains(library), "library text in: " + e.message());
                }
                assertEquals(4010, bob.awaitClose());
            }
        }
    }

    @Test
    void joinWithInviteThenHelloAndPresence() throws Exception {
        Mesh m = mesh();
        Identity bobId = Identity.generate();
        try (TestPeer owner = fx.peer(m.owner()); TestPeer bob = fx.peer(bobId)) {
            owner.hello(m.id());
            Invite inv = invite(m, m.owner(), 60_000, 5);
            Frames.HelloAck ack = join(bob, inv, "bob");
            assertEquals("j1", ack.id());
            assertEquals("member", ack.self().role());
            assertEquals(List.of(m.owner().publicKeyHex()), ack.peers().stream().map(Frames.PeerInfo::pubkey).toList());
            Frames.PeerJoined joined = owner.await(Frames.PeerJoined.class);
            assertEquals("bob", joined.peer().name());
            assertEquals(m.id(), joined.mesh());

            bob.close();
            Frames.PeerLeft left = owner.await(Frames.PeerLeft.class);
            assertEquals(bob.pubkey(), left.pubkey());
            assertEquals("bob", left.name());
            assertEquals("disconnected", left.reason());
        }
        // bob is a member now: a plain hello works
        try (TestPeer bob = fx.peer(bobId)) {
            assertEquals("bob", bob.hello(m.id()).self().name());
        }
    }

    @Test
    void rejoinIsIdempotentAndDoesNotConsumeAUse() throws Exception {
        Mesh m = mesh();
        Invite inv = invite(m, m.owner(), 60_000, 1);
        Identity bob = Identity.generate();
        try (TestPeer p = fx.peer(bob)) {
            join(p, inv, "bob");
        }
        try (TestPeer p = fx.peer(bob)) {
            assertEquals("bob", join(p, inv, "bob").self().name(), "existing member re-joins without consuming");
        }
        try (TestPeer p = fx.peer(bob)) {
            assertEquals("bob", p.hello(m.id()).self().name());
        }
        try (TestPeer carol = fx.peer()) {
            carol.send(carol.joinFrame(inv.encode(), inv.inviteId(), m.id(), "carol"));
            assertEquals("invite_exhausted", carol.await(Frames.Error.class).code());
            assertEquals(4003, carol.awaitClose());
        }
    }

    @Test
    void expiredForgedAndNonMemberInvitesAreRefused() throws Exception {
        Mesh m = mesh();
        Invite expired = invite(m, m.owner(), -1_000, 5);
        try (TestPeer p = fx.peer()) {
            p.send(p.joinFrame(expired.encode(), expired.inviteId(), m.id(), "late"));
            assertEquals("invite_expired", p.await(Frames.Error.class).code());
            assertEquals(4003, p.awaitClose());
        }
        Invite good = invite(m, m.owner(), 60_000, 5);
        Invite forged = new Invite(1, good.coordinator(), good.mesh(), good.meshName(), good.inviteId(), good.issuer(),
                good.expiresAt(), 1000, good.signature(), null); // maxUses raised without re-signing
        try (TestPeer p = fx.peer()) {
            p.send(p.joinFrame(forged.encode(), forged.inviteId(), m.id(), "forger"));
            Frames.Error e = p.await(Frames.Error.class);
            assertEquals("invite_invalid", e.code());
            assertTrue(e.message().contains("signature"), e.message());
            assertEquals(4003, p.awaitClose());
        }
        Invite byStranger = invite(m, Identity.generate(), 60_000, 5);
        try (TestPeer p = fx.peer()) {
            p.send(p.joinFrame(byStranger.encode(), byStranger.inviteId(), m.id(), "mallory"));
            Frames.Error e = p.await(Frames.Error.class);
            assertEquals("invite_invalid", e.code());
            assertTrue(e.message().contains("issuer"), e.message());
            assertEquals(4003, p.awaitClose());
        }
        try (TestPeer p = fx.peer()) {
            p.send(p.joinFrame("mw1.@@@", "x", m.id(), "junk"));
            assertEquals("invite_invalid", p.await(Frames.Error.class).code());
            assertEquals(4003, p.awaitClose());
        }
    }

    @Test
    void joinSignatureAndUniqueNames() throws Exception {
        Mesh m = mesh();
        Invite inv = invite(m, m.owner(), 60_000, 10);
        try (TestPeer p = fx.peer()) {
            // signed for another name than the one sent
            p.send(new Frames.Join("j1", inv.encode(), p.pubkey(), "bob", null,
                    p.identity.signHex(Canonical.join(inv.inviteId(), m.id(), p.pubkey(), "eve", p.nonce()))));
            assertEquals("bad_signature", p.await(Frames.Error.class).code());
            assertEquals(4003, p.awaitClose());
        }
        try (TestPeer p = fx.peer()) {
            p.send(p.joinFrame(inv.encode(), inv.inviteId(), m.id(), "owner"));
            Frames.Error e = p.await(Frames.Error.class);
            assertEquals("invalid_frame", e.code());
            assertEquals("name owner is taken in this mesh", e.message());
        }
    }

    @Test
    void newerConnectionReplacesOlderWithoutFlap() throws Exception {
        Mesh m = mesh();
        Invite inv = invite(m, m.owner(), 60_000, 5);
        Identity bob = Identity.generate();
        try (TestPeer owner = fx.peer(m.owner()); TestPeer bob1 = fx.peer(bob)) {
            owner.hello(m.id());
            join(bob1, inv, "bob");
            owner.await(Frames.PeerJoined.class);
            try (TestPeer bob2 = fx.peer(bob)) {
                Frames.HelloAck ack = bob2.hello(m.id());
                assertNotNull(ack);
                assertEquals(4004, bob1.awaitClose());
                assertEquals("replaced by a newer connection", bob1.closeReason());
                // A frame the owner gets after the replacement proves nothing came before it.
                owner.send(new Frames.ListPeers("lp"));
                Frames.Peers peers = owner.await(Frames.Peers.class);
                assertTrue(peers.peers().stream().anyMatch(pi -> pi.pubkey().equals(bob.publicKeyHex()) && pi.online()));
                assertFalse(owner.seen().stream().anyMatch(f -> f instanceof Frames.PeerLeft), owner.seen().toString());
                assertEquals(0, owner.seen().stream().filter(f -> f instanceof Frames.PeerJoined).count() - 1);
            }
        }
    }

    @Test
    void concurrentJoinsNeverExceedMaxUses() throws Exception {
        Mesh m = mesh();
        Invite inv = invite(m, m.owner(), 60_000, 2);
        List<TestPeer> peers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) peers.add(fx.peer());
            // all joins are on the wire before any answer is awaited
            for (int i = 0; i < peers.size(); i++) {
                TestPeer p = peers.get(i);
                p.send(p.joinFrame(inv.encode(), inv.inviteId(), m.id(), "racer" + i));
            }
            int ok = 0;
            int exhausted = 0;
            for (TestPeer p : peers) {
                Frames.HelloAck[] ack = new Frames.HelloAck[1];
                Frames.Error[] err = new Frames.Error[1];
                // whichever comes first: the ack or the refusal
                p.awaitAny(f -> {
                    if (f instanceof Frames.HelloAck a) ack[0] = a;
                    if (f instanceof Frames.Error e) err[0] = e;
                    return ack[0] != null || err[0] != null;
                });
                if (ack[0] != null) ok++;
                else if ("invite_exhausted".equals(err[0].code())) exhausted++;
            }
            assertEquals(2, ok);
            assertEquals(4, exhausted);
        } finally {
            peers.forEach(TestPeer::close);
        }
    }
}
