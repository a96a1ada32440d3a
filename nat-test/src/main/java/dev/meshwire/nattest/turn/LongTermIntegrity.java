package dev.meshwire.nattest.turn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.FingerprintAttribute;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.message.Message;

/**
 * The long-term credential mechanism (RFC 8489 9.2) on top of ice4j's codec, for a client that has no ice4j
 * {@code StunStack}. ice4j computes MESSAGE-INTEGRITY only inside {@link Message#encode} with a running stack whose
 * credentials manager hands out the key, which a one-shot probe in a namespace does not have; everything else (the
 * message, its attributes, HMAC-SHA1, CRC-32) is ice4j's. This class only places the two trailing attributes and
 * sets the header length each one is computed over.
 *
 * <p>Contract: {@link #encode} takes a message with neither MESSAGE-INTEGRITY nor FINGERPRINT and returns the wire
 * bytes with MESSAGE-INTEGRITY (when a key is given) and FINGERPRINT appended, in that order. {@link #valid} checks
 * the MESSAGE-INTEGRITY of a received message against its raw bytes.
 */
public final class LongTermIntegrity {
    private static final int HEADER = Message.HEADER_LENGTH;
    private static final int INTEGRITY_ATTRIBUTE = 4 + 20;
    private static final int FINGERPRINT_ATTRIBUTE = 4 + 4;

    private LongTermIntegrity() {}

    /** The long-term key MD5(username ":" realm ":" password) (RFC 8489 9.2.2; REST usernames are ASCII). */
    public static byte[] key(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    /**
     * ice4j's encoding of {@code m}, then MESSAGE-INTEGRITY keyed with {@code key} (none when null) and FINGERPRINT.
     * Each is computed over the message before it with the header length already counting it (RFC 8489 14.5, 14.7).
     */
    public static byte[] encode(Message m, byte[] key) {
        if (m.containsAttribute(Attribute.MESSAGE_INTEGRITY) || m.containsAttribute(Attribute.FINGERPRINT)) {
            throw new IllegalArgumentException("the message already has MESSAGE-INTEGRITY or FINGERPRINT");
        }
        byte[] wire = m.encode(null); // no content-dependent attribute, so ice4j needs no stack
        if (key != null) {
            byte[] signed = withLength(wire, wire.length - HEADER + INTEGRITY_ATTRIBUTE);
            wire = append(signed, Attribute.MESSAGE_INTEGRITY,
                    MessageIntegrityAttribute.calculateHmacSha1(signed, 0, signed.length, key));
        }
        byte[] covered = withLength(wire, wire.length - HEADER + FINGERPRINT_ATTRIBUTE);
        return append(covered, Attribute.FINGERPRINT, FingerprintAttribute.calculateXorCRC32(covered, 0, covered.length));
    }

    /**
     * Whether {@code decoded} (parsed from {@code raw}) carries a MESSAGE-INTEGRITY made with {@code key}: the HMAC
     * over the bytes before the attribute, with the header length ending just after it. False when it has none.
     */
    public static boolean valid(byte[] raw, Message decoded, byte[] key) {
        if (key == null || !(decoded.getAttribute(Attribute.MESSAGE_INTEGRITY) instanceof MessageIntegrityAttribute mi)) {
            return false;
        }
        int at = mi.getLocationInMessage();
        if (at < HEADER || at + INTEGRITY_ATTRIBUTE > raw.length) return false;
        byte[] signed = withLength(Arrays.copyOf(raw, at), at - HEADER + INTEGRITY_ATTRIBUTE);
        return MessageDigest.isEqual(mi.getHmacSha1Content(),
                MessageIntegrityAttribute.calculateHmacSha1(signed, 0, signed.length, key));
    }

    private static byte[] withLength(byte[] message, int length) {
        byte[] copy = message.clone();
        copy[2] = (byte) (length >> 8);
        copy[3] = (byte) length;
        return copy;
    }

    private static byte[] append(byte[] message, char type, byte[] value) {
        return ByteBuffer.allocate(message.length + 4 + value.length).put(message)
                .putShort((short) type).putShort((short) value.length).put(value).array();
    }
}
