package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;

/** The CLI's exit codes (docs/cli.md, "Exit codes") and the one mapping from stable error codes to them. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NO_DAEMON = 3;
    public static final int NOT_FOUND = 4;
    public static final int UNREACHABLE = 5;
    public static final int CONFLICT = 6;

    private ExitCodes() {}

    /** Maps a stable error code (PeerException / IPC error body) to its exit code. */
    public static int of(String code) {
        if (code == null) return FAILED;
        if (PeerException.isOutboxConflict(code)) return CONFLICT;
        return switch (code) {
            case PeerException.BAD_REQUEST, PeerException.MESSAGE_TOO_LARGE, PeerException.TOO_LARGE_FOR_RELAY, PeerException.SELF_SEND,
                    PeerException.INVITE_INVALID, PeerException.MESH_REQUIRED, PeerException.AMBIGUOUS_PEER,
                    PeerException.MESH_EXISTS -> USAGE;
            case PeerException.NO_MESHES, PeerException.UNKNOWN_MESH, PeerException.UNKNOWN_PEER,
                    PeerException.UNKNOWN_MESSAGE, PeerException.UNKNOWN_INBOX_MESSAGE, PeerException.UNKNOWN_SERVICE,
                    PeerException.UNKNOWN_GROUP, PeerException.UNKNOWN_TRANSFER,
                    PeerException.UNKNOWN_TOPIC -> NOT_FOUND;
            case PeerException.NOT_REQUEUEABLE -> CONFLICT;
            case PeerException.PEER_OFFLINE, PeerException.NO_ONLINE_PEERS, PeerException.COORDINATOR_UNREACHABLE,
                    PeerException.NO_REPLY, PeerException.NO_PEER_PING, PeerException.NO_DIRECT_PATH, RpcOutcome.RPC_TIMEOUT,
                    PeerException.TOPIC_KEY_PENDING -> UNREACHABLE;
            case PeerException.DAEMON_UNAVAILABLE -> NO_DAEMON;
            default -> FAILED;
        };
    }
}
