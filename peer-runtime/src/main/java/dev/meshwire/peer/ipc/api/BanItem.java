package dev.meshwire.peer.ipc.api;

/** One banned key. */
public record BanItem(String name, String pubkey, Long bannedAt) {}
