package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.coordinator.ice.TurnSettings;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.turn.RestCredentials;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** WebRTC signaling through the coordinator, and the ICE servers (STUN + TURN REST credentials) in hello_ack. */
class P2pSignalingTest {
    static final String SECRET = "turn-shared-secret";
    static final String SESSION = "0123456789abcdef0123456789abcdef";
    static final String SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 AB:CD\r\n";
    static CoordinatorFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new CoordinatorFixture(c -> c.withStunPort(0).withTurn(new TurnSettings(
                List.of("turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"), SECRET, Duration.ofHours(1))));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static Frames.P2pOffer offer(Identity from, String meshId, String to, String sdp) {
        String sig = from.signHex(Canonical.p2pSdp(meshId, from.publicKeyHex(), to, SESSION, "offer", sdp));
        return new Frames.P2pOffer(null, null, to, SESSION, sdp, sig);
    }

    @Test
    void signedOfferAndCandidatesAreForwardedWithTheOriginSetByTheCoordinator() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "p2p");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            // The client may not choose its origin: a forged 'from' is overwritten.
            Frames.P2pOffer o = offer(m.owner(), m.id(), bob.pubkey(), SDP);
            alice.send(new Frames.P2pOffer("m_other", bobId.publicKeyHex(), o.to(), o.sessionId(), o.sdp(), o.signature()));
            Frames.P2pOffer got = bob.await(Frames.P2pOffer.class);
            assertEquals(m.id(), got.mesh());
            assertEquals(alice.pubkey(), got.from());
            assertEquals(SDP, got.sdp());
            assertEquals(o.signature(), got.signature());

            alice.send(new Frames.P2pCandidate(null, null, bob.pubkey(), SESSION, "0", 0, "candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host"));
            Frames.P2pCandidate c = bob.await(Frames.P2pCandidate.class);
            assertEquals(alice.pubkey(), c.from());
            assertEquals("candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host", c.candidate());

            String answerSig = bobId.signHex(Canonical.p2pSdp(m.id(), bob.pubkey(), alice.pubkey(), SESSION, "answer", SDP));
            bob.send(new Frames.P2pAnswer(null, null, alice.pubkey(), SESSION, SDP, answerSig));
            assertEquals(bob.pubkey(), alice.await(Frames.P2pAnswer.class).from());

            bob.send(new Frames.P2pClose(null, null, alice.pubkey(), SESSION, "idle"));
            assertEquals("idle", alice.await(Frames.P2pClose.class).reason());
        }
    }

    /** One forwarded signalling frame is one frame in (from the sender) and one frame out (to the recipient). */
    @Test
    void aForwardedSignalIsCountedOnceInAndOnceOut() throws Exception {
        try (CoordinatorFixture own = new CoordinatorFixture()) {
            Meshes.Mesh m = Meshes.create(own, "p2pcount");
            Identity bobId = Identity.generate();
            try (TestPeer alice = Meshes.owner(own, m); TestPeer bob = Meshes.joined(own, m, bobId, "bob")) {
                alice.send(offer(m.owner(), m.id(), bob.pubkey(), SDP));
                bob.await(Frames.P2pOffer.class);
                alice.send(new Frames.P2pCandidate(null, null, bob.pubkey(), SESSION, "0", 0, "candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host"));
                bob.await(Frames.P2pCandidate.class);
                String metrics = own.get("/metrics").text();
                for (String type : List.of("p2p_offer", "p2p_candidate")) {
                    assertEquals(1.0, sample(metrics, "meshwire_frames_in_total{type=\"" + type + "\"}"), type + " in\n" + metrics);
                    assertEquals(1.0, sample(metrics, "meshwire_frames_out_total{type=\"" + type + "\"}"), type + " out\n" + metrics);
                }
            }
        }
    }

    /**
     * A signalling frame has no id field, so a long id on one is not refused as such; an error about that frame echoes
     * it cut to 63 characters and "…", the one place ids are truncated (docs/protocol.md §1).
     */
    @Test
    void aLongIdOnASignallingFrameIsEchoedCutInItsError() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "p2plongid");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            String id = "x".repeat(100);
            alice.sendRaw("{\"type\":\"p2p_candidate\",\"id\":\"" + id + "\",\"to\":\"" + bob.pubkey() + "\",\"sessionId\":\"" + SESSION
                    + "\",\"mid\":\"0\",\"mLineIndex\":0,\"candidate\":\"not-a-candidate\"}");
            Frames.Error e = alice.await(Frames.Error.class);
            assertEquals(ErrorCode.INVALID_FRAME, e.code());
            assertEquals("x".repeat(63) + "…", e.id());
        }
    }

    /** The value of one Prometheus sample line, or 0 when it is absent. */
    static double sample(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return 0;
    }

    @Test
    void forgedOrMisaddressedOffersAreRefusedAndNotForwarded() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "p2pforged");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            // Signed by someone else (e.g. a coordinator substituting its own DTLS fingerprint).
            Identity mallory = Identity.generate();
            String sig = mallory.signHex(Canonical.p2pSdp(m.id(), alice.pubkey(), bob.pubkey(), SESSION, "offer", SDP));
            alice.send(new Frames.P2pOffer(null, null, bob.pubkey(), SESSION, SDP, sig));
            assertEquals(ErrorCode.BAD_SIGNATURE, alice.await(Frames.Error.class).code());

            // Alice's valid signature, but the SDP was altered in transit.
            Frames.P2pOffer good = offer(m.owner(), m.id(), bob.pubkey(), SDP);
            alice.send(new Frames.P2pOffer(null, null, good.to(), SESSION, SDP.replace("AB:CD", "EE:FF"), good.signature()));
            assertEquals(ErrorCode.BAD_SIGNATURE, alice.await(Frames.Error.class).code());

            // Signed for another mesh: replay across meshes fails.
            alice.send(offer(m.owner(), "m_elsewhere", bob.pubkey(), SDP));
            assertEquals(ErrorCode.BAD_SIGNATURE, alice.await(Frames.Error.class).code());

            // Recipient not online in this mesh (a stranger's key).
            alice.send(offer(m.owner(), m.id(), Identity.generate().publicKeyHex(), SDP));
            assertEquals(ErrorCode.PEER_OFFLINE, alice.await(Frames.Error.class).code());

            // Malformed.
            alice.send(new Frames.P2pCandidate(null, null, bob.pubkey(), "short", "0", 0, "candidate:x"));
            assertEquals(ErrorCode.INVALID_FRAME, alice.await(Frames.Error.class).code());
            alice.send(new Frames.P2pCandidate(null, null, alice.pubkey(), SESSION, "0", 0, "candidate:x"));
            assertEquals(ErrorCode.INVALID_FRAME, alice.await(Frames.Error.class).code());

            // Nothing of the above reached bob; a valid offer afterwards does.
            alice.send(good);
            Frames.P2pOffer first = bob.await(Frames.P2pOffer.class);
            assertEquals(SDP, first.sdp());
            assertTrue(bob.seen().stream().filter(f -> f instanceof Frames.P2pSignal).count() == 1,
                    "only the valid offer was forwarded: " + bob.seen());
        }
    }

    @Test
    void kickedMemberCanNoLongerReceiveSignaling() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "p2pkick");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            alice.send(new Frames.Kick("k", "bob"));
            alice.await(Frames.Ok.class);
            bob.awaitClose();
            alice.send(offer(m.owner(), m.id(), bobId.publicKeyHex(), SDP));
            assertEquals(ErrorCode.PEER_OFFLINE, alice.await(Frames.Error.class).code());
        }
    }

    @Test
    void helloAckCarriesStunAndTurnRestCredentials() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "ice");
        TestPeer alice = fx.peer(m.owner());
        try (alice) {
            Frames.HelloAck ack = alice.hello(m.id());
            assertEquals(2, ack.iceServers().size(), ack.iceServers().toString());
            Frames.IceServer stun = ack.iceServers().get(0);
            assertTrue(stun.urls().get(0).startsWith("stun:127.0.0.1:"), stun.toString());
            assertNull(stun.username());
            Frames.IceServer turn = ack.iceServers().get(1);
            assertEquals(List.of("turn:127.0.0.1:3478?transport=udp", "turn:127.0.0.1:3478?transport=tcp"), turn.urls());
            String[] parts = turn.username().split(":");
            assertEquals(alice.pubkey(), parts[1]);
            long expiry = Long.parseLong(parts[0]);
            long now = System.currentTimeMillis() / 1000;
            assertTrue(expiry > now + 3500 && expiry <= now + 3601, "expiry one hour ahead: " + expiry);
            // What coturn's use-auth-secret computes: base64(HMAC-SHA1(secret, username)).
            assertEquals(RestCredentials.password(SECRET, turn.username()), turn.credential());
            // With an external TURN server the embedded one answers STUN only and gets no secret of its own.
            assertFalse(java.nio.file.Files.exists(fx.dataDir.resolve(Coordinator.TURN_SECRET_FILE)));
        }
    }

    @Test
    void turnRestPasswordMatchesAnIndependentComputation() {
        // openssl: printf '1700000000:alice' | openssl dgst -sha1 -hmac 'secret' -binary | base64
        assertEquals("d8soP47RbdIKLDUOpnJPVQyq5Ts=", RestCredentials.password("secret", "1700000000:alice"));
        assertThrows(IllegalArgumentException.class, () -> new TurnSettings(List.of("stun:x"), "s", Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new TurnSettings(List.of("turn:x"), "", Duration.ofHours(1)));
    }
}
