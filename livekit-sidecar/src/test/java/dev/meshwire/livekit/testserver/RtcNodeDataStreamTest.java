package dev.meshwire.livekit.testserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.livekit.room.RoomClient;
import dev.meshwire.livekit.room.RoomConfig;
import dev.meshwire.livekit.room.RoomData;
import dev.meshwire.livekit.room.RoomException;
import dev.meshwire.livekit.room.RoomListener;
import dev.meshwire.livekit.room.RoomParticipant;
import dev.meshwire.livekit.room.RoomToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LiveKit data streams (livekit_models {@code DataStream} header/chunk/trailer) between the side-car's room client and
 * LiveKit's own SDK, {@code @livekit/rtc-node} 1.1.0, through the stand-in server: streams the SDK sends with
 * {@code sendText} / {@code streamBytes} arrive whole at the room client; streams the room client sends arrive whole
 * at the SDK's {@code registerTextStreamHandler} / {@code registerByteStreamHandler}; a stream over the limit is
 * refused with a reason and the next one flows.
 */
class RtcNodeDataStreamTest {
    static final String TOPIC = "meshwire";
    static final Duration JOIN = RtcNodeRoundTripTest.JOIN;
    static final Duration DATA = RtcNodeRoundTripTest.DATA;
    static final int LIMIT = 200_000;

    @BeforeAll
    static void node() {
        NodeRuntime.assumeAvailable();
    }

    /** Records what the room client reports, with condition waits. */
    static final class Seen implements RoomListener {
        final List<RoomData> data = new ArrayList<>();
        final List<String> refusals = new ArrayList<>();
        final List<String> present = new ArrayList<>();

        @Override
        public synchronized void onConnected(String selfSid, List<RoomParticipant> others) {
            others.forEach(p -> present.add(p.identity()));
            notifyAll();
        }

        @Override
        public synchronized void onParticipantJoined(RoomParticipant p) {
            present.add(p.identity());
            notifyAll();
        }

        @Override
        public synchronized void onData(RoomData d) {
            data.add(d);
            notifyAll();
        }

        @Override
        public synchronized void onRefused(String from, String topic, String reason) {
            refusals.add(reason);
            notifyAll();
        }

