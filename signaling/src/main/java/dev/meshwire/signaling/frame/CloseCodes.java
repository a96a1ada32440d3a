package dev.meshwire.signaling.frame;

/**
 * WebSocket close codes. 1000 means "reconnect"; 4001–4004 are terminal (the client must not
 * reconnect on its own); 4008 (slow consumer) reconnects with backoff; 4010 is a protocol mismatch
 * with a structured reason.
 */
public final class CloseCodes {
    private CloseCodes() {}

    /** Normal close; the client reconnects with backoff. */
    public static final short NORMAL = 1000;
    /**
     * Sent by a client that stops on purpose (daemon shutdown, leaving): the coordinator ends its presence at once
     * instead of holding it for the lease (docs/protocol.md "Continuous presence").
     */
    public static final short GOING_AWAY = 1001;
    /** A frame exceeded the coordinator's size limit. */
    public static final short TOO_BIG = 1009;
    /** Removed by the owner. No database state; the member may reconnect by hand. */
    public static final short KICKED = 4001;
    /** Banned or revoked. Refused at every hello until unbanned. */
    public static final short BANNED = 4002;
    /** Not a member, bad hello signature, or invalid invite. */
    public static final short UNAUTHORIZED = 4003;
    /** A newer connection for the same member replaced this one. */
    public static final short REPLACED = 4004;
    /**
     * The connection did not read what the coordinator sent it: its outbound queue stayed above the
     * high-water mark for the grace period, or reached the hard cap. Not terminal: the client reconnects
     * with backoff, and its queued messages are delivered again then.
     */
    public static final short SLOW_CONSUMER = 4008;
    /** Protocol or feature mismatch, or a client that never authenticated. */
    public static final short PROTOCOL = 4010;

    /** True for codes after which a client must not reconnect automatically. */
    public static boolean isTerminal(int code) {
        return code == KICKED || code == BANNED || code == UNAUTHORIZED || code == REPLACED;
    }
}
