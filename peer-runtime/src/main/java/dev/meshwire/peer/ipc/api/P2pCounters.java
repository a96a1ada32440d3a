package dev.meshwire.peer.ipc.api;

/** The direct-channel counters since the daemon started ({@code daemon.p2p.metrics}). */
public record P2pCounters(long directMessages, long directBytes, long relayMessages, long relayBytes, long directReceived,
                          long upgrades, long failures, long fallbacks, long degraded, long backlogFull, long stalled) {}
