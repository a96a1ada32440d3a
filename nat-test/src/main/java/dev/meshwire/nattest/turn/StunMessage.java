package dev.meshwire.nattest.turn;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The STUN message codec (RFC 5389 section 6 and 15, with the TURN attributes of RFC 8656 section 18), only as much
 * of it as {@link TurnClient} needs: IPv4 addresses, long-term credentials, FINGERPRINT. JDK only, so the probe
 * runs from {@code target/classes} inside a namespace.
 */
public final class StunMessage {
    static final int MAGIC_COOKIE = 0x2112A442;
    static final int HEADER = 20;

    // methods (RFC 5389 18.1, RFC 8656 17)
    public static final int ALLOCATE = 0x003;
    public static final int CREATE_PERMISSION = 0x008;

    // classes, as the two bits C1 C0
    public static final int REQUEST = 0b00;
    public static final int SUCCESS = 0b10;
    public static final int ERROR = 0b11;

    // attributes (RFC 5389 18.2, RFC 8656 18)
    static final int USERNAME = 0x0006;
    static final int MESSAGE_INTEGRITY = 0x0008;
    static final int ERROR_CODE = 0x0009;
    static final int LIFETIME = 0x000D;
    static final int XOR_PEER_ADDRESS = 0x0012;
    static final int REALM = 0x0014;
    static final int NONCE = 0x0015;
    static final int XOR_RELAYED_ADDRESS = 0x0016;
    static final int REQUESTED_TRANSPORT = 0x0019;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    static final int FINGERPRINT = 0x8028;
    private static final int FINGERPRINT_XOR = 0x5354554E;

    private static final SecureRandom RANDOM = new SecureRandom();

    record Attribute(int type, byte[] value) {}

    private final int method;
    private final int messageClass;
    private final byte[] transactionId;
    private final List<Attribute> attributes = new ArrayList<>();
    /** The bytes this message was decoded from (null for one we build): MESSAGE-INTEGRITY is checked over them. */
    private final byte[] raw;

    private StunMessage(int method, int messageClass, byte[] transactionId, byte[] raw) {
        this.method = method;
        this.messageClass = messageClass;
        this.transactionId = transactionId;
        this.raw = raw;
    }

    /** A new request with a fresh random 96-bit transaction id. */
    public static StunMessage request(int method) {
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        return new StunMessage(method, REQUEST, tid, null);
    }

    public int method() {
        return method;
    }

    public int messageClass() {
        return messageClass;
    }

    byte[] transactionId() {
        return transactionId.clone();
    }

    StunMessage add(int type, byte[] value) {
        attributes.add(new Attribute(type, value.clone()));
        return this;
    }

    StunMessage addString(int type, String value) {
        return add(type, value.getBytes(StandardCharsets.UTF_8));
    }

    /** First value of attribute {@code type}, or null. */
    byte[] get(int type) {
        for (Attribute a : attributes) if (a.type() == type) return a.value().clone();
        return null;
    }

