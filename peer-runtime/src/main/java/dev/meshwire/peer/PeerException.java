package dev.meshwire.peer;

import dev.meshwire.peer.ipc.api.ErrorFields;
import java.util.List;

/**
 * A refusal the user should read: one line, a stable machine {@code code} (the IPC error code and
 * the CLI exit-code class derive from it) and optional {@code candidates} (e.g. online names for an
 * unknown peer, matches for an ambiguous prefix). Never carries secrets.
 */
public class PeerException extends RuntimeException {
    // Stable codes; docs/ipc.md lists them with their HTTP status.
    public static final String BAD_REQUEST = "bad_request";
    public static final String NO_MESHES = "no_meshes";
    public static final String UNKNOWN_MESH = "unknown_mesh";
    public static final String MESH_REQUIRED = "mesh_required";
    public static final String MESH_EXISTS = "mesh_exists";
    public static final String UNKNOWN_PEER = "unknown_peer";
    public static final String AMBIGUOUS_PEER = "ambiguous_peer";
    public static final String SELF_SEND = "self_send";
    public static final String PEER_OFFLINE = "peer_offline";
    public static final String NO_ONLINE_PEERS = "no_online_peers";
    public static final String MESSAGE_TOO_LARGE = "message_too_large";
    /** Bigger than the coordinator relay carries and no direct channel is possible (413). */
    public static final String TOO_LARGE_FOR_RELAY = "too_large_for_relay";
    public static final String COORDINATOR_UNREACHABLE = "coordinator_unreachable";
    public static final String COORDINATOR_REFUSED = "coordinator_refused";
    public static final String LINK_TERMINATED = "link_terminated";
    public static final String INVITE_INVALID = "invite_invalid";
    public static final String DAEMON_UNAVAILABLE = "daemon_unavailable";
    public static final String INTERNAL = "internal";
    /** No outbox row with that client message id. */
    public static final String UNKNOWN_MESSAGE = "unknown_message";
    /** No file transfer with that id (docs/ipc.md "Files"). */
    public static final String UNKNOWN_TRANSFER = "unknown_transfer";
    /** An outbox operation that the row's state does not allow (e.g. requeue of a done message). */
    public static final String NOT_REQUEUEABLE = "not_requeueable";
    /** An inbox row id that does not exist. */
    public static final String UNKNOWN_INBOX_MESSAGE = "unknown_inbox_message";
    /** No session held by this daemon has that id or token (docs/ipc.md "Sessions"). */
    public static final String UNKNOWN_SESSION = "unknown_session";
    /** No delegated service of that name is held by this daemon (not registered with --delegate here, revoked, expired). */
    public static final String UNKNOWN_SERVICE = "unknown_service";
    /** A service's scopes do not allow it: sending to a service that may not receive the channel, or a service sending without the write scope. */
    public static final String SCOPE_REFUSED = "scope_refused";
    /** No topic of that name in the mesh's verified state (docs/protocol.md §12.2). */
    public static final String UNKNOWN_TOPIC = "unknown_topic";
    /** The operation needs this member to be in the topic ({@code meshwire topic join #name}). */
    public static final String NOT_TOPIC_MEMBER = "not_topic_member";
    /** This member is in the topic but holds no key of its current epoch yet: no member holding it has sealed it for it. Retry later. */
    public static final String TOPIC_KEY_PENDING = "topic_key_pending";
    /** {@code ping}: the peer did not answer a round in time (a lost round; the verb fails when every round is lost). */
    public static final String NO_REPLY = "no_reply";
    /** {@code ping}: the peer's daemon does not answer {@code peer_ping} (an older version), so the relay path cannot be timed. */
    public static final String NO_PEER_PING = "no_peer_ping";
    /** {@code ping --until-direct}: no reply came over a direct channel before the deadline. */
    public static final String NO_DIRECT_PATH = "no_direct_path";

    /** A send or group request names a group ({@code @name}) the verified mesh state does not have. */
    public static final String UNKNOWN_GROUP = "unknown_group";
    /** {@code send @name}: the group has no active member other than the sender. */
    public static final String EMPTY_GROUP = "empty_group";
    /** A group request the group rules do not allow this member (docs/protocol.md §12.1). */
    public static final String NOT_ALLOWED = "not_allowed";

    private final String code;
    private final List<String> candidates;
    private final ErrorFields fields;

    public PeerException(String code, String message) {
        this(code, message, List.of());
    }

    public PeerException(String code, String message, List<String> candidates) {
        this(code, message, candidates, ErrorFields.NONE);
    }

    /** @param fields extra fields of the IPC error object (e.g. field, fingerprintPrefix, messageId) */
    public PeerException(String code, String message, List<String> candidates, ErrorFields fields) {
        super(message);
        this.code = code;
        this.candidates = candidates == null ? List.of() : List.copyOf(candidates);
        this.fields = fields == null ? ErrorFields.NONE : fields;
    }

    public ErrorFields fields() {
        return fields;
    }

    /** True for the 409 answers of the outbox duplicate table ({@code outbox_*}). */
    public static boolean isOutboxConflict(String code) {
        return code != null && code.startsWith("outbox_");
    }

    public String code() {
        return code;
    }

    public List<String> candidates() {
        return candidates;
    }

    /** HTTP status used on the IPC surface for this code. */
    public int httpStatus() {
        if (isOutboxConflict(code)) return 409;
        return switch (code) {
            case BAD_REQUEST, MESSAGE_TOO_LARGE, SELF_SEND, INVITE_INVALID, MESH_REQUIRED -> 400;
            case NO_MESHES, UNKNOWN_MESH, UNKNOWN_PEER, UNKNOWN_MESSAGE, UNKNOWN_INBOX_MESSAGE, UNKNOWN_SESSION, UNKNOWN_SERVICE, UNKNOWN_GROUP, UNKNOWN_TRANSFER, UNKNOWN_TOPIC -> 404;
            case SCOPE_REFUSED, NOT_ALLOWED, NOT_TOPIC_MEMBER -> 403;
            case AMBIGUOUS_PEER, MESH_EXISTS, PEER_OFFLINE, NO_ONLINE_PEERS, EMPTY_GROUP, LINK_TERMINATED, NOT_REQUEUEABLE, TOPIC_KEY_PENDING -> 409;
            case TOO_LARGE_FOR_RELAY -> 413;
            case COORDINATOR_UNREACHABLE -> 503;
            case COORDINATOR_REFUSED -> 502;
            default -> 500;
        };
    }
}
