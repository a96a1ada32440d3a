package dev.meshwire.peer.ipc.api;

/** One member of a group: who and its role in the group; {@code active} false while its membership of the mesh is expired. */
public record GroupMemberItem(String name, String pubkey, String role, boolean active) {}
