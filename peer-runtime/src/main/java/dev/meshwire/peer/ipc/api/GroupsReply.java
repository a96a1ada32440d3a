package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/groups}: every group of the local verified replica (state version {@code stateVersion}), sorted by name. */
public record GroupsReply(String mesh, long stateVersion, List<GroupItem> groups) {}
