package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.CreateMeshReply;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.InviteReply;
import dev.meshwire.peer.ipc.api.MeshReply;
import dev.meshwire.peer.ipc.api.PeersReply;
import dev.meshwire.peer.ipc.api.PingReply;

/** Being in meshes: {@code /v1/meshes}, {@code /v1/join}, {@code /v1/invite}, {@code /v1/peers}, {@code /v1/reconnect}. */
public interface MembershipApi {
    CreateMeshReply createMesh(CreateMeshRequest req);

    MeshReply join(String invite, String displayName);

    InviteReply invite(String mesh, int uses, long expiresInMs);

    PeersReply peers(String mesh);

    /**
     * {@code POST /v1/ping}: up to {@code count} round trips to one peer (name or public key), each
     * reporting the path it took ({@code direct ...}, {@code turn ...}, or {@code relay}: then only the
     * coordinator's round trip is measured and a direct connect is started); stops after the first
     * direct reply, as {@code tailscale ping} does.
     */
    PingReply ping(String mesh, String peer, int count);

    /** Replaces the mesh's coordinator link with a fresh one (e.g. after a kick) and waits for it. */
    MeshReply reconnect(String mesh);
}
