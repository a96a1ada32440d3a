package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/kick|ban|unban}: the target as resolved, and the coordinator's detail. */
public record ModerationReply(String mesh, String op, String name, String pubkey, String detail) {}
