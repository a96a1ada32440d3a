package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear answer and never disturbs other sessions. */
class RobustnessTest {
    static final long MAX = 64 * 1024;
    static CoordinatorFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new CoordinatorFixture(c -> c.withMaxFrameBytes(MAX));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static void relayWorks(TestPeer from, TestPeer to, Identity toId, String id) throws InterruptedException {
        from.send(new Frames.Send(id, to.pubkey(), from.dm(toId, "still here")));
        from.await(Frames.Ack.class, a -> id.equals(a.id()));
        to.await(Frames.Deliver.class);
    }

    @Test
    void badFramesAreAnsweredWhileOthersKeepWorking() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "robust");
        Identity bobId = Identity.generate();
        Identity carolId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m);
             TestPeer bob = Meshes.joined(fx, m, bobId, "bob");
             TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {

            carol.sendRaw("{\"type\":\"ping\",\"id\":\"a\"");
            assertEquals("malformed_json", carol.await(Frames.Error.class).code());
            relayWorks(owner, bob, bobId, "r1");

            carol.sendRaw("{\"type\":\"teleport\",\"id\":\"b\"}");
            Frames.Error e = carol.await(Frames.Error.class);
            assertEquals("unknown_frame_type", e.code());
            assertEquals("b", e.id());
            relayWorks(owner, bob, bobId, "r2");

            carol.sendRaw("{\"type\":\"send\",\"id\":\"c\",\"to\":123,\"envelope\":{\"v\":\"x\"}}");
            Frames.Error inv = carol.await(Frames.Error.class);
            assertEquals("invalid_frame", inv.code());
            assertEquals("c", inv.id());
            relayWorks(owner, bob, bobId, "r3");

            carol.sendRaw("{\"type\":\"deliver\",\"messageId\":\"x\"}");
            assertEquals("invalid_frame", carol.await(Frames.Error.class).code());

            carol.sendRaw("{\"type\":\"ping\",\"id\":\"big\",\"pad\":\"" + "x".repeat((int) MAX) + "\"}");
            Frames.Error big = carol.await(Frames.Error.class);
            assertEquals("frame_too_large", big.code());
            assertEquals("big", big.id());
            relayWorks(owner, bob, bobId, "r4");

            // carol's own session survived all of it
            relayWorks(carol, bob, bobId, "r5");

            // far beyond the hard cap: the transport closes the connection, and only that one
            try (TestPeer huge = Meshes.joined(fx, m, Identity.generate(), "huge")) {
                huge.sendRaw("{\"type\":\"ping\",\"id\":\"huge\",\"pad\":\"" + "y".repeat((int) (MAX * 3)) + "\"}");
                int code = huge.awaitClose();
                assertEquals(1009, code, "close " + code + " " + huge.closeReason());
            }
            relayWorks(owner, bob, bobId, "r6");

            String metrics = fx.get("/metrics").text();
            for (String code : List.of("malformed_json", "unknown_frame_type", "invalid_frame", "frame_too_large")) {
                assertTrue(metrics.contains("meshwire_errors_total{code=\"" + code + "\"}"), code + " missing in\n" + metrics);
            }
            assertTrue(metrics.contains("meshwire_frames_in_total{type=\"send\"}"), metrics);
            assertTrue(metrics.contains("meshwire_frames_out_total{type=\"deliver\"}"), metrics);
            assertTrue(metrics.matches("(?s).*meshwire_relayed_messages_total [1-9].*"), metrics);
            assertTrue(metrics.matches("(?s).*meshwire_connections [1-9].*"), metrics);
        }
    }

    @Test
    void alreadyAuthenticatedAndBinaryFrames() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "robust");
        try (TestPeer owner = Meshes.owner(fx, m)) {
            owner.send(owner.helloFrame(m.id()));
            assertEquals("already_authenticated", owner.await(Frames.Error.class).code());
            owner.send(new Frames.Ping("p"));
            assertEquals("p", owner.await(Frames.Pong.class).id());
        }
    }

    /** Text only a library or the JVM would write (issue 17 item 3). */
    static final List<String> LIBRARY_TEXT = List.of("java.", "Json", "Token", "Cannot deserialize", "com.fasterxml", "class ",
            "`", "Exception", "[Source", "Integer", "String", "Long");

    /** Sends {@code frame} and expects one error with {@code code} whose message is exactly {@code message}; the session stays open. */
    private static Frames.Error refused(TestPeer peer, String id, ObjectNode frame, String code, String message) throws Exception {
        frame.put("id", id);
        peer.sendRaw(Json.MAPPER.writeValueAsString(frame));
        Frames.Error e = peer.await(Frames.Error.class, x -> id.equals(x.id()));
        assertEquals(code, e.code(), id + ": " + e.message());
        assertEquals(message, e.message(), id);
        for (String bad : LIBRARY_TEXT) assertFalse(e.message().contains(bad), id + ": " + e.message());
        peer.sync("alive-" + id);
        return e;
    }

    private static ObjectNode sendFrame(TestPeer from, Identity to, Consumer<ObjectNode> envelopeEdit) throws Exception {
        ObjectNode frame = (ObjectNode) Json.MAPPER.readTree(FrameCodec.encode(new Frames.Send("x", to.publicKeyHex(), from.dm(to, "hi"))));
        envelopeEdit.accept((ObjectNode) frame.get("envelope"));
        return frame;
    }

    private static ObjectNode candidate(String to, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode frame = (ObjectNode) Json.MAPPER.readTree(FrameCodec.encode(new Frames.P2pCandidate(null, null, to,
                "0123456789abcdef0123456789abcdef", "0", 0, "candidate:1 1 udp 2122260223 10.0.0.1 50000 typ host")));
        edit.accept(frame);
        return frame;
    }

    /**
     * Issue 17 item 2 (WebSocket): each input the docs refuse is refused, with one code and a message that
     * names the field and the rule; the authenticated connection stays open and keeps working.
     */
    @Test
    void illTypedAndOutOfRuleInputsAreRefusedOneCodeEach() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "strict");
        Identity bobId = Identity.generate();
        try (TestPeer owner = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            String inv = ErrorCode.INVALID_FRAME;
            refused(owner, "v-string", sendFrame(owner, bobId, e -> e.put("v", "2")), inv, "send: field 'envelope.v' must be an integer");
            refused(owner, "v-float", sendFrame(owner, bobId, e -> e.put("v", 2.5)), inv, "send: field 'envelope.v' must be an integer");
            refused(owner, "v-3", sendFrame(owner, bobId, e -> e.put("v", 3)), inv, "send: field 'envelope.v' must be 2 (got 3)");
            refused(owner, "bv-string", sendFrame(owner, bobId, e -> ((ObjectNode) e.get("body")).put("bodyVersion", "1")), inv,
                    "send: field 'envelope.body.bodyVersion' must be an integer");
            refused(owner, "bv-5", sendFrame(owner, bobId, e -> ((ObjectNode) e.get("body")).put("bodyVersion", 5)), inv,
                    "send: field 'envelope.body.bodyVersion' must be 1..4 (got 5)");
            refused(owner, "created-string", sendFrame(owner, bobId, e -> ((ObjectNode) e.get("meta")).put("createdAt", "1700000000000")),
                    inv, "send: field 'envelope.meta.createdAt' must be an integer");
            refused(owner, "created-negative", sendFrame(owner, bobId, e -> ((ObjectNode) e.get("meta")).put("createdAt", -1)),
                    inv, "send: field 'envelope.meta.createdAt' must be a non-negative integer (got -1)");
            refused(owner, "expires-float", sendFrame(owner, bobId,
                            e -> ((ObjectNode) e.get("meta")).put("expiresAt", System.currentTimeMillis() + 60_000.5)),
                    inv, "send: field 'envelope.meta.expiresAt' must be an integer");
            refused(owner, "cmid-number", sendFrame(owner, bobId, e -> ((ObjectNode) e.get("meta")).put("clientMessageId", 7)),
                    inv, "send: field 'envelope.meta.clientMessageId' must be a string");

            refused(owner, "mline-string", candidate(bob.pubkey(), c -> c.put("mLineIndex", "5")), inv,
                    "p2p_candidate: field 'mLineIndex' must be an integer");
            refused(owner, "mline-negative", candidate(bob.pubkey(), c -> c.put("mLineIndex", -1)), inv,
                    "p2p_candidate: field 'mLineIndex' must be a non-negative integer (got -1)");
            refused(owner, "cand-empty", candidate(bob.pubkey(), c -> c.put("candidate", "")), inv,
                    "p2p_candidate: field 'candidate' is required: the 'candidate:...' line of one ICE candidate");
            refused(owner, "cand-prefix", candidate(bob.pubkey(), c -> c.put("candidate", "1 1 udp 1 10.0.0.1 5000 typ host")), inv,
                    "p2p_candidate: field 'candidate' must start with 'candidate:'");

            // A 10 KB request id: refused, and the echo is cut to 64 characters.
            String bigId = "z".repeat(10 * 1024);
            for (String type : List.of("ping", "list_peers")) {
                owner.sendRaw("{\"type\":\"" + type + "\",\"id\":\"" + bigId + "\"}");
                Frames.Error e = owner.await(Frames.Error.class, x -> x.id() != null && x.id().startsWith("zzz"));
                assertEquals(inv, e.code(), e.message());
                assertEquals(type + ": field 'id' must be at most 64 characters (got 10240)", e.message());
                assertTrue(e.id().length() <= 64, "echoed id of " + e.id().length() + " chars");
                assertEquals("z".repeat(63) + "…", e.id());
            }
            ObjectNode bigSend = sendFrame(owner, bobId, e -> { });
            bigSend.put("id", bigId);
            owner.sendRaw(Json.MAPPER.writeValueAsString(bigSend));
            Frames.Error e = owner.await(Frames.Error.class, x -> x.id() != null && x.id().startsWith("zzz"));
            assertEquals("send: field 'id' must be at most 64 characters (got 10240)", e.message());
            assertEquals(64, e.id().length());
            // an id of exactly 64 characters is echoed as it is
            String id64 = "q".repeat(64);
            owner.send(new Frames.Ping(id64));
            assertEquals(id64, owner.await(Frames.Pong.class, p -> id64.equals(p.id())).id());

            // the session survived all of it, and none of the refused frames reached bob
            relayWorks(owner, bob, bobId, "after-strict");
            assertTrue(bob.seen().stream().noneMatch(f -> f instanceof Frames.P2pCandidate), "nothing forwarded: " + bob.seen());
            String text = fx.get("/metrics").text();
            assertTrue(text.contains("meshwire_errors_total{code=\"invalid_frame\"}"), text);
        }
    }

    /** Before authentication an ill-typed hello is refused the same way, and the connection closes with 4010. */
    @Test
    void illTypedHelloIsRefusedByFieldAndCloses() throws Exception {
        try (TestPeer p = fx.peer(Identity.generate())) {
            p.sendRaw("{\"type\":\"hello\",\"id\":\"h\",\"mesh\":\"m_0011223344556677\",\"pubkey\":7,\"signature\":\"s\"}");
            Frames.Error e = p.await(Frames.Error.class);
            assertEquals(ErrorCode.INVALID_FRAME, e.code());
            assertEquals("hello: field 'pubkey' must be a string", e.message());
            assertEquals("h", e.id());
            assertEquals(4010, p.awaitClose());
        }
    }
}
