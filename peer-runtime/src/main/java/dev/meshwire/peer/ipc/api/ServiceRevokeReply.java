package dev.meshwire.peer.ipc.api;

/** What {@code POST /v1/services/revoke} did: the service key was revoked (closed, refused and gossiped). */
public record ServiceRevokeReply(String mesh, String name, String servicePubkey, String detail) {}
