package dev.meshwire.peer.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.outbox.Fingerprint;
import dev.meshwire.peer.outbox.OutboxStore;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Hands a signed rpc envelope (request or answer) to the durable outbox, so that it survives a crash of this daemon
 * and goes the way every one-recipient envelope goes ({@code PickTransport}: direct when a channel is open, the relay
 * otherwise, resent with backoff until the transport took it). One row per envelope, keyed by its client message id.
 */
public final class RpcOutbox {
    private final OutboxStore store;
    private final Runnable wake;
    private final LongSupplier clock;

    public RpcOutbox(OutboxStore store, Runnable wake, LongSupplier clock) {
        this.store = store;
        this.wake = wake;
        this.clock = clock;
    }

    /**
     * Stores {@code env} for {@code recipient} (durable when this returns) and wakes the drain. {@code plain} is the
     * body's plaintext: the fingerprint covers it, never the ciphertext. An id already in the outbox is not sent twice.
     */
    public void submit(MeshSession mesh, Envelope env, String recipientName, byte[] plain) {
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(env);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        String priority = env.meta().priorityOrDefault().wireName();
        String fp = Fingerprint.compute("dm", env.target(), null, priority, null, plain);
        store.accept(new OutboxStore.NewRequest(env.meta().clientMessageId(), mesh.config().meshId(), mesh.name(), "dm", env.target(),
                Channel.RPC.wireName(), priority, null, null, fp, List.of(new OutboxStore.NewCopy(env.target(), recipientName, json)), null),
                clock.getAsLong());
        wake.run();
    }
}
