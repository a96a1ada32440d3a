package dev.meshwire.signaling.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.meshwire.signaling.Json;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * A structure-aware generator: it starts from VALID inputs (real encoded frames, sealed envelopes,
 * invites, channel frames, IPC bodies) and breaks them the way a hostile peer would, so most inputs
 * get past the first checks and reach the deeper ones.
 *
 * <ul>
 *   <li>JSON seeds: type confusion (any value replaced by a number, string, array, object, null, …),
 *       boundary integers (2^31, 2^63, 10^30, -0, 2.0), removed, added and duplicated keys, swapped and
 *       wrapped values, odd strings (empty, 100k characters, lone surrogates, NUL, '|'), raw tokens no
 *       JSON tree can hold (NaN, Infinity, 1e400, 01, invalid UTF-8, bad escapes, 100k '[').</li>
 *   <li>All seeds: bit flips, interesting bytes, truncation, deletion, insertion, duplication, splicing
 *       two seeds, and boundary integers written over binary header fields (given by offset).</li>
 *   <li>Now and then: the seed unchanged (3.5%, so the accepting path runs too), pure random bytes (2%),
 *       or a pathological input on its own (0.5%: 100k '[', a 64 KiB string, 50,000 duplicate keys, …).</li>
 * </ul>
 */
