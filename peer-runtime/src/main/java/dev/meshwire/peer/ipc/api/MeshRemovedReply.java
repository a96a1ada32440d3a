package dev.meshwire.peer.ipc.api;

/**
 * What {@code POST /v1/leave} and {@code POST /v1/mesh/forget} did.
 *
 * @param mesh        the mesh's name
 * @param meshId      the coordinator's id of the mesh
 * @param coordinator the coordinator's URL
 * @param pubkey      the identity this machine had in the mesh (its secret key is deleted)
 * @param left        true when the coordinator recorded a leave ({@code member_left}); false for a local forget
 * @param abandoned   sends to the mesh that were still pending and are now {@code aborted}
 * @param detail      the coordinator's answer for a leave, else null
 */
public record MeshRemovedReply(String mesh, String meshId, String coordinator, String pubkey, boolean left, long abandoned,
                               String detail) {}
