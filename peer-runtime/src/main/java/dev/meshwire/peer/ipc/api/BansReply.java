package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/bans}: the coordinator's ban list. */
public record BansReply(String mesh, List<BanItem> items) {}
