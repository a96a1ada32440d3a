package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code POST /v1/ping}: one item per round, stopping after the first direct reply. */
public record PingReply(String mesh, PeerRef peer, List<PingRound> items) {}
