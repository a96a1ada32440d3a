package dev.meshwire.signaling.frame;

/** The {@code code} values of {@code error} frames. Stable: clients switch on them. */
public final class ErrorCode {
    private ErrorCode() {}

    public static final String MALFORMED_JSON = "malformed_json";
    public static final String UNKNOWN_FRAME_TYPE = "unknown_frame_type";
    public static final String INVALID_FRAME = "invalid_frame";
    public static final String FRAME_TOO_LARGE = "frame_too_large";
    public static final String NOT_AUTHENTICATED = "not_authenticated";
    public static final String ALREADY_AUTHENTICATED = "already_authenticated";
    public static final String BAD_SIGNATURE = "bad_signature";
    public static final String NOT_MEMBER = "not_member";
    public static final String BANNED = "banned";
    public static final String UNKNOWN_MESH = "unknown_mesh";
    public static final String WRONG_MESH = "wrong_mesh";
    public static final String INVITE_INVALID = "invite_invalid";
    public static final String INVITE_EXPIRED = "invite_expired";
    public static final String INVITE_EXHAUSTED = "invite_exhausted";
    public static final String UNKNOWN_RECIPIENT = "unknown_recipient";
    public static final String PEER_OFFLINE = "peer_offline";
    public static final String NOT_OWNER = "not_owner";
    public static final String INTERNAL = "internal";
}
