package dev.meshwire.signaling.frame;

import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.CanonicalJson;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import java.util.Base64;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A benchmark, not a test: single-thread CPU of the coordinator's per-message frame work on its event loop, the tree
 * path (before) against the hot path (after), for a relay-bench-shaped {@code send} (1 KiB payload, dm). Prints
 * µs per operation (best of several rounds after a warm-up).
 *
 * <p>Run: {@code java -cp signaling/target/classes:signaling/target/test-classes:<dependency jars> dev.meshwire.signaling.frame.HotPathBenchmark}
 * (docs/benchmarks.md "Relay event loop").
 */
public final class HotPathBenchmark {
    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        byte[] ct = new byte[1024 + 16];
        new Random(1).nextBytes(ct);
        Meta meta = new Meta("cm-" + Long.toHexString(new Random(2).nextLong()), null, Priority.NEXT, null, null, null, null, null, null,
                null, null, null, 1767225600000L);
        Envelope env = new Envelope(2, Channel.DM, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, Base64.getEncoder().encodeToString(ct), 1), meta, TestVectors.ENVELOPE_SIG);
        String send = FrameCodec.encodeTree(new Frames.Send("s-123", TestVectors.BOB_PUB, env));
        String clientAck = FrameCodec.encodeTree(new Frames.ClientAck("msg_" + "ab".repeat(12), meta.clientMessageId(), TestVectors.ALICE_PUB));
        Frames.Ack ack = new Frames.Ack("s-123", meta.clientMessageId(), "msg_" + "ab".repeat(12), "accepted");
        Frames.Receipt receipt = new Frames.Receipt(TestVectors.MESH, "msg_" + "ab".repeat(12), meta.clientMessageId(), TestVectors.BOB_PUB,
                1767225600000L);

        run("decode send: tree + schema walk + records", () -> FrameCodec.decodeStrict(send));
        run("decode send: one streaming pass", () -> FrameCodec.decodeKeepingEnvelope(send));
        run("envelope JSON for storage/deliver: written again", () -> {
            try {
                return Json.MAPPER.writeValueAsString(env);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        run("decode client_ack: tree", () -> FrameCodec.decodeStrict(clientAck));
        run("decode client_ack: one pass", () -> FrameCodec.decodeKeepingEnvelope(clientAck));
        run("encode ack: tree", () -> FrameCodec.encodeTree(ack));
        run("encode ack: direct", () -> FrameCodec.encode(ack));
        run("encode receipt: tree", () -> FrameCodec.encodeTree(receipt));
        run("encode receipt: direct", () -> FrameCodec.encode(receipt));
        run("canonical(meta): tree", () -> CanonicalJson.write(Json.MAPPER.valueToTree(meta)));
        run("envelope canonical string (direct meta)", () -> EnvelopeSignature.canonical(env));
    }

    private static void run(String name, Supplier<Object> op) {
        int n = 20_000;
        for (int i = 0; i < 5 * n; i++) sink = op.get();
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 7; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) sink = op.get();
            best = Math.min(best, (System.nanoTime() - t0) / 1000.0 / n);
        }
        System.out.printf("%-52s %7.2f µs%n", name, best);
    }

    private HotPathBenchmark() {}

}
