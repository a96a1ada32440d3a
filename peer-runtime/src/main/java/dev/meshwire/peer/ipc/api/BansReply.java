package dev.meshwire.peer.ipc.api;

import java.util.List;

/**
 * {@code GET /v1/bans}: the banned keys of a mesh as its verified mesh-state replica has them (works while the
 * coordinator is unreachable; {@code stateVerified} says whether the replica is current).
 */
public record BansReply(String mesh, long stateVersion, boolean stateVerified, List<BanItem> items) {}
