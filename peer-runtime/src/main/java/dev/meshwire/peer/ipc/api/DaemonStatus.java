package dev.meshwire.peer.ipc.api;

/**
 * The daemon part of {@code GET /v1/status}.
 *
 * @param running  added by the CLI ({@code meshwire status --json}); absent on the wire
 * @param holdAcks present (true) only when the test-only ack hold is on
 * @param unread   unread inbox messages over every mesh
 */
public record DaemonStatus(Boolean running, Long pid, String version, Long startedAt, Long uptimeMs, String home, Integer ipcPort,
                           Long received, Long duplicates, Long refused, Long acks, Boolean holdAcks, OutboxCounters outbox,
                           Long unread, EventStreamCounters events, P2pStatus p2p) {
    /** What {@code meshwire status} shows when no daemon runs. */
    public static DaemonStatus notRunning() {
        return new DaemonStatus(false, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The same status with {@code running} set (the CLI adds it). */
    public DaemonStatus asRunning() {
        return new DaemonStatus(true, pid, version, startedAt, uptimeMs, home, ipcPort, received, duplicates, refused, acks, holdAcks,
                outbox, unread, events, p2p);
    }
}
