package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/shutdown}: {@code {"ok":true}}, written before the daemon stops. */
public record OkReply(boolean ok) {}
