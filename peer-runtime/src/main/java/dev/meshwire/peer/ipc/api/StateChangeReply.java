package dev.meshwire.peer.ipc.api;

/**
 * What {@code POST /v1/revoke|role|expire|rename} did: the coordinator's {@code ok}, with the target resolved.
 *
 * @param op revoke, set_role, set_expiry or rename
 */
public record StateChangeReply(String mesh, String op, String name, String pubkey, String role, Long expiresAt, String reason,
                               String detail) {}
