package dev.meshwire.signaling.fuzz;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;

/**
 * The outcome of one {@link Fuzz#run}: how many inputs were accepted, refused and crashed, and the
 * first few distinct crashes with their (minimized) inputs.
 */
public record FuzzResult(String target, long seed, long count, long accepted, long refused, long crashes,
                         List<Crash> kept, long millis, long cpuMillis, long slowestMicros, long slowestIndex,
                         int threads) {

    /** One input that made something undocumented escape the parser. */
    public record Crash(long index, byte[] input, Throwable thrown) {
        /** Same exception type thrown from the same place: the same bug, reported once. */
        static String bugKey(Throwable t) {
            StackTraceElement[] st = t.getStackTrace();
            return t.getClass().getName() + (st.length == 0 ? "" : " at " + st[0]);
        }

        String describe() {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            String stack = trace.toString();
            if (stack.length() > 4000) stack = stack.substring(0, 4000) + "…";
            return "input #" + index + " (" + input.length + " bytes, minimized): " + escape(input)
                    + (input.length <= 512 ? "\n  hex: " + HexFormat.of().formatHex(input) : "")
                    + "\n  threw " + stack;
        }
    }

    /** One line: target, counts, time, seed. */
    public String summary() {
        return String.format("fuzz %s: %,d inputs, %,d accepted, %,d refused, %,d crashes in %,d ms on %d threads, %,d ms CPU"
                        + " (slowest input #%d: %,d µs), seed %d",
                target, count, accepted, refused, crashes, millis, threads, cpuMillis, slowestIndex, slowestMicros, seed);
    }

    /** Fails with the seed and each kept crash (its input escaped and in hex, and its stack trace). */
    public FuzzResult assertNoCrash() {
        if (crashes == 0) return this;
        StringBuilder b = new StringBuilder();
        b.append(target).append(": ").append(crashes).append(" of ").append(count)
                .append(" inputs made an undocumented exception escape (seed ").append(seed)
                .append("; rerun with -D").append(Fuzz.SEED_PROPERTY).append('=').append(seed).append(")\n");
        for (Crash c : kept) b.append(c.describe()).append('\n');
        throw new AssertionError(b.toString());
    }

    /** Asserts the run exercised both sides of the parser: some inputs accepted and some refused. */
    public FuzzResult assertBothOutcomes() {
        if (accepted == 0 || refused == 0) {
            throw new AssertionError(target + ": a useful generator yields accepted and refused inputs (accepted "
                    + accepted + ", refused " + refused + ")");
        }
        return this;
    }

    /** Appends this result as one JSON line to {@code dir/fuzz-results.jsonl} when {@code dir} is set. */
    void report(String dir) {
        if (dir == null || dir.isBlank()) return;
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("target", target).put("seed", seed).put("count", count).put("accepted", accepted).put("refused", refused)
                .put("crashes", crashes).put("millis", millis).put("cpuMillis", cpuMillis).put("threads", threads).put("slowestMicros", slowestMicros).put("slowestIndex", slowestIndex);
        ArrayNode arr = n.putArray("crashDetails");
        for (Crash c : kept) {
            arr.addObject().put("index", c.index()).put("exception", c.thrown().toString()).put("input", escape(c.input()));
        }
        try {
            Path d = Path.of(dir);
            Files.createDirectories(d);
            Files.writeString(d.resolve("fuzz-results.jsonl"), Json.MAPPER.writeValueAsString(n) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Printable ASCII as is, everything else as {@code \xNN}; cut after 2,000 characters. */
    static String escape(byte[] b) {
        StringBuilder s = new StringBuilder("\"");
        for (byte x : b) {
            int c = x & 0xff;
            if (s.length() > 2000) {
                s.append("…(").append(b.length).append(" bytes)");
                break;
            }
            if (c == '"' || c == '\\') s.append('\\').append((char) c);
            else if (c >= 0x20 && c < 0x7f) s.append((char) c);
            else s.append(String.format("\\x%02x", c));
        }
        return s.append('"').toString();
    }
}
