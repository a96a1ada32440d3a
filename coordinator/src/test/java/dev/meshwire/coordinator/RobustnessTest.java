package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import java.util.List;
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
}
