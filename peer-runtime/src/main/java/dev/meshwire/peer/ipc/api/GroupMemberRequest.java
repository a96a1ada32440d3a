package dev.meshwire.peer.ipc.api;

/**
 * {@code POST /v1/groups/member}: put {@code member} (a member as {@code send} resolves it; yourself allowed) in group
 * {@code group} with {@code role} (default {@code member}), or take it out when {@code remove} is true.
 */
public record GroupMemberRequest(String mesh, String group, String member, String role, Boolean remove) {}
