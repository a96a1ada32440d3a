package dev.meshwire.turn.server.stun;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) and FINGERPRINT (CRC-32 xor 0x5354554E, §14.7) over encoded STUN
 * bytes: the piece ice4j only offers through a StunStack. Not thread-safe (one instance per event loop: the Mac and
 * CRC objects are reused so a request costs no JCA lookups).
 */
public final class Integrity {
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int FINGERPRINT = 0x8028;
    private static final int FINGERPRINT_XOR = 0x5354554E;

    private final Mac mac;
    private final CRC32 crc = new CRC32();

    public Integrity() {
        try {
            mac = Mac.getInstance("HmacSHA1");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }

    /** The long-term credential key: MD5(username ":" realm ":" password) (RFC 8489 §9.2.2, no SASLprep). */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    /**
     * Appends MESSAGE-INTEGRITY under {@code key} (when not null) and then FINGERPRINT to a complete encoded message
     * that has neither, fixing the header length each time as the RFC requires.
     */
    public byte[] seal(byte[] encoded, byte[] key) {
        int len = encoded.length;
        byte[] out = Arrays.copyOf(encoded, len + (key != null ? 24 : 0) + 8);
        if (key != null) {
            setLength(out, len - 20 + 24);
            byte[] hmac = hmac(key, out, 0, len);
            putHeader(out, len, MESSAGE_INTEGRITY, 20);
            System.arraycopy(hmac, 0, out, len + 4, 20);
            len += 24;
        }
        setLength(out, len - 20 + 8);
        putHeader(out, len, FINGERPRINT, 4);
        int fp = crc32(out, 0, len) ^ FINGERPRINT_XOR;
        out[len + 4] = (byte) (fp >>> 24);
        out[len + 5] = (byte) (fp >>> 16);
        out[len + 6] = (byte) (fp >>> 8);
        out[len + 7] = (byte) fp;
        return out;
    }

    /**
     * Whether the MESSAGE-INTEGRITY of {@code msg[0, length)} verifies under {@code key}. The HMAC covers the message
     * up to the attribute with the header length set as if MESSAGE-INTEGRITY were the last attribute (attributes after
     * it, i.e. FINGERPRINT, are excluded). False when the message has no MESSAGE-INTEGRITY or is malformed.
     */
    public boolean verify(byte[] msg, int length, byte[] key) {
        int at = findAttribute(msg, length, MESSAGE_INTEGRITY);
        if (at < 0 || at + 24 > length) return false;
        if (((msg[at + 2] & 0xff) << 8 | (msg[at + 3] & 0xff)) != 20) return false;
        int fakeLen = at - 20 + 24;
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("an HMAC-SHA1 key of any length is valid", e);
        }
        mac.update(msg, 0, 2);
        mac.update((byte) (fakeLen >>> 8));
        mac.update((byte) fakeLen);
        mac.update(msg, 4, at - 4);
        byte[] expected = mac.doFinal();
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(msg, at + 4, at + 24));
    }

    /** Whether the FINGERPRINT (if any) of {@code msg[0, length)} is right; true when the message carries none. */
    public boolean fingerprintOk(byte[] msg, int length) {
        int at = findAttribute(msg, length, FINGERPRINT);
        if (at < 0) return true;
        if (at + 8 != length) return false; // FINGERPRINT must be last
        int want = ((msg[at + 4] & 0xff) << 24) | ((msg[at + 5] & 0xff) << 16) | ((msg[at + 6] & 0xff) << 8) | (msg[at + 7] & 0xff);
        return (crc32(msg, 0, at) ^ FINGERPRINT_XOR) == want;
    }

    /**
     * Offset of the first attribute of {@code type} in a STUN message, or -1. Walks the TLVs from byte 20, stopping at
     * the first one that overruns the message.
     */
    public static int findAttribute(byte[] msg, int length, int type) {
        int p = 20;
        while (p + 4 <= length) {
            int t = (msg[p] & 0xff) << 8 | (msg[p + 1] & 0xff);
            int l = (msg[p + 2] & 0xff) << 8 | (msg[p + 3] & 0xff);
            if (t == type) return p;
            p += 4 + ((l + 3) & ~3);
        }
        return -1;
    }

    private byte[] hmac(byte[] key, byte[] data, int off, int len) {
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("an HMAC-SHA1 key of any length is valid", e);
        }
        mac.update(data, off, len);
        return mac.doFinal();
    }

    private int crc32(byte[] data, int off, int len) {
        crc.reset();
        crc.update(data, off, len);
        return (int) crc.getValue();
    }

    private static void setLength(byte[] msg, int length) {
        msg[2] = (byte) (length >>> 8);
        msg[3] = (byte) length;
    }

    private static void putHeader(byte[] msg, int at, int type, int length) {
        msg[at] = (byte) (type >>> 8);
        msg[at + 1] = (byte) type;
        msg[at + 2] = (byte) (length >>> 8);
        msg[at + 3] = (byte) length;
    }
}
