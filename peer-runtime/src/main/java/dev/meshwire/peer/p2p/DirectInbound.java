package dev.meshwire.peer.p2p;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.signaling.envelope.Envelope;
import java.util.concurrent.CompletionStage;

/**
 * Where envelopes that arrived on a direct channel go (the daemon: {@code InboundProcessor.processDirect}
 * on a worker thread). Contract: returns at once (never blocks the engine thread); the stage completes
 * with true when the channel ack may be sent — after the inbox commit, for a duplicate, or after a
 * refused envelope was dropped — and with false (or fails) when it must not be acked.
 */
@FunctionalInterface
public interface DirectInbound {
    CompletionStage<Boolean> accept(MeshSession mesh, String peer, Envelope envelope, String path);
}
