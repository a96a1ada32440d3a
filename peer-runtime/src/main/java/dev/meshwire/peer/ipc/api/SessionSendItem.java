package dev.meshwire.peer.ipc.api;

/** One copy of a session's send: its recipient and the coordinator's answer ({@code accepted} or {@code duplicate}). */
public record SessionSendItem(String name, String pubkey, String messageId, String status) {}
