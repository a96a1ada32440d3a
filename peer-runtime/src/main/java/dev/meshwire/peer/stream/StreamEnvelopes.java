package dev.meshwire.peer.stream;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import java.util.Base64;

/**
 * Builds and opens the envelopes of a stream (docs/protocol.md §12.4): channel {@code stream}, target = the recipient's
 * key, body version 2 ({@code crypto_box} of raw bytes, so the coordinator never sees file data or control messages),
 * {@code meta.streamId} always; a chunk carries {@code meta.streamChunkId} (its index) and, when it is the last one,
 * {@code meta.streamTerminator = true}; a control message carries neither.
 *
 * <p>clientMessageIds are deterministic per chunk ({@code s:<streamId>:<index>:<sendSeq>}) so a log names what was
 * sent; control messages take a random suffix.
 */
final class StreamEnvelopes {
    private StreamEnvelopes() {}

    static Envelope control(MeshSession mesh, String to, String streamId, StreamControl c) {
        String cmid = "s:" + streamId + ":c:" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        return seal(mesh, to, new Meta(cmid, null, Priority.NEXT, null, streamId, null, null, null, null, null, null, null,
                System.currentTimeMillis()), c.toBytes());
    }

    static Envelope chunk(MeshSession mesh, String to, String streamId, long index, boolean last, long sendSeq, byte[] data) {
        String cmid = "s:" + streamId + ":" + index + ":" + sendSeq;
        return seal(mesh, to, new Meta(cmid, null, Priority.LOW, null, streamId, index, last ? Boolean.TRUE : null, null, null, null,
                null, null, System.currentTimeMillis()), data);
    }

    private static Envelope seal(MeshSession mesh, String to, Meta meta, byte[] plain) {
        SealedBody sealed = mesh.cipher().seal(PublicKey.fromHex(to), plain);
        Base64.Encoder b64 = Base64.getEncoder();
        Envelope unsigned = new Envelope(Envelope.VERSION, Channel.STREAM, to, mesh.selfPubkey(),
                new Body(b64.encodeToString(sealed.nonce()), b64.encodeToString(sealed.ciphertext()), Body.BYTES_V2), meta, null);
        return EnvelopeSignature.sign(unsigned, mesh.identity());
    }

    /** An unsealed, unsigned stand-in that is only asked which path a stream envelope to {@code to} would take. */
    static Envelope probe(MeshSession mesh, String to) {
        return new Envelope(Envelope.VERSION, Channel.STREAM, to, mesh.selfPubkey(), null, null, null);
    }

    /** The plaintext of a verified stream envelope; throws IllegalArgumentException / CryptoException when it does not open. */
    static byte[] open(MeshSession mesh, Envelope env) {
        Base64.Decoder b64 = Base64.getDecoder();
        return mesh.cipher().open(PublicKey.fromHex(env.from()), b64.decode(env.body().nonce()), b64.decode(env.body().ciphertext()));
    }
}