public final class Mutator implements Fuzz.Generator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String RAW = "\u0001fuzz-raw\u0001";
    private static final byte[] RAW_QUOTED = ('"' + "\\u0001fuzz-raw\\u0001" + '"').getBytes(StandardCharsets.UTF_8);

    /** Tokens written into JSON text as they are: most are not JSON at all, or not what a tree could hold. */
    static final List<byte[]> RAW_TOKENS = List.of(
            b("NaN"), b("Infinity"), b("-Infinity"), b("1e400"), b("-1e400"), b("1e-400"), b("-0"), b("01"), b(".5"), b("1."),
            b("0x10"), b("+1"), b("99999999999999999999999999999999999999"), b("-9223372036854775809"),
            b("18446744073709551616"), b("1" + "0".repeat(2000)), b("1e2147483648"),
            b("\"\\ud800\""), b("\"\\udc00x\""), b("\"a\\ud83d\""), b("\"\\u0000\""), b("\"\\x\""), b("\"\\u12\""), b("'single'"),
            b("nul"), b("tru"), b("\""), b("{"), b("}"), b("["), b("]"), b(","), b(":"), b(""), b("{}}"), b("[1,]"), b("{\"a\":}"),
            b("true false"), b("/* c */1"), b("\"tab\there\""),
            new byte[] {'"', (byte) 0xc3, 0x28, '"'}, new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'},
            new byte[] {'"', (byte) 0xc0, (byte) 0xaf, '"'}, new byte[] {'"', (byte) 0xe2, (byte) 0x82, '"'},
            new byte[] {'"', (byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80, '"'},
            new byte[] {'"', (byte) 0xff, (byte) 0xfe, '"'}, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
            b("[".repeat(10_000)), b("{\"a\":".repeat(2_000)), b("[".repeat(63) + "1" + "]".repeat(63)),
            b("[".repeat(65) + "]".repeat(65)), b('"' + "a".repeat(10_000) + '"'), b('"' + "\\u00e9".repeat(2_000) + '"'));

    /** Whole inputs on their own. */
    static final List<byte[]> PATHOLOGICAL = List.of(
            b(""), b(" "), b("null"), b("0"), b("\"\""), b("[]"), b("{}"), b("[".repeat(100_000)), b("{\"a\":".repeat(50_000)),
            b("{\"type\":" + "[".repeat(10_000)), b('"' + "x".repeat(1 << 16) + '"'), b("9".repeat(100_000)),
            b("{" + "\"a\":1,".repeat(50_000) + "\"a\":1}"), b("\u0000".repeat(64)), new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'});

    /** Boundary integers for integer fields and binary headers. */
    static final long[] INTERESTING = {0, 1, -1, 2, 7, 255, 256, 65_535, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE,
            Integer.MAX_VALUE + 1L, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE, 262_144, 262_145, 64 << 20};

    private final List<byte[]> seeds;
    private final List<JsonNode> trees; // null entries for seeds that are not JSON
    private final int[] fieldOffsets;

    private Mutator(List<byte[]> seeds, boolean json, int[] fieldOffsets) {
        if (seeds.isEmpty()) throw new IllegalArgumentException("a mutator needs at least one valid seed");
        this.seeds = List.copyOf(seeds);
        this.fieldOffsets = fieldOffsets.clone();
        List<JsonNode> t = new ArrayList<>();
        for (byte[] s : seeds) t.add(json ? parse(s) : null);
        this.trees = t;
    }

    /** Mutates JSON texts (structure-aware) as well as their bytes. */
    public static Mutator json(List<String> seeds) {
        return new Mutator(seeds.stream().map(Mutator::b).toList(), true, new int[0]);
    }

    /** Mutates binary messages; {@code fieldOffsets} are where integer header fields start. */
    public static Mutator binary(List<byte[]> seeds, int... fieldOffsets) {
        return new Mutator(seeds, false, fieldOffsets);
    }

    @Override
    public byte[] next(Random r) {
        int p = r.nextInt(1000);
        if (p < 20) return randomBytes(r);
        if (p < 25) return PATHOLOGICAL.get(r.nextInt(PATHOLOGICAL.size()));
        int i = r.nextInt(seeds.size());
        if (p < 60) return seeds.get(i);
        if (trees.get(i) != null && p < 600) return mutateJson(trees.get(i), r);
        return mutate(seeds.get(i), r);
    }

    // ---- JSON ----

    private byte[] mutateJson(JsonNode seed, Random r) {
        JsonNode tree = seed.deepCopy();
        int ops = 1 + r.nextInt(3);
        boolean raw = false;
        for (int n = 0; n < ops; n++) {
            int op = r.nextInt(10);
            if (op == 0 && !raw) {
                tree = replaceRandom(tree, TextNode.valueOf(RAW), r);
                raw = true;
            } else {
                tree = mutateTree(tree, r);
            }
        }
        byte[] text = write(tree);
        if (raw) text = replaceFirst(text, RAW_QUOTED, RAW_TOKENS.get(r.nextInt(RAW_TOKENS.size())));
        if (r.nextInt(6) == 0) text = duplicateKey(tree, text, r);
        return text;
    }

    /**
     * One structural mutation of {@code tree} (which it may change in place): a value replaced by one of
     * another type or a boundary value, a key removed or added, two values swapped, a value wrapped.
     * Public for generators that re-sign what they mutate, so it reaches checks behind a signature.
     */
    public JsonNode mutateTree(JsonNode tree, Random r) {
        return switch (r.nextInt(6)) {
            case 0, 1 -> replaceRandom(tree, randomValue(r), r);
            case 2 -> {
                Slot s = randomSlot(tree, r);
                if (s != null) s.remove();
                yield tree;
            }
            case 3 -> {
                List<JsonNode> objects = new ArrayList<>();
                collect(tree, objects, true);
                if (!objects.isEmpty()) {
                    String key = r.nextBoolean() ? "x" + r.nextInt(100) : randomKey(tree, r);
                    ((ObjectNode) objects.get(r.nextInt(objects.size()))).set(key, randomValue(r));
                }
                yield tree;
            }
            case 4 -> {
                Slot a = randomSlot(tree, r);
                Slot c = randomSlot(tree, r);
                if (a != null && c != null) {
                    JsonNode va = a.get().deepCopy();
                    a.set(c.get().deepCopy());
                    c.set(va);
                }
                yield tree;
            }
            default -> {
                Slot s = randomSlot(tree, r);
                if (s == null) yield tree;
                JsonNode v = s.get();
                s.set(r.nextBoolean() ? F.arrayNode().add(v) : F.objectNode().set("v", v));
                yield tree;
            }
        };
    }

    private JsonNode replaceRandom(JsonNode tree, JsonNode value, Random r) {
        Slot s = randomSlot(tree, r);
        if (s == null) return value;
        s.set(value);
        return tree;
    }

    private static JsonNode randomValue(Random r) {
        return switch (r.nextInt(16)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(r.nextBoolean());
            case 2 -> F.numberNode(INTERESTING[r.nextInt(INTERESTING.length)]);
            case 3 -> F.numberNode(new BigInteger(70 + r.nextInt(60), r).negate());
            case 4 -> F.numberNode(new BigInteger(70 + r.nextInt(60), r));
            case 5 -> F.numberNode(r.nextBoolean() ? 2.5 : 2.0);
            case 6 -> F.textNode("");
            case 7 -> F.textNode(Long.toString(INTERESTING[r.nextInt(INTERESTING.length)]));
            case 8 -> F.textNode("x".repeat(r.nextInt(32) == 0 ? 100_000 : 65 + r.nextInt(2_000)));
            case 9 -> F.textNode(oddString(r));
            case 10 -> F.arrayNode();
            case 11 -> F.objectNode();
            case 12 -> F.arrayNode().addNull();
            case 13 -> F.objectNode().put("a", 1);
            case 14 -> F.textNode(r.nextBoolean() ? "true" : "null");
            default -> F.textNode(hex(r, r.nextBoolean() ? 64 : 128));
        };
    }

    private static String oddString(Random r) {
        String[] odd = {"\u0000", "|", "a|b", "\ud83d\ude00", "é", "\u202e", "\r\n", " ", "\"", "\\", "*", "..", "../x",
                "null", "now", "dm", "mw1.", "ws://", "%00", "\u00ff", "𝔘"};
        StringBuilder b = new StringBuilder();
        for (int n = 1 + r.nextInt(4); n > 0; n--) b.append(odd[r.nextInt(odd.length)]);
        return b.toString();
    }

    private static String hex(Random r, int chars) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < chars; i++) b.append("0123456789abcdef".charAt(r.nextInt(16)));
        return b.toString();
    }

    /** Writes {@code "key":<value>,} once more in front of an existing {@code "key":}. */
    private static byte[] duplicateKey(JsonNode tree, byte[] text, Random r) {
        String key = randomKey(tree, r);
        if (key.isEmpty()) return text;
        byte[] needle = b(TextNode.valueOf(key).toString() + ":");
        int at = indexOf(text, needle, 0);
        if (at < 0) return text;
        byte[] insert = concat(needle, write(randomValue(r)), b(","));
        return concat(Arrays.copyOf(text, at), insert, Arrays.copyOfRange(text, at, text.length));
    }

    private static String randomKey(JsonNode tree, Random r) {
        List<String> keys = new ArrayList<>();
        collectKeys(tree, keys);
        return keys.isEmpty() ? "" : keys.get(r.nextInt(keys.size()));
    }

    private static void collectKeys(JsonNode n, List<String> out) {
        if (n.isObject()) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        }
        for (JsonNode c : n) collectKeys(c, out);
    }

    private static void collect(JsonNode n, List<JsonNode> out, boolean objectsOnly) {
        if (!objectsOnly || n.isObject()) out.add(n);
        for (JsonNode c : n) collect(c, out, objectsOnly);
    }

    /** A place in the tree that holds a value: a field of an object or an element of an array. */
    private record Slot(JsonNode parent, String key, int index) {
        JsonNode get() {
            return key != null ? parent.get(key) : parent.get(index);
        }

        void set(JsonNode v) {
            if (key != null) ((ObjectNode) parent).set(key, v);
            else ((ArrayNode) parent).set(index, v);
        }

        void remove() {
            if (key != null) ((ObjectNode) parent).remove(key);
            else ((ArrayNode) parent).remove(index);
        }
    }

    private static Slot randomSlot(JsonNode tree, Random r) {
        List<Slot> slots = new ArrayList<>();
        slots(tree, slots);
        return slots.isEmpty() ? null : slots.get(r.nextInt(slots.size()));
    }

    private static void slots(JsonNode n, List<Slot> out) {
        if (n.isObject()) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                out.add(new Slot(n, k, -1));
                slots(n.get(k), out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                out.add(new Slot(n, null, i));
                slots(n.get(i), out);
            }
        }
    }

    // ---- bytes ----

    /** One to four byte-level mutations of {@code input} (which is not changed). */
    public byte[] mutate(byte[] input, Random r) {
        byte[] out = input;
        for (int n = 1 + r.nextInt(4); n > 0; n--) out = mutateBytes(out, r);
        return out;
    }

    private byte[] mutateBytes(byte[] in, Random r) {
        int len = in.length;
        switch (r.nextInt(11)) {
            case 0 -> {
                if (len == 0) return in;
                byte[] out = in.clone();
                int at = r.nextInt(len);
                out[at] ^= (byte) (1 << r.nextInt(8));
                return out;
            }
            case 1 -> {
                if (len == 0) return in;
                byte[] out = in.clone();
                byte[] interesting = {0, (byte) 0xff, 0x7f, (byte) 0x80, '"', '\\', '{', '}', '[', ']', ',', ':', (byte) 0xc0, (byte) 0xed, 1, 2};
                out[r.nextInt(len)] = interesting[r.nextInt(interesting.length)];
                return out;
            }
            case 2 -> {
                if (len == 0) return in;
                int at = r.nextInt(len);
                int n = 1 + r.nextInt(Math.min(len - at, r.nextBoolean() ? 16 : Math.max(1, len / 2)));
                return concat(Arrays.copyOf(in, at), Arrays.copyOfRange(in, at + n, len));
            }
            case 3 -> {
                byte[] ins = new byte[1 + r.nextInt(16)];
                r.nextBytes(ins);
                int at = r.nextInt(len + 1);
                return concat(Arrays.copyOf(in, at), ins, Arrays.copyOfRange(in, at, len));
            }
            case 4 -> {
                int at = r.nextInt(len + 1);
                byte[] tok = trees.get(0) != null ? RAW_TOKENS.get(r.nextInt(RAW_TOKENS.size())) : intBytes(r);
                return concat(Arrays.copyOf(in, at), tok, Arrays.copyOfRange(in, at, len));
            }
            case 5 -> {
                if (len == 0) return in;
                int at = r.nextInt(len);
                int n = 1 + r.nextInt(Math.min(len - at, 64));
                return concat(Arrays.copyOf(in, at + n), Arrays.copyOfRange(in, at, len));
            }
            case 6 -> {
                return Arrays.copyOf(in, len == 0 ? 0 : r.nextInt(len));
            }
            case 7 -> {
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int a = r.nextInt(len + 1);
                int c = r.nextInt(other.length + 1);
                return concat(Arrays.copyOf(in, a), Arrays.copyOfRange(other, c, other.length));
            }
            case 8, 9 -> {
                byte[] v = intBytes(r);
                if (len < v.length) return in;
                int at = fieldOffsets.length > 0 && r.nextInt(4) > 0 ? fieldOffsets[r.nextInt(fieldOffsets.length)] : r.nextInt(len - v.length + 1);
                if (at + v.length > len) return in;
                byte[] out = in.clone();
                System.arraycopy(v, 0, out, at, v.length);
                return out;
            }
            default -> {
                return concat(in, in);
            }
        }
    }

    /** A boundary value, big-endian, as 1, 2, 4 or 8 bytes (or the length-related neighbours of 4-byte fields). */
    private static byte[] intBytes(Random r) {
        long v = INTERESTING[r.nextInt(INTERESTING.length)] + (r.nextInt(4) == 0 ? r.nextInt(3) - 1 : 0);
        return switch (r.nextInt(4)) {
            case 0 -> new byte[] {(byte) v};
            case 1 -> ByteBuffer.allocate(2).putShort((short) v).array();
            case 2 -> ByteBuffer.allocate(4).putInt((int) v).array();
            default -> ByteBuffer.allocate(8).putLong(v).array();
        };
    }

    private static byte[] randomBytes(Random r) {
        byte[] b = new byte[r.nextInt(r.nextBoolean() ? 32 : 2048)];
        r.nextBytes(b);
        return b;
    }

    // ---- helpers ----

    private static JsonNode parse(byte[] text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("a JSON seed must be valid JSON: " + new String(text, StandardCharsets.UTF_8), e);
        }
    }

    private static byte[] write(JsonNode n) {
        try {
            return Json.MAPPER.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] replaceFirst(byte[] text, byte[] needle, byte[] with) {
        int at = indexOf(text, needle, 0);
        if (at < 0) return text;
        return concat(Arrays.copyOf(text, at), with, Arrays.copyOfRange(text, at + needle.length, text.length));
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
