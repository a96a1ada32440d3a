package dev.meshwire.peer.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.envelope.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * What one channel message (after {@link ChannelFraming} reassembly) carries. A message starting
 * with {@code '{'} is one Envelope v2 in its JSON form, byte for byte what the relay's {@code send}
 * frame carries in {@code envelope}. A message starting with byte {@code 0x01} is a ping (followed
 * by up to 64 opaque bytes); its channel ack is the reply, so its round trip is the ping time.
 *
 * <p>A <b>heartbeat</b> is a ping with a fixed shape: {@code 0x01 'M' 'W' 'H' 'B'} + u32 sequence
 * (9 bytes). The engine sends one every 3 s on each open channel and answers the peer's at once
 * (its ack is the pong) without handing it to the listener. Because it is an ordinary ping, a peer
 * that predates heartbeats acks it like any ping: no new frame type goes on the wire
 * (docs/p2p.md, "Heartbeat").
 *
 * <p>A message starting with byte {@code 0x02} is one Envelope v2 in its <b>binary form</b> (docs/p2p.md
 * "Binary envelopes"): u32 header length, the envelope's JSON with {@code body.ciphertext} empty, then the
 * ciphertext's raw bytes. The receiver puts the standard base64 of those bytes back into {@code body.ciphertext},
 * so the envelope, its checks and its one canonical signing string are the JSON form's exactly; the wire carries
 * 25% fewer bytes and neither side runs the JSON codec over the ciphertext. A sender uses it only toward a peer that
 * declares the {@value #FEATURE_BINARY_ENVELOPE} feature, so an older receiver never sees it.
 */
public final class ChannelPayload {
    public static final byte PING = 0x01;
    public static final byte BINARY_ENVELOPE = 0x02;
    /** The {@code capabilities.features} label of a receiver that takes {@link #binaryEnvelope} messages. */
    public static final String FEATURE_BINARY_ENVELOPE = "envelope_binary";
    /** The most a binary envelope's header (everything but the ciphertext) may take. */
    public static final int MAX_BINARY_HEADER_BYTES = 64 * 1024;

    private ChannelPayload() {}

    public static byte[] envelope(Envelope env) {
        try {
            return Json.MAPPER.writeValueAsBytes(env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The binary form of {@code env}, or its JSON form ({@link #envelope}) when the ciphertext is not canonical
     * standard base64 (the receiver could not restore the exact text, and the signature covers the text).
     */
    public static byte[] binaryEnvelope(Envelope env) {
        Body b = env.body();
        if (b == null || b.ciphertext() == null) return envelope(env);
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(b.ciphertext());
        } catch (IllegalArgumentException e) {
            return envelope(env);
        }
        if (!Base64.getEncoder().encodeToString(raw).equals(b.ciphertext())) return envelope(env);
        byte[] head = envelope(new Envelope(env.v(), env.channel(), env.target(), env.from(), new Body(b.nonce(), "", b.bodyVersion()),
                env.meta(), env.signature()));
        byte[] out = new byte[5 + head.length + raw.length];
        out[0] = BINARY_ENVELOPE;
        out[1] = (byte) (head.length >>> 24);
        out[2] = (byte) (head.length >>> 16);
        out[3] = (byte) (head.length >>> 8);
        out[4] = (byte) head.length;
        System.arraycopy(head, 0, out, 5, head.length);
        System.arraycopy(raw, 0, out, 5 + head.length, raw.length);
        return out;
    }

    public static byte[] ping(long nonce) {
        byte[] b = new byte[9];
        b[0] = PING;
        for (int i = 0; i < 8; i++) b[1 + i] = (byte) (nonce >>> (56 - 8 * i));
        return b;
    }

    /** The engine's heartbeat: a 9-byte ping {@code 0x01 'M' 'W' 'H' 'B'} + u32 {@code seq}. */
    public static byte[] heartbeat(int seq) {
        return new byte[] {PING, 'M', 'W', 'H', 'B', (byte) (seq >>> 24), (byte) (seq >>> 16), (byte) (seq >>> 8), (byte) seq};
    }

    /** True for the exact heartbeat shape (a subset of {@link #isPing}). */
    public static boolean isHeartbeat(byte[] m) {
        return m.length == 9 && m[0] == PING && m[1] == 'M' && m[2] == 'W' && m[3] == 'H' && m[4] == 'B';
    }

    public static boolean isPing(byte[] m) {
        return m.length >= 1 && m.length <= 65 && m[0] == PING;
    }

    /** An envelope in either form (JSON or binary); {@link #decodeEnvelope} says whether it is a valid one. */
    public static boolean isEnvelope(byte[] m) {
        return m.length >= 2 && (m[0] == '{' || m[0] == BINARY_ENVELOPE);
    }

    /**
     * The envelope, held to the relay's rules (docs/protocol.md §1, §4): every field of its declared type and
     * {@code meta} with no key beyond its closed set, so a channel cannot carry what the coordinator would refuse.
     *
     * @throws IOException if the bytes are not such an envelope (the message names the field and the rule)
     */
    public static Envelope decodeEnvelope(byte[] m) throws IOException {
        if (m.length > 0 && m[0] == BINARY_ENVELOPE) return decodeBinary(m);
        JsonNode tree = Json.MAPPER.readTree(m);
        String problem = FrameCodec.shapeProblem(tree, Envelope.class);
        if (problem != null) throw new IOException("envelope: " + problem);
        return Json.MAPPER.treeToValue(tree, Envelope.class);
    }

    private static Envelope decodeBinary(byte[] m) throws IOException {
        if (m.length < 5) throw new IOException("binary envelope: shorter than its 5-byte prefix");
        long headLen = ((m[1] & 0xffL) << 24) | ((m[2] & 0xff) << 16) | ((m[3] & 0xff) << 8) | (m[4] & 0xff);
        if (headLen < 2 || headLen > MAX_BINARY_HEADER_BYTES || 5 + headLen > m.length) {
            throw new IOException("binary envelope: header length " + headLen + " does not fit (1.." + MAX_BINARY_HEADER_BYTES
                    + " and within the " + m.length + "-byte message)");
        }
        JsonNode tree = Json.MAPPER.readTree(m, 5, (int) headLen);
        String problem = FrameCodec.shapeProblem(tree, Envelope.class);
        if (problem != null) throw new IOException("envelope: " + problem);
        if (!"".equals(tree.path("body").path("ciphertext").asText(null))) {
            throw new IOException("binary envelope: body.ciphertext must be empty in the header (the bytes follow it)");
        }
        Envelope head = Json.MAPPER.treeToValue(tree, Envelope.class);
        int at = 5 + (int) headLen;
        String ciphertext = new String(Base64.getEncoder().encode(java.nio.ByteBuffer.wrap(m, at, m.length - at)).array(),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        Body b = head.body();
        return new Envelope(head.v(), head.channel(), head.target(), head.from(), new Body(b.nonce(), ciphertext, b.bodyVersion()),
                head.meta(), head.signature());
    }
}
