package dev.meshwire.peer.outbox;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.signaling.envelope.Meta;

/**
 * Seals a topic post for the outbox (docs/protocol.md §12.2): the one signed envelope with {@code to = "#name"} that
 * the coordinator stores and fans out. Implemented by the topic capability ({@code peer.topic}), which owns the keys;
 * it waits for a pending re-key first, and refuses (a {@link dev.meshwire.peer.PeerException}) when this member is not in
 * the topic or holds no key yet.
 */
@FunctionalInterface
public interface TopicSealer {
    TopicSealer NONE = (mesh, topic, meta, plain) -> {
        throw new dev.meshwire.peer.PeerException(dev.meshwire.peer.PeerException.BAD_REQUEST, "topics are not available");
    };

    /** The stored copy: recipient {@code #topic}, the signed version-4 envelope. */
    OutboxStore.NewCopy seal(MeshSession mesh, String topic, Meta meta, byte[] plain);
}
