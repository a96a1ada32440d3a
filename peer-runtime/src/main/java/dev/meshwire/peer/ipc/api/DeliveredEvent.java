package dev.meshwire.peer.ipc.api;

/**
 * SSE {@code delivered}: the coordinator's receipt says a recipient's daemon acknowledged (stored) a relayed copy
 * of one of our messages (docs/delivery.md §10).
 *
 * @param path        the path the copy took ({@code coordinator relay})
 * @param deliveredAt epoch ms when the coordinator received the recipient's ack
 */
public record DeliveredEvent(String mesh, String clientMessageId, String messageId, String name, String pubkey, String path,
                             long deliveredAt) implements EventData {}
