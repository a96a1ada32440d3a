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
 * @param parent    for a session, the member key it acts for; for a sub-peer (role {@code subpeer}, e.g. {@code lk:alice}),
 *                  the key of the service that fronts it (= {@code pubkey}); absent for members
 * @param session   for a session: {@code this} (the caller's own session, named by the {@code Meshwire-Session} header),
 *                  {@code yours} (another session of this daemon's member) or {@code other}; absent for members
 */
public record PeerItem(String name, String pubkey, String role, boolean online, boolean self, Long connectedSince, boolean p2p,
                       String path, String pathState, Long pathSince, Double rttMs, Long lastSeenAt, String parent, String session) {
    public static final String THIS_SESSION = "this";
    public static final String YOUR_SESSION = "yours";
    public static final String OTHER_SESSION = "other";

    /** A member's row. */
    public PeerItem(String name, String pubkey, String role, boolean online, boolean self, Long connectedSince, boolean p2p,
                    String path, String pathState, Long pathSince, Double rttMs, Long lastSeenAt) {
        this(name, pubkey, role, online, self, connectedSince, p2p, path, pathState, pathSince, rttMs, lastSeenAt, null, null);
    }

    /** This row with {@code session} set (the IPC marks the caller's own session). */
    public PeerItem withSession(String session) {
        return new PeerItem(name, pubkey, role, online, self, connectedSince, p2p, path, pathState, pathSince, rttMs, lastSeenAt, parent, session);
    }
}
