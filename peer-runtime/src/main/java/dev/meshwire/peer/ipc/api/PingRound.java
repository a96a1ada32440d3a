package dev.meshwire.peer.ipc.api;

/**
 * One ping round. A direct round has {@code rttMs} (or {@code error}); a relay round has the coordinator's
 * round trip {@code coordinatorRttMs} (absent when it did not answer) and a {@code note} on the direct channel.
 *
 * @param via {@code relay}, {@code direct} (a failed direct round) or the direct path ({@code direct host}, {@code turn udp}, ...)
 */
public record PingRound(int seq, String via, Double rttMs, Double coordinatorRttMs, String note, String error) {}
