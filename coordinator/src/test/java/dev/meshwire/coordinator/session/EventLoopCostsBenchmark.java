package dev.meshwire.coordinator.session;

import dev.meshwire.coordinator.relay.MessageIds;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.crypto.Sodium;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A benchmark, not a test (surefire runs {@code *Test} classes only): the event loop's per-message costs that
 * branch {@code h19-loop} changed, each before (the code as it was, inlined here) against after (rows marked
 * "[per thread]": the code as it is against an alternative that was tried and dropped), in interleaved
 * rounds on one thread, timed by the thread's CPU clock so that other processes' load does not count. Prints the
 * median over rounds of each round's µs per operation.
 *
 * <p>Run (docs/benchmarks.md "Relay event loop"): {@code java -cp coordinator/target/classes:coordinator/target/test-classes:signaling/target/classes:<dependency jars> dev.meshwire.coordinator.session.EventLoopCostsBenchmark [rounds]}
 */
public final class EventLoopCostsBenchmark {
    /** Relay's signature check as it was. */
    private static final java.util.regex.Pattern SIGNATURE_SHAPE = java.util.regex.Pattern.compile("[0-9a-fA-F]{128}");
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static volatile Object sink;

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        byte[] ct = new byte[1024 + 16];
        new Random(1).nextBytes(ct);
        String ciphertext = Base64.getEncoder().encodeToString(ct);
        String canonical = "meshwire-envelope|v2|dm|" + "b".repeat(64) + '|' + "a".repeat(64) + '|' + "n".repeat(32) + '|'
                + Canonical.sha256Hex(ciphertext) + "|1|{\"clientMessageId\":\"cm-1234567890abcdef\",\"createdAt\":1767225600000,\"priority\":\"next\"}";
        // A relay-bench-shaped send frame: ~1.7 KB of ASCII JSON.
        byte[] frame = ("{\"type\":\"send\",\"id\":\"s-123\",\"to\":\"" + "b".repeat(64) + "\",\"envelope\":{\"v\":2,\"channel\":\"dm\",\"target\":\""
                + "b".repeat(64) + "\",\"from\":\"" + "a".repeat(64) + "\",\"body\":{\"nonce\":\"" + "n".repeat(32) + "\",\"ciphertext\":\""
                + ciphertext + "\",\"bodyVersion\":1},\"meta\":{\"clientMessageId\":\"cm-1234567890abcdef\"},\"signature\":\""
                + "c".repeat(128) + "\"}}").getBytes(StandardCharsets.US_ASCII);
        String signature = Hex.encode(ct).substring(0, Signatures.HEX_CHARS);
        ByteBuf frameBuf = Unpooled.directBuffer(frame.length).writeBytes(frame);
        EmbeddedChannel netty = new EmbeddedChannel(new Utf8FrameValidator(false));
        EmbeddedChannel fast = new EmbeddedChannel(new AsciiFastUtf8Validator());

        List<Pair> pairs = List.of(
                // Tried and dropped: one MessageDigest per thread instead of getInstance per call (no difference).
                new Pair("SHA-256 hex of the 1.4 KB ciphertext [per thread]", () -> Canonical.sha256Hex(ciphertext), () -> perThreadSha256Hex(ciphertext)),
                new Pair("SHA-256 hex of the signed string [per thread]", () -> Canonical.sha256Hex(canonical), () -> perThreadSha256Hex(canonical)),
                new Pair("signature shape check (128 hex)", () -> SIGNATURE_SHAPE.matcher(signature).matches(),
                        () -> Hex.isHexAnyCase(signature, Signatures.HEX_CHARS)),
                new Pair("message id", () -> "msg_" + Hex.encode(Sodium.randomBytes(12)), MessageIds::next),
                new Pair("UTF-8 check of a " + frame.length + " B send frame", () -> validate(netty, frameBuf), () -> validate(fast, frameBuf)));
        for (Pair p : pairs) { // warm-up
            for (int i = 0; i < 100_000; i++) {
                sink = p.before.get();
                sink = p.after.get();
            }
        }
        double[][][] us = new double[pairs.size()][2][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < pairs.size(); i++) {
                Pair p = pairs.get(i);
                boolean beforeFirst = r % 2 == 0;
                us[i][beforeFirst ? 0 : 1][r] = time(beforeFirst ? p.before : p.after);
                us[i][beforeFirst ? 1 : 0][r] = time(beforeFirst ? p.after : p.before);
            }
        }
        System.out.printf("%-52s %9s %9s%n", "median of " + rounds + " rounds, CPU µs/op", "before", "after");
        for (int i = 0; i < pairs.size(); i++) {
            System.out.printf("%-52s %9.3f %9.3f%n", pairs.get(i).name, median(us[i][0]), median(us[i][1]));
        }
    }

    private record Pair(String name, Supplier<Object> before, Supplier<Object> after) {}

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** The alternative to Canonical.sha256Hex's provider lookup per call that was measured and not taken. */
    private static String perThreadSha256Hex(String text) {
        return Hex.encode(SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Object validate(EmbeddedChannel ch, ByteBuf frame) {
        ch.writeInbound(new TextWebSocketFrame(frame.retainedDuplicate()));
        TextWebSocketFrame out = ch.readInbound();
        out.release();
        return out;
    }

    private static double time(Supplier<Object> op) {
        int n = 50_000;
        long t0 = CPU.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) sink = op.get();
        return (CPU.getCurrentThreadCpuTime() - t0) / 1000.0 / n;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }

    private EventLoopCostsBenchmark() {}
}
