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
    /** hello/join by a revoked key, or revoked while connected (close 4002). */
    public static final String REVOKED = "revoked";
    /** hello by a member whose membership expired (close 4003), or the expiry reached while connected. */
    public static final String MEMBERSHIP_EXPIRED = "membership_expired";
    /** A state_sync the coordinator cannot answer (mesh state unavailable). */
    public static final String STATE_UNAVAILABLE = "state_unavailable";
    public static final String UNKNOWN_MESH = "unknown_mesh";
    public static final String WRONG_MESH = "wrong_mesh";
    public static final String INVITE_INVALID = "invite_invalid";
    public static final String INVITE_EXPIRED = "invite_expired";
    public static final String INVITE_EXHAUSTED = "invite_exhausted";
    public static final String UNKNOWN_RECIPIENT = "unknown_recipient";
    /** No longer sent by coordinators with the durable queue (a send to an offline member is queued); kept for old clients. */
    public static final String PEER_OFFLINE = "peer_offline";
    public static final String NOT_OWNER = "not_owner";
    public static final String INTERNAL = "internal";
    /** The (mesh, sender, recipient, clientMessageId) key was already accepted with a different envelope. Not retryable. */
    public static final String DUPLICATE_CONFLICT = "duplicate_conflict";
    /** The recipient's queue holds the configured maximum of undelivered messages. Retryable later. */
    public static final String QUEUE_FULL = "queue_full";
    /** The session sends faster than its rate limit allows. Retryable after a short backoff. */
    public static final String RATE_LIMITED = "rate_limited";
    /** The envelope's {@code meta.expiresAt} is already in the past. Not retryable. */
    public static final String EXPIRED = "expired";

    // ---- session_hello (docs/protocol.md §5 "session_hello"): the seed's reasons; "expired" and "bad_signature" above too ----

    /** A session attestation that vouches for longer than 24 h (+ 30 s clock allowance). Close 4003. */
    public static final String TTL_TOO_LONG = "ttl_too_long";
    /** A session attestation or session hello field of the wrong form. Close 4003. */
    public static final String MALFORMED = "malformed";
    /** A session hello whose timestamp is more than 60 s from the coordinator's clock. Close 4003. */
    public static final String TIMESTAMP_SKEW = "timestamp_skew";
    /** A session used a verb its attestation's capabilities do not allow (message names the capability). Kept open. */
    public static final String FORBIDDEN = "forbidden";

    /** A group request or a send names a group ({@code @name}) the mesh state does not have. Kept open. */
    public static final String UNKNOWN_GROUP = "unknown_group";
    // ---- topics (docs/protocol.md §12.2) ----

    /** No topic of that name in the mesh. */
    public static final String UNKNOWN_TOPIC = "unknown_topic";
    /** The sender is not a member of the topic (post, history, seal, rotate). */
    public static final String NOT_TOPIC_MEMBER = "not_topic_member";
    /**
     * The topic act lost a race or is stale: the name is taken, the rotation's epoch is no longer current + 1 (another
     * member rotated first: use its key), or the seal is for an old epoch. Re-read the mesh state.
     */
    public static final String TOPIC_CONFLICT = "topic_conflict";
    /** A post while the topic waits for a re-key (a member left): rotate first. Retryable after the rotation. */
    public static final String TOPIC_REKEY_NEEDED = "topic_rekey_needed";
}
