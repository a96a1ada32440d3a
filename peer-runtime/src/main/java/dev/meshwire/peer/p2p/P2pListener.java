package dev.meshwire.peer.p2p;

import java.util.List;

/**
 * What an engine tells its owner. Every method runs on the engine's own thread, in order, and must
 * return quickly without blocking (hand real work to another executor): a slow listener delays every
 * session of the engine. Never on the native WebRTC thread.
 */
public interface P2pListener {
    /** A whole message arrived from {@code peer}; the engine acks it after this returns. */
    default void onMessage(String peer, byte[] message) {}

    /**
     * A whole message arrived from {@code peer}; the engine sends the channel ack when the returned
     * stage completes with {@code true} (never if false, failed, or the session ended first). The
     * daemon returns a stage that completes after its inbox commit, so a direct ack means "stored",
     * like {@code client_ack}. The default calls {@link #onMessage} and acks at once.
     */
    default java.util.concurrent.CompletionStage<Boolean> onMessageAcked(String peer, byte[] message) {
        onMessage(peer, message);
        return java.util.concurrent.CompletableFuture.completedFuture(true);
    }

    /**
     * A session changed state. {@code reason} says why for CLOSED and FAILED (e.g. {@code ICE failed},
     * {@code idle timeout}, {@code remote closed}) and is null otherwise.
     */
    default void onStateChange(String peer, String sessionId, SessionState state, String reason) {}

    /**
     * A session ended with messages that were never acked, oldest first. Their send futures failed
     * with {@link P2pException#CHANNEL_CLOSED}, too; resend them via the relay. Not called when the
     * list would be empty.
     */
    default void onUnacked(String peer, List<Unacked> unacked) {}

    /** The candidate pair of an open session, if {@code getStats} showed one. */
    default void onPath(String peer, String sessionId, CandidatePair pair) {}

    /**
     * A whole message arrived from {@code peer} on an open channel but {@code peer} is no longer an
     * active member (the membership predicate said no for this frame): the engine acked and dropped it
     * without calling {@link #onMessageAcked}. Enforcement is per frame, whether or not the channel has
     * been torn down yet.
     */
    default void onFrameRefused(String peer, String reason) {}

    /** A signaling message was refused (bad signature, unknown peer, glare loser, ...). For logs and tests. */
    default void onSignalRefused(String from, String frameType, String reason) {}
}
