package dev.meshwire.peer.ipc.api;

import java.util.List;

/** A group of the verified mesh state: {@code group} is its address ({@code @name}); members sorted by name. */
public record GroupItem(String group, PeerRef createdBy, long createdAt, List<GroupMemberItem> members) {}
