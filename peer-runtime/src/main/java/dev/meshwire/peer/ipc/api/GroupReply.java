package dev.meshwire.peer.ipc.api;

/**
 * What a group request did, as the coordinator recorded it in the mesh state.
 *
 * @param group  the group's address ({@code @name})
 * @param member the member added, changed or removed (absent for create and delete)
 * @param role   its role now (absent when removed, and for create and delete)
 * @param detail the coordinator's one-line account ("unchanged: …" when nothing changed)
 */
public record GroupReply(String mesh, String group, PeerRef member, String role, String detail) {}
