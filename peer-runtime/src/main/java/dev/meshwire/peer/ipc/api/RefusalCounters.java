package dev.meshwire.peer.ipc.api;

/**
 * Refusals of a non-member sender per path: relay {@code deliver}s, direct frames, p2p signaling; and
 * {@code grants}: envelopes of active members that this member's grants refuse (any path).
 */
public record RefusalCounters(long relay, long direct, long signaling, long grants) {}
