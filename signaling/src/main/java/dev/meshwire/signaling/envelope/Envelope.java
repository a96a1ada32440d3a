package dev.meshwire.signaling.envelope;

/**
 * Envelope v2: the one message shape on every path (relay, offline queue, data channel), so a
 * receiver has a single decode path. {@code from} is the sender's Ed25519 public key (hex);
 * {@code signature} is the sender's signature over {@link EnvelopeSignature#canonical(Envelope)}.
 */
public record Envelope(int v, Channel channel, String target, String from, Body body, Meta meta, String signature) {
    public static final int VERSION = 2;

    public Envelope withSignature(String sig) {
        return new Envelope(v, channel, target, from, body, meta, sig);
    }
}