    String getString(int type) {
        byte[] v = get(type);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** ERROR-CODE as class*100+number (RFC 5389 15.6), or 0 when absent. */
    int errorCode() {
        byte[] v = get(ERROR_CODE);
        return v == null || v.length < 4 ? 0 : (v[2] & 0x07) * 100 + (v[3] & 0xFF);
    }

    String errorReason() {
        byte[] v = get(ERROR_CODE);
        return v == null || v.length < 4 ? null : new String(v, 4, v.length - 4, StandardCharsets.UTF_8);
    }

    /** An XOR-*-ADDRESS attribute, decoded; null when absent or not IPv4. */
    InetSocketAddress getXorAddress(int type) {
        byte[] v = get(type);
        if (v == null || v.length != 8 || v[1] != 0x01) return null;
        int port = ((v[2] & 0xFF) << 8 | (v[3] & 0xFF)) ^ (MAGIC_COOKIE >>> 16);
        int ip = ByteBuffer.wrap(v, 4, 4).getInt() ^ MAGIC_COOKIE;
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(ip).array()), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    /** The value of an XOR-*-ADDRESS attribute for an IPv4 address (family 0x01, port and address XOR the cookie). */
    static byte[] xorAddress(InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        if (ip.length != 4) throw new IllegalArgumentException("IPv4 only: " + a);
        return ByteBuffer.allocate(8).put((byte) 0).put((byte) 0x01)
                .putShort((short) (a.getPort() ^ (MAGIC_COOKIE >>> 16)))
                .putInt(ByteBuffer.wrap(ip).getInt() ^ MAGIC_COOKIE).array();
    }

    // ------------------------------------------------------------------ encoding

    /**
     * The wire bytes. With a {@code key}, MESSAGE-INTEGRITY (HMAC-SHA1 over everything before it, the header length
     * already counting it) is appended; FINGERPRINT (CRC-32 XOR 0x5354554E) always comes last (RFC 5389 15.4, 15.5).
     */
    public byte[] encode(byte[] key) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Attribute a : attributes) writeAttribute(body, a.type(), a.value());
        if (key != null) {
            byte[] before = withHeader(body.toByteArray(), body.size() + 24);
            writeAttribute(body, MESSAGE_INTEGRITY, hmacSha1(key, before));
        }
        byte[] before = withHeader(body.toByteArray(), body.size() + 8);
        writeAttribute(body, FINGERPRINT, ByteBuffer.allocate(4).putInt(crc(before) ^ FINGERPRINT_XOR).array());
        return withHeader(body.toByteArray(), body.size());
    }

    private byte[] withHeader(byte[] attrs, int declaredLength) {
        return ByteBuffer.allocate(HEADER + attrs.length).putShort((short) type(method, messageClass))
                .putShort((short) declaredLength).putInt(MAGIC_COOKIE).put(transactionId).put(attrs).array();
    }

    private static void writeAttribute(ByteArrayOutputStream out, int type, byte[] value) {
        int padded = (value.length + 3) & ~3;
        out.writeBytes(ByteBuffer.allocate(4 + padded).putShort((short) type).putShort((short) value.length)
                .put(value).array());
    }

    /** Interleaves the 12 method bits with the class bits C0 (bit 4) and C1 (bit 8), RFC 5389 figure 3. */
    static int type(int method, int messageClass) {
        return (method & 0x000F) | (method & 0x0070) << 1 | (method & 0x0F80) << 2
                | (messageClass & 1) << 4 | (messageClass & 2) << 7;
    }

    // ------------------------------------------------------------------ decoding

    /** Length of the whole message whose 20-byte header is at {@code header[0..]}, for stream framing. */
    static int totalLength(byte[] header) {
        return HEADER + ((header[2] & 0xFF) << 8 | (header[3] & 0xFF));
    }

    /** Parses one message; throws if it is not STUN or its FINGERPRINT (when present) is wrong. */
    public static StunMessage decode(byte[] buf, int len) {
        if (len < HEADER || (buf[0] & 0xC0) != 0) throw new IllegalArgumentException("not a STUN message");
        ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
        int type = b.getShort() & 0xFFFF;
        int length = b.getShort() & 0xFFFF;
        if (b.getInt() != MAGIC_COOKIE) throw new IllegalArgumentException("no magic cookie");
        if (HEADER + length != len || length % 4 != 0) throw new IllegalArgumentException("bad length " + length);
        byte[] tid = new byte[12];
        b.get(tid);
        int method = (type & 0x000F) | (type & 0x00E0) >> 1 | (type & 0x3E00) >> 2;
        int cls = (type >> 4 & 1) | (type >> 7 & 2);
        StunMessage m = new StunMessage(method, cls, tid, Arrays.copyOf(buf, len));
        while (b.remaining() >= 4) {
            int at = b.position();
            int t = b.getShort() & 0xFFFF, l = b.getShort() & 0xFFFF;
            if (l > b.remaining()) throw new IllegalArgumentException("attribute 0x" + Integer.toHexString(t) + " overruns");
            byte[] v = new byte[l];
            b.get(v);
            b.position(Math.min(b.limit(), b.position() + ((4 - l % 4) % 4)));
            if (t == FINGERPRINT) {
                byte[] before = Arrays.copyOf(buf, at);
                if (ByteBuffer.wrap(v).getInt() != (crc(before) ^ FINGERPRINT_XOR)) {
                    throw new IllegalArgumentException("bad FINGERPRINT");
                }
            }
            m.attributes.add(new Attribute(t, v));
        }
        return m;
    }

    /**
     * Whether this (decoded) message carries a MESSAGE-INTEGRITY made with {@code key}: the HMAC covers the bytes
     * before the attribute, with the header length rewritten to end just after it.
     */
    boolean integrityValid(byte[] key) {
        if (raw == null) return false;
        int at = HEADER;
        while (at + 4 <= raw.length) {
            int t = (raw[at] & 0xFF) << 8 | (raw[at + 1] & 0xFF);
            int l = (raw[at + 2] & 0xFF) << 8 | (raw[at + 3] & 0xFF);
            if (t == MESSAGE_INTEGRITY && l == 20) {
                byte[] covered = Arrays.copyOf(raw, at);
                int declared = at + 24 - HEADER;
                covered[2] = (byte) (declared >> 8);
                covered[3] = (byte) declared;
                return MessageDigest.isEqual(hmacSha1(key, covered), Arrays.copyOfRange(raw, at + 4, at + 24));
            }
            at += 4 + ((l + 3) & ~3);
        }
        return false;
    }

    // ------------------------------------------------------------------ crypto

    /** The long-term credential key, MD5(username ":" realm ":" password) (RFC 5389 15.4; no SASLprep: ASCII only). */
    static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5")
                    .digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    private static byte[] hmacSha1(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }

    private static int crc(byte[] data) {
        CRC32 c = new CRC32();
        c.update(data);
        return (int) c.getValue();
    }
}
