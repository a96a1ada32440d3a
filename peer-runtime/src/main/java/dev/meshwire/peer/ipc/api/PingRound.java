package dev.meshwire.peer.ipc.api;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One ping round ({@code POST /v1/ping}). A reply has {@code rttMs}: the peer's daemon answered, over a
 * direct channel (its channel ack) or through the coordinator ({@code peer_pong}). A lost round has
 * {@code errorCode} and {@code error} instead; nothing else is ever counted as a reply.
 *
 * @param via       the path the round took: {@code coordinator relay}, or the direct path ({@code direct host},
 *                  {@code direct srflx}, {@code direct prflx}, {@code turn udp}, ...)
 * @param direct    true when {@code via} is a direct channel
 * @param note      why there is no direct path yet, on relay rounds (e.g. {@code no direct channel yet (started)})
 * @param errorCode {@code peer_offline}, {@code coordinator_unreachable}, {@code no_reply} (timed out) or
 *                  {@code no_peer_ping} (the peer's daemon does not answer relay pings)
 */
public record PingRound(int seq, String via, boolean direct, Double rttMs, String note, String errorCode, String error) {
    /** The peer answered this round. */
    @JsonIgnore
    public boolean replied() {
        return rttMs != null;
    }
}
