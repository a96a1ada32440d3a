package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.ExpireRequest;
import dev.meshwire.peer.ipc.api.MembersReply;
import dev.meshwire.peer.ipc.api.MeshLogReply;
import dev.meshwire.peer.ipc.api.RenameRequest;
import dev.meshwire.peer.ipc.api.RevokeRequest;
import dev.meshwire.peer.ipc.api.RoleRequest;
import dev.meshwire.peer.ipc.api.StateChangeReply;

/**
 * The replicated mesh state: {@code GET /v1/members}, {@code GET /v1/mesh/log}, and the state-changing
 * requests {@code POST /v1/revoke}, {@code /v1/role}, {@code /v1/expire}, {@code /v1/rename} (the
 * coordinator decides who may; the change comes back as a signed event). docs/ipc.md has the shapes.
 */
public interface MeshStateApi {
    /** Every key the mesh state knows, with presence. */
    MembersReply members(String mesh);

    /** The verified events held, oldest first. */
    MeshLogReply log(String mesh);

    StateChangeReply revoke(RevokeRequest req);

    StateChangeReply setRole(RoleRequest req);

    /** {@code expiresAt} epoch ms, or null with {@code never} true to clear the expiry. */
    StateChangeReply setExpiry(ExpireRequest req);

    StateChangeReply rename(RenameRequest req);
}