        synchronized void await(Predicate<Seen> cond, String what) throws InterruptedException {
            long deadline = System.nanoTime() + DATA.toNanos();
            while (!cond.test(this)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("no " + what + " within " + DATA + "; refusals " + refusals + ", data ids "
                        + data.stream().map(RoomData::packetId).toList());
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized RoomData awaitStream(String id) throws InterruptedException {
            await(s -> s.data.stream().anyMatch(d -> d.packetId().equals(id)), "stream " + id);
            return data.stream().filter(d -> d.packetId().equals(id)).findFirst().orElseThrow();
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** UTF-8 text of about {@code bytes} bytes with multi-byte characters, so chunk cuts fall inside characters. */
    static String text(int bytes) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (b.toString().getBytes(StandardCharsets.UTF_8).length < bytes - 64) {
            b.append("line ").append(i++).append(": grüße ✓ 漢字 — ").append("x".repeat(40)).append('\n');
            if (b.length() > bytes) break;
        }
        return b.toString();
    }

    @Test
    void dataStreamsBothWaysBetweenTheRoomClientAndRtcNode() throws Exception {
        try (StandInServer server = new StandInServer(RtcNodeRoundTripTest.KEY, RtcNodeRoundTripTest.SECRET)) {
            server.start();
            Seen seen = new Seen();
            RoomConfig config = RoomConfig.of(server.url(), "r1", "bridge").withMaxStreamBytes(LIMIT);
            RoomToken token = new RoomToken.Minted(RtcNodeRoundTripTest.KEY, RtcNodeRoundTripTest.SECRET, "r1", "bridge", Duration.ofHours(1));
            try (RoomClient client = new RoomClient(config, token, seen);
                 NodeParticipant alice = new NodeParticipant("alice", server.url(), RtcNodeRoundTripTest.token("alice", "r1", RtcNodeRoundTripTest.SECRET))) {
                client.start().get(JOIN.toSeconds(), TimeUnit.SECONDS);
                alice.awaitEvent("connected", JOIN);
                alice.awaitKnows("bridge", JOIN);
                alice.listenStreams(TOPIC, DATA);
                seen.await(s -> s.present.contains("alice"), "alice in the room");

                // rtc-node -> room client: a 40 KB text stream (3 chunks, multi-byte characters).
                String big = text(40_000);
                JsonNode sent = alice.sendText("t1", big, TOPIC, List.of("bridge"), DATA);
                assertEquals("sent", sent.path("event").asText(), sent.toString());
                String streamId = sent.path("streamId").asText();
                RoomData got = seen.awaitStream(streamId);
                assertEquals("alice", got.fromIdentity());
                assertEquals(TOPIC, got.topic());
                assertEquals(big, new String(got.payload(), StandardCharsets.UTF_8));

                // rtc-node -> room client: 100 000 random bytes with streamBytes.
                byte[] bytes = new byte[100_000];
                new Random(7).nextBytes(bytes);
                sent = alice.sendBytes("b1", bytes, "blob.bin", TOPIC, List.of("bridge"), DATA);
                assertEquals("sent", sent.path("event").asText(), sent.toString());
                assertArrayEquals(bytes, seen.awaitStream(sent.path("streamId").asText()).payload());

                // Over the limit: refused with a reason (by its announced total_length), nothing delivered; the next flows.
                sent = alice.sendText("t2", "y".repeat(LIMIT + 1), TOPIC, List.of("bridge"), DATA);
                String tooBig = sent.path("streamId").asText();
                seen.await(s -> s.refusals.stream().anyMatch(r -> r.contains(tooBig) && r.contains("exceeds the limit of " + LIMIT)), "refusal of " + tooBig);
                sent = alice.sendText("t3", "after the refused one", TOPIC, List.of("bridge"), DATA);
                assertEquals("after the refused one", new String(seen.awaitStream(sent.path("streamId").asText()).payload(), StandardCharsets.UTF_8));
                synchronized (seen) {
                    assertTrue(seen.data.stream().noneMatch(d -> d.packetId().equals(tooBig)), "the refused stream was not delivered");
                }

                // room client -> rtc-node: a 60 KB text stream, to alice only.
                byte[] text = text(60_000).getBytes(StandardCharsets.UTF_8);
                client.sendStream(List.of("alice"), TOPIC, text, "lk-text-1", true, null).get(DATA.toSeconds(), TimeUnit.SECONDS);
                JsonNode rx = alice.awaitStream("lk-text-1", DATA);
                assertEquals("text-stream", rx.path("event").asText(), rx.toString());
                assertEquals("bridge", rx.path("from").asText(), rx.toString());
                assertEquals(TOPIC, rx.path("topic").asText(), rx.toString());
                assertEquals(text.length, rx.path("length").asInt(), rx.toString());
                assertEquals(sha256(text), rx.path("sha256").asText(), rx.toString());

                // room client -> rtc-node: 120 000 bytes as a byte stream with a name.
                byte[] blob = new byte[120_000];
                new Random(11).nextBytes(blob);
                client.sendStream(List.of("alice"), TOPIC, blob, "lk-bytes-1", false, "blob.bin").get(DATA.toSeconds(), TimeUnit.SECONDS);
                rx = alice.awaitStream("lk-bytes-1", DATA);
                assertEquals("byte-stream", rx.path("event").asText(), rx.toString());
                assertEquals("blob.bin", rx.path("name").asText(), rx.toString());
                assertEquals(blob.length, rx.path("length").asInt(), rx.toString());
                assertEquals(sha256(blob), rx.path("sha256").asText(), rx.toString());

                // Refusals before sending: over the limit, a text stream that is not UTF-8.
                ExecutionException over = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> client.sendStream(List.of("alice"), TOPIC, new byte[LIMIT + 1], "lk-over", false, null).get(10, TimeUnit.SECONDS));
                assertTrue(over.getCause() instanceof RoomException && over.getCause().getMessage().contains("exceeds the limit of " + LIMIT),
                        String.valueOf(over.getCause()));
                ExecutionException notText = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> client.sendStream(List.of("alice"), TOPIC, new byte[] {(byte) 0xC3, 0x28}, "lk-bad", true, null).get(10, TimeUnit.SECONDS));
                assertEquals("a text stream must be UTF-8", notText.getCause().getMessage());
                assertEquals(2, client.streamStats().sent());
                assertEquals(3, client.streamStats().received());
            }
        }
    }
}
