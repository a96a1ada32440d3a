package dev.meshwire.peer.ipc.api;

/**
 * {@code daemon.events} of the status.
 *
 * @param open            streams open now
 * @param refused         streams refused with {@code too_many_streams}
 * @param slowClosed      streams closed because their client did not read
 * @param peakQueuedBytes the most one stream held unwritten
 */
public record EventStreamCounters(int open, long refused, long slowClosed, long peakQueuedBytes) {}
