package dev.meshwire.turn.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.ice4j.StunException;
import org.ice4j.message.Message;

/**
 * The byte-level STUN work the fuzz clients do themselves, so that a mutated message can be signed again
 * (ice4j's MESSAGE-INTEGRITY needs a whole StunStack): attribute walking, long-term MESSAGE-INTEGRITY
 * (RFC 8489 §14.5) and FINGERPRINT (§14.7), and reading the few response fields a client needs.
 *
 * <p>Walking never trusts the header's length field: it follows the attributes as far as the buffer holds
 * whole ones, which is also how far a lenient server could read.
 */
final class StunBytes {
    static final int HEADER = 20;
    static final int MESSAGE_INTEGRITY = 0x0008;
    static final int FINGERPRINT = 0x8028;
    static final int ERROR_CODE = 0x0009;
    static final int REALM = 0x0014;
    static final int NONCE = 0x0015;
    static final int XOR_RELAYED_ADDRESS = 0x0016;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    private static final int MAGIC_COOKIE = 0x2112A442;

    private StunBytes() {}

    /** One attribute found in a buffer: its type, where its value starts and how long the value is. */
    record Attr(int type, int valueOffset, int length) {
        byte[] value(byte[] message) {
            return Arrays.copyOfRange(message, valueOffset, valueOffset + length);
        }
    }

    /** The attributes after the header, as far as whole ones fit in {@code m} (padding to 4 bytes between them). */
    static List<Attr> attributes(byte[] m) {
        List<Attr> out = new ArrayList<>();
        int at = HEADER;
        while (at + 4 <= m.length) {
            int type = u16(m, at);
            int len = u16(m, at + 2);
            if (at + 4 + len > m.length) break;
            out.add(new Attr(type, at + 4, len));
            at += 4 + ((len + 3) & ~3);
        }
        return out;
    }

    static Attr find(byte[] m, int type) {
        for (Attr a : attributes(m)) if (a.type() == type) return a;
        return null;
    }

    /** Whether {@code m} starts like a STUN message (first two bits 0, magic cookie, room for the header). */
    static boolean looksLikeStun(byte[] m, int offset, int length) {
        return length >= HEADER && (m[offset] & 0xc0) == 0 && ByteBuffer.wrap(m, offset + 4, 4).getInt() == MAGIC_COOKIE;
    }

    static int messageType(byte[] m) {
        return u16(m, 0);
    }

    static byte[] transactionId(byte[] m) {
        return Arrays.copyOfRange(m, 8, 20);
    }

    /** The class bits of a message type: 0 request, 1 indication, 2 success, 3 error. */
    static int messageClass(int type) {
        return ((type >> 7) & 0x2) | ((type >> 4) & 0x1);
    }

    static int method(int type) {
        return (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
    }

    /** The ERROR-CODE of an error response as a number (e.g. 401), or -1 when absent or short. */
    static int errorCode(byte[] m) {
        Attr a = find(m, ERROR_CODE);
        if (a == null || a.length() < 4) return -1;
        return (m[a.valueOffset() + 2] & 0x7) * 100 + (m[a.valueOffset() + 3] & 0xff);
    }

    /** The port of an XOR-*-ADDRESS attribute value (IPv4 or IPv6). */
    static int xorPort(byte[] m, Attr a) {
        return u16(m, a.valueOffset() + 2) ^ (MAGIC_COOKIE >>> 16);
    }

    /** The long-term credential key: MD5(username ":" realm ":" password). */
    static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5").digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    /** An ice4j message encoded without a stack (so without MESSAGE-INTEGRITY: that is added by {@link #sign}). */
    static byte[] encode(Message message, byte[] transactionId) {
        try {
            message.setTransactionID(transactionId);
        } catch (StunException e) {
            throw new IllegalStateException(e);
        }
        return message.encode(null);
    }

    /** {@code m} with one more attribute (padded) and the header length updated. */
    static byte[] append(byte[] m, int type, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(m);
        out.writeBytes(ByteBuffer.allocate(4).putShort((short) type).putShort((short) value.length).array());
        out.writeBytes(value);
        out.writeBytes(new byte[(4 - value.length % 4) % 4]);
        byte[] r = out.toByteArray();
        ByteBuffer.wrap(r).putShort(2, (short) (r.length - HEADER));
        return r;
    }

    /** {@code m} with MESSAGE-INTEGRITY (key {@code key}) and FINGERPRINT appended: a correctly signed message. */
    static byte[] sign(byte[] m, byte[] key) {
        byte[] withMi = append(m, MESSAGE_INTEGRITY, new byte[20]);
        resign(withMi, key);
        byte[] withFp = append(withMi, FINGERPRINT, new byte[4]);
        resign(withFp, key);
        return withFp;
    }

    /**
     * Recomputes, in place, the value of the first MESSAGE-INTEGRITY and of a FINGERPRINT after it, over the bytes
     * in front of each with the length field taken as the RFC says a receiver takes it (up to the end of that
     * attribute) — whatever the header on the wire says. A mutated message signed this way gets past the integrity
     * check, so its mutation reaches the code behind it. Returns whether there was a MESSAGE-INTEGRITY to sign.
     */
    static boolean resign(byte[] m, byte[] key) {
        boolean signed = false;
        for (Attr a : attributes(m)) {
            if (a.type() == MESSAGE_INTEGRITY && !signed && a.length() == 20) {
                byte[] text = Arrays.copyOf(m, a.valueOffset() - 4);
                putU16(text, 2, a.valueOffset() + 20 - HEADER);
                System.arraycopy(hmacSha1(key, text), 0, m, a.valueOffset(), 20);
                signed = true;
            } else if (a.type() == FINGERPRINT && a.length() == 4) {
                byte[] text = Arrays.copyOf(m, a.valueOffset() - 4);
                putU16(text, 2, a.valueOffset() + 4 - HEADER);
                CRC32 crc = new CRC32();
                crc.update(text);
                ByteBuffer.wrap(m).putInt(a.valueOffset(), (int) crc.getValue() ^ 0x5354554e);
                break;
            }
        }
        return signed;
    }

    /** Replaces the value of every NONCE attribute whose length is {@code nonce.length} by {@code nonce}. */
    static void replaceNonce(byte[] m, byte[] nonce) {
        for (Attr a : attributes(m)) {
            if (a.type() == NONCE && a.length() == nonce.length) System.arraycopy(nonce, 0, m, a.valueOffset(), nonce.length);
        }
    }

    /** A ChannelData message: channel number, length and {@code data}, padded to 4 bytes when {@code padded}. */
    static byte[] channelData(int channel, byte[] data, boolean padded) {
        int pad = padded ? (4 - data.length % 4) % 4 : 0;
        ByteBuffer b = ByteBuffer.allocate(4 + data.length + pad);
        b.putShort((short) channel).putShort((short) data.length).put(data);
        return b.array();
    }

    private static byte[] hmacSha1(byte[] key, byte[] text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(text);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }

    /** Writes {@code length} into the header's length field. */
    static void setLength(byte[] m, int length) {
        putU16(m, 2, length);
    }

    static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    private static void putU16(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 8);
        b[at + 1] = (byte) v;
    }
}
