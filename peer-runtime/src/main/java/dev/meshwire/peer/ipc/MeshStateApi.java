package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.meshstate.Member;
import java.util.List;

/**
 * The replicated mesh state: {@code GET /v1/members}, {@code GET /v1/mesh/log}, and the state-changing
 * requests {@code POST /v1/revoke}, {@code /v1/role}, {@code /v1/expire}, {@code /v1/rename} (the
 * coordinator decides who may; the change comes back as a signed event). docs/ipc.md has the shapes.
 */
public interface MeshStateApi {
    /** Every key the mesh state knows, with presence. */
    MembersReply members(MembersRequest req);

    /** The verified events held, oldest first. */
    MeshLogReply log(MeshLogRequest req);

    StateChangeReply revoke(RevokeRequest req);

    StateChangeReply setRole(RoleRequest req);

    StateChangeReply setExpiry(ExpireRequest req);

    StateChangeReply rename(RenameRequest req);

    record MembersRequest(String mesh) {}

    record MeshLogRequest(String mesh) {}

    record RevokeRequest(String mesh, String peer, String reason) {}

    /** {@code role}: admin or member. */
    record RoleRequest(String mesh, String peer, String role) {}

    /** {@code expiresAt} epoch ms, or null with {@code never} true to clear the expiry. */
    record ExpireRequest(String mesh, String peer, Long expiresAt, boolean never) {}

    record RenameRequest(String mesh, String name) {}

    /**
     * @param stateVersion  the replica's version
     * @param stateVerified true when the replica is current (this connection's mesh_sync applied) and verified
     */
    record MembersReply(String mesh, long stateVersion, boolean stateVerified, boolean connected, List<Member> members) {}

    /** One verified event as {@code mesh log} shows it. {@code data} is the event's signed data. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LogEntry(long version, String kind, long at, String actor, String actorName, String subject, String subjectName,
                    String hash, JsonNode data) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MeshLogReply(String mesh, long stateVersion, boolean stateVerified, String authority, String pinnedAuthority,
                        List<LogEntry> events) {}

    /** What a state-changing request did: the coordinator's {@code ok}, with the target resolved. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StateChangeReply(String mesh, String op, String name, String pubkey, String role, Long expiresAt, String reason,
                            String detail) {}

}
