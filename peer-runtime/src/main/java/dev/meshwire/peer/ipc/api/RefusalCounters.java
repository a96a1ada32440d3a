package dev.meshwire.peer.ipc.api;

/** Refusals of a non-member sender per path: relay {@code deliver}s, direct frames, p2p signaling. */
public record RefusalCounters(long relay, long direct, long signaling) {}
