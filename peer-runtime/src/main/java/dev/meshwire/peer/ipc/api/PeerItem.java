package dev.meshwire.peer.ipc.api;

/**
 * One member in {@code GET /v1/peers}.
 *
 * @param path      how a message to this peer travels now: {@code relay}, {@code direct host|srflx|prflx}, {@code turn udp|tcp|tls}
 *                  (absent for self, and for offline peers without an open direct channel)
 * @param pathState the direct channel's state (none, connecting, open, failed, ...)
 * @param pathSince epoch ms of the last path change
 * @param rttMs     the smoothed direct round trip, when measured
 * @param lastSeenAt for an offline peer, epoch ms when this daemon last saw it online (it went offline then);
 *                   absent for online peers and for peers not seen online since the daemon started
 */
public record PeerItem(String name, String pubkey, String role, boolean online, boolean self, Long connectedSince, boolean p2p,
                       String path, String pathState, Long pathSince, Double rttMs, Long lastSeenAt) {}
