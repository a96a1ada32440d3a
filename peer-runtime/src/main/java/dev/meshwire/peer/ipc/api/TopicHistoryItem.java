package dev.meshwire.peer.ipc.api;

/**
 * One post of a topic's history as the coordinator keeps it, opened with this daemon's keyring: {@code text}, or
 * {@code error} when it cannot be opened (no key of its {@code epoch} here — e.g. an epoch from before you joined).
 * {@code seq} orders the history (pass the last one as {@code afterSeq} for the next page).
 */
public record TopicHistoryItem(long seq, String messageId, PeerRef from, long at, long epoch, String text, String error,
                               String clientMessageId) {}
