package dev.meshwire.turn.server.stun;

/** STUN/TURN wire constants that ice4j does not name (methods, classes, error codes, TURN limits). */
public final class Stun {
    private Stun() {}

    public static final int BINDING = 0x001;
    public static final int ALLOCATE = 0x003;
    public static final int REFRESH = 0x004;
    public static final int SEND = 0x006;
    public static final int DATA = 0x007;
    public static final int CREATE_PERMISSION = 0x008;
    public static final int CHANNEL_BIND = 0x009;

    public static final int CLASS_REQUEST = 0x0000;
    public static final int CLASS_INDICATION = 0x0010;
    public static final int CLASS_SUCCESS = 0x0100;
    public static final int CLASS_ERROR = 0x0110;

    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHORIZED = 401;
    public static final int FORBIDDEN = 403;
    public static final int ALLOCATION_MISMATCH = 437;
    public static final int STALE_NONCE = 438;
    public static final int ADDRESS_FAMILY_NOT_SUPPORTED = 440;
    public static final int WRONG_CREDENTIALS = 441;
    public static final int UNSUPPORTED_TRANSPORT = 442;
    public static final int PEER_ADDRESS_FAMILY_MISMATCH = 443;
    public static final int ALLOCATION_QUOTA_REACHED = 486;
    public static final int SERVER_ERROR = 500;
    public static final int INSUFFICIENT_CAPACITY = 508;

    /**
     * Channel numbers accepted: RFC 8656 narrows them to 0x4000-0x4FFF, but RFC 5766 clients (coturn's own uclient
     * among them) pick from 0x4000-0x7FFF, which coturn accepts; so do we, for interop.
     */
    public static final int MIN_CHANNEL = 0x4000;
    public static final int MAX_CHANNEL = 0x7FFF;
    public static final int UDP = 17;

    /** The method bits of a message type (the class bits C0/C1 removed). */
    public static int method(int type) {
        return type & 0x3EEF;
    }

    /** The class bits of a message type. */
    public static int messageClass(int type) {
        return type & 0x0110;
    }

    public static String reason(int code) {
        return switch (code) {
            case BAD_REQUEST -> "Bad Request";
            case UNAUTHORIZED -> "Unauthorized";
            case FORBIDDEN -> "Forbidden";
            case ALLOCATION_MISMATCH -> "Allocation Mismatch";
            case STALE_NONCE -> "Stale Nonce";
            case ADDRESS_FAMILY_NOT_SUPPORTED -> "Address Family not Supported";
            case WRONG_CREDENTIALS -> "Wrong Credentials";
            case UNSUPPORTED_TRANSPORT -> "Unsupported Transport Protocol";
            case PEER_ADDRESS_FAMILY_MISMATCH -> "Peer Address Family Mismatch";
            case ALLOCATION_QUOTA_REACHED -> "Allocation Quota Reached";
            case INSUFFICIENT_CAPACITY -> "Insufficient Capacity";
            default -> "Server Error";
        };
    }
}
