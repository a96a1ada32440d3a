package dev.meshwire.peer.ipc.api;

/** {@code daemon.p2p} of the status: the direct-channel mode, whether it works here, and its counters. */
public record P2pStatus(String mode, boolean available, P2pCounters metrics, long backlogPeakBytes) {}
