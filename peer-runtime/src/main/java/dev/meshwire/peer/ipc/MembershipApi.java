package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.CreateMeshReply;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.InviteReply;
import dev.meshwire.peer.ipc.api.MeshReply;
import dev.meshwire.peer.ipc.api.PeersReply;
import dev.meshwire.peer.ipc.api.PingReply;
import dev.meshwire.peer.ipc.api.ForgetMeshRequest;
import dev.meshwire.peer.ipc.api.LeaveRequest;
import dev.meshwire.peer.ipc.api.MeshRemovedReply;

/** Being in meshes: {@code /v1/meshes}, {@code /v1/join}, {@code /v1/invite}, {@code /v1/peers}, {@code /v1/reconnect},
 * {@code /v1/leave}, {@code /v1/mesh/forget}. */
public interface MembershipApi {
    CreateMeshReply createMesh(CreateMeshRequest req);

    MeshReply join(String invite, String displayName);

    InviteReply invite(String mesh, int uses, long expiresInMs);

    PeersReply peers(String mesh);

    /**
     * {@code POST /v1/ping}: up to {@code count} rounds to one peer (name or public key, resolved as for a send),
     * each a real round trip to its daemon over the path it took (a direct channel, or the coordinator relay
     * via {@code peer_ping}/{@code peer_pong}); lost rounds carry the reason. Stops after the first direct
     * reply, as {@code tailscale ping} does.
     */
    PingReply ping(String mesh, String peer, int count);

    /** Replaces the mesh's coordinator link with a fresh one (e.g. after a kick) and waits for it. */
    MeshReply reconnect(String mesh);

    /** {@code POST /v1/leave}: leaves the mesh on its coordinator ({@code member_left}), then forgets it here. */
    MeshRemovedReply leave(LeaveRequest req);

    /** {@code POST /v1/mesh/forget}: forgets the mesh on this machine only. */
    MeshRemovedReply forget(ForgetMeshRequest req);
}
