package dev.meshwire.turn.server.stun;

/**
 * The two TURN attributes whose ice4j decoders follow an old draft and reject what RFC 8656 clients send: EVEN-PORT
 * (1 byte in the RFC, 4 in ice4j) and REQUESTED-ADDRESS-FAMILY (4 bytes in the RFC, 1 in ice4j). They are read here
 * from the raw bytes and retyped, in a copy, to comprehension-optional types that ice4j keeps as opaque attributes,
 * so the rest of the message still decodes with ice4j. The original bytes are kept for MESSAGE-INTEGRITY.
 * Decode {@code forDecoder} whole: it may be shorter than the original (no FINGERPRINT).
 *
 * @param forDecoder     the bytes to give ice4j (the original array when neither attribute is present)
 * @param evenPort       -1 without EVEN-PORT, 0 with it, 1 with its R bit (reserve the next port)
 * @param requestedFamily 0 without REQUESTED-ADDRESS-FAMILY, else its family byte (1 IPv4, 2 IPv6)
 */
public record DraftAttributes(byte[] forDecoder, int evenPort, int requestedFamily) {
    public static final int EVEN_PORT = 0x0018;
    public static final int REQUESTED_ADDRESS_FAMILY = 0x0017;
    private static final int HIDDEN_EVEN_PORT = 0xBFF0;
    private static final int HIDDEN_FAMILY = 0xBFF1;

    public static DraftAttributes read(byte[] raw, int length) {
        int even = Integrity.findAttribute(raw, length, EVEN_PORT);
        int family = Integrity.findAttribute(raw, length, REQUESTED_ADDRESS_FAMILY);
        if (even < 0 && family < 0) return new DraftAttributes(raw, -1, 0);
        // ice4j re-checks FINGERPRINT over the bytes it is given, which the retyping changes: the copy leaves it out
        // (the caller verified it on the original)
        int fp = Integrity.findAttribute(raw, length, Integrity.FINGERPRINT);
        int copyLength = fp >= 0 && fp + 8 == length ? fp : length;
        byte[] copy = java.util.Arrays.copyOf(raw, copyLength);
        copy[2] = (byte) ((copyLength - 20) >>> 8);
        copy[3] = (byte) (copyLength - 20);
        int evenPort = -1;
        int requestedFamily = 0;
        if (even >= 0) {
            evenPort = even + 4 < length && valueLength(raw, even) >= 1 ? (raw[even + 4] & 0x80) != 0 ? 1 : 0 : 0;
            retype(copy, even, HIDDEN_EVEN_PORT);
        }
        if (family >= 0) {
            requestedFamily = family + 4 < length && valueLength(raw, family) >= 1 ? raw[family + 4] & 0xff : 0xff;
            retype(copy, family, HIDDEN_FAMILY);
        }
        return new DraftAttributes(copy, evenPort, requestedFamily);
    }

    private static int valueLength(byte[] raw, int at) {
        return (raw[at + 2] & 0xff) << 8 | (raw[at + 3] & 0xff);
    }

    private static void retype(byte[] b, int at, int type) {
        if (at + 1 >= b.length) return; // after the FINGERPRINT: not in the copy
        b[at] = (byte) (type >>> 8);
        b[at + 1] = (byte) type;
    }
}
