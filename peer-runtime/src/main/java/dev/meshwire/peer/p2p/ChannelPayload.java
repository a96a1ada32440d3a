package dev.meshwire.peer.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.envelope.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;

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
 */
public final class ChannelPayload {
    public static final byte PING = 0x01;

    private ChannelPayload() {}

    public static byte[] envelope(Envelope env) {
        try {
            return Json.MAPPER.writeValueAsBytes(env);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    public static boolean isEnvelope(byte[] m) {
        return m.length >= 2 && m[0] == '{';
    }

    /**
     * The envelope, held to the relay's rules (docs/protocol.md §1, §4): every field of its declared type and
     * {@code meta} with no key beyond its closed set, so a channel cannot carry what the coordinator would refuse.
     *
     * @throws IOException if the bytes are not such an envelope (the message names the field and the rule)
     */
    public static Envelope decodeEnvelope(byte[] m) throws IOException {
        JsonNode tree = Json.MAPPER.readTree(m);
        String problem = FrameCodec.shapeProblem(tree, Envelope.class);
        if (problem != null) throw new IOException("envelope: " + problem);
        return Json.MAPPER.treeToValue(tree, Envelope.class);
    }
}
