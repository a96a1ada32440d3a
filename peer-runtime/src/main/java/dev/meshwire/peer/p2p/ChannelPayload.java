package dev.meshwire.peer.p2p;

import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What one channel message (after {@link ChannelFraming} reassembly) carries. A message starting
 * with {@code '{'} is one Envelope v2 in its JSON form, byte for byte what the relay's {@code send}
 * frame carries in {@code envelope}. A message starting with byte {@code 0x01} is a ping (followed
 * by up to 64 opaque bytes); its channel ack is the reply, so its round trip is the ping time.
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

    public static boolean isPing(byte[] m) {
        return m.length >= 1 && m.length <= 65 && m[0] == PING;
    }

    public static boolean isEnvelope(byte[] m) {
        return m.length >= 2 && m[0] == '{';
    }

    /** @throws IOException if the bytes are not an envelope */
    public static Envelope decodeEnvelope(byte[] m) throws IOException {
        return Json.MAPPER.readValue(m, Envelope.class);
    }
}
