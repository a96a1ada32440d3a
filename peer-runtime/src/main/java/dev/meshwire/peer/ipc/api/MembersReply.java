package dev.meshwire.peer.ipc.api;

import dev.meshwire.peer.meshstate.Member;
import java.util.List;

/**
 * {@code GET /v1/members}: every key the mesh state knows, with presence.
 *
 * @param stateVersion  the replica's version
 * @param stateVerified true when the replica is current (this connection's mesh_sync applied) and verified
 */
public record MembersReply(String mesh, long stateVersion, boolean stateVerified, boolean connected, List<Member> items) {}
