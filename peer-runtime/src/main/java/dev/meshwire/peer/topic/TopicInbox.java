package dev.meshwire.peer.topic;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.inbox.InboxMessage;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.topic.TopicKeys;
import dev.meshwire.signaling.topic.TopicNames;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens version-4 topic bodies with the keyring and stores them in the inbox (target {@code #name}, channel
 * {@code topic}); keeps a post whose key has not arrived yet in the keyring's waiting table and settles it once the key
 * is there. One owner of "topic ciphertext → inbox row" for the live path and the waiting posts.
 */
public final class TopicInbox {
    private static final Logger log = LoggerFactory.getLogger(TopicInbox.class);

    private final Inbox inbox;
    private final TopicKeyring keyring;
    private final EventBus events;

    public TopicInbox(Inbox inbox, TopicKeyring keyring, EventBus events) {
        this.inbox = inbox;
        this.keyring = keyring;
        this.events = events;
    }

    /** The text of a version-4 body, if this member holds the key of its epoch. @throws CryptoException when it does not open */
    public Optional<String> open(String meshId, String topic, Envelope env) {
        byte[] ct = Base64.getDecoder().decode(env.body().ciphertext());
        long epoch = TopicKeys.epochOf(ct);
        Optional<byte[]> key = keyring.key(meshId, topic, epoch);
        if (key.isEmpty()) return Optional.empty();
        byte[] plain = TopicKeys.decrypt(key.get(), Base64.getDecoder().decode(env.body().nonce()), ct);
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain)).toString());
        } catch (CharacterCodingException e) {
            throw new CryptoException("topic message is not UTF-8 text");
        }
    }

    /**
     * Stores {@code text} as an inbox row (idempotent on sender and clientMessageId) and publishes the {@code message}
     * event for a new row. Returns whether the row is new.
     */
    public boolean store(MeshSession mesh, String topic, Envelope env, String senderName, String messageId, String path, String text) {
        InboxMessage stored = inbox.insert(new InboxMessage(0, mesh.config().meshId(), mesh.name(), env.from(), senderName,
                env.meta().clientMessageId(), messageId, env.channel().wireName(), env.meta().priorityOrDefault().wireName(), text, path,
                env.meta().createdAt(), System.currentTimeMillis(), null, null, TopicNames.address(topic), env.meta().replyToId(),
                env.meta().mentions()));
        if (stored == null) return false;
        events.publish(new DaemonEvent(DaemonEvent.MESSAGE, InboundProcessor.item(stored)));
        return true;
    }

    /** Keeps a post until its key arrives. */
    public void park(MeshSession mesh, String topic, Envelope env, String messageId, String path) {
        try {
            long epoch = TopicKeys.epochOf(Base64.getDecoder().decode(env.body().ciphertext()));
            keyring.park(new TopicKeyring.Waiting(0, mesh.config().meshId(), topic, epoch, env.from(), env.meta().clientMessageId(),
                    messageId, path, Json.MAPPER.writeValueAsString(env)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Settles the posts of {@code topic} that waited for a key this member now holds; drops those that never open. */
    public void settleWaiting(MeshSession mesh, String topic) {
        String meshId = mesh.config().meshId();
        for (TopicKeyring.Waiting w : keyring.waiting(meshId, topic)) {
            if (keyring.key(meshId, topic, w.epoch()).isEmpty()) continue;
            try {
                Envelope env = Json.MAPPER.readValue(w.envelopeJson(), Envelope.class);
                String text = open(meshId, topic, env).orElseThrow();
                String name = mesh.roster().entry(env.from()).map(e -> e.name()).orElse(null);
                store(mesh, topic, env, name, w.messageId(), w.path(), text);
            } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
                log.warn("mesh {}: a post to #{} that waited for its key does not open; dropped: {}", mesh.name(), topic, e.getMessage());
            }
            keyring.settled(w.id());
        }
    }
}
