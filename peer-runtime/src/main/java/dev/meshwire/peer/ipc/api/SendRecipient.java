package dev.meshwire.peer.ipc.api;

/** One recipient of a send: its copy's outbox state and, once known, its message id. */
public record SendRecipient(String name, String pubkey, String state, String messageId) {}
