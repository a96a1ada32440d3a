package dev.meshwire.peer.p2p;

import java.util.function.Consumer;

/**
 * How an engine reaches other engines before a direct channel exists. The daemon implements it over
 * its coordinator WebSocket (frames {@code p2p_offer}, {@code p2p_answer}, {@code p2p_candidate},
 * {@code p2p_close}, each carrying the fields of the {@link P2pSignal} record); tests connect two
 * engines in memory.
 *
 * <p>Contract: messages from one sender to one receiver arrive in the order sent or not at all
 * (the coordinator WebSocket gives that). Loss is fine: the handshake then times out and the caller
 * stays on the relay.
 */
public interface SignalingChannel {
    /**
     * Sends {@code message} to {@code message.to()}. Best effort, must not block (it is called on
     * the engine thread) and must not throw: a message that cannot be sent is dropped.
     */
    void send(P2pSignal message);

    /**
     * Installs the one receiver of messages addressed to this peer. The engine calls this once, in
     * its constructor. The receiver is thread-safe and returns at once.
     */
    void setReceiver(Consumer<P2pSignal> receiver);
}
