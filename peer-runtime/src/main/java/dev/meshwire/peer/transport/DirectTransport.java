package dev.meshwire.peer.transport;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.p2p.ChannelPayload;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.P2pException;
import dev.meshwire.signaling.envelope.Envelope;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends an envelope over the open WebRTC data channel to the recipient. The future completes when
 * the receiver's channel ack arrives, which its daemon sends after the inbox commit (or for a
 * duplicate / dropped envelope) — so, unlike the relay's receipt, it means "stored". It fails at once
 * with a retryable {@link P2pException} ({@code p2p_no_channel}, {@code p2p_unavailable}) when no
 * channel is open, with {@code p2p_channel_closed} when the channel ends before the ack, and with
 * {@code timeout} when no ack comes within the configured time: all of these mean "resend via the
 * relay" (the receiver dedupes by clientMessageId).
 */
public final class DirectTransport implements Transport {
    public static final String PATH = "direct";
    private final DirectRegistry registry;
    private final Duration ackTimeout;

    public DirectTransport(DirectRegistry registry, Duration ackTimeout) {
        this.registry = registry;
        this.ackTimeout = ackTimeout;
    }

    @Override
    public CompletableFuture<TransportReceipt> send(MeshSession mesh, String recipientPubkey, Envelope envelope) {
        MeshDirect d = registry.get(mesh.config().meshId());
        if (d == null) {
            return CompletableFuture.failedFuture(new P2pException(P2pException.UNAVAILABLE, "no direct channels in this mesh"));
        }
        byte[] bytes = payloadFor(mesh, recipientPubkey, envelope);
        return d.engine().send(recipientPubkey, bytes).orTimeout(ackTimeout.toMillis(), TimeUnit.MILLISECONDS).handle((ack, t) -> {
            if (t != null) {
                Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
                if (c instanceof TimeoutException) {
                    throw new CompletionException(new TransportException(TransportException.TIMEOUT,
                            "no direct ack within " + ackTimeout.toSeconds() + " s", true));
                }
                throw new CompletionException(c);
            }
            d.paths().rtt(recipientPubkey, ack.rttNanos() / 1_000);
            String path = d.paths().get(recipientPubkey).path();
            return new TransportReceipt("p2p:" + ack.sessionId() + ":" + ack.messageId(), TransportReceipt.DELIVERED, path);
        });
    }

    /** The binary form toward a peer that declares it takes it (docs/p2p.md "Binary envelopes"), else the JSON form. */
    public static byte[] payloadFor(MeshSession mesh, String recipientPubkey, Envelope envelope) {
        boolean binary = MeshDirect.declares(mesh, recipientPubkey, ChannelPayload.FEATURE_BINARY_ENVELOPE);
        return binary ? ChannelPayload.binaryEnvelope(envelope) : ChannelPayload.envelope(envelope);
    }

    @Override
    public String pathName() {
        return PATH;
    }
}
