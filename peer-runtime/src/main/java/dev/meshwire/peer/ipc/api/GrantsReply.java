package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * {@code GET /v1/grants}: from the verified mesh-state replica (works offline). {@code items}: the grants you
 * set (who may do what to you); {@code toYou}: other members' grants that name you or {@code *} (what they
 * let you do). A member without an entry lets everyone do everything.
 */
public record GrantsReply(String mesh, long stateVersion, List<GrantItem> items, List<GrantItem> toYou) {}
