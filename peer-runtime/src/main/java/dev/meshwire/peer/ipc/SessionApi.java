package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.InboxReply;
import dev.meshwire.peer.ipc.api.SessionReply;
import dev.meshwire.peer.ipc.api.SessionRequest;
import dev.meshwire.peer.ipc.api.SessionSendReply;
import dev.meshwire.peer.ipc.api.SessionSendRequest;
import dev.meshwire.peer.ipc.api.SessionsReply;

/** Sessions held by the daemon (docs/ipc.md "Sessions"). Blocking; refusals are {@link dev.meshwire.peer.PeerException}. */
public interface SessionApi {
    /** Mints a key pair and a parent attestation, opens the session's coordinator presence and returns it with its token. */
    SessionReply create(SessionRequest request);

    /** The sessions held now (optionally of one mesh). */
    SessionsReply sessions(String mesh);

    /** Ends a session by id (16 hex) or token: its presence closes and its secret is forgotten. */
    SessionReply end(String idOrToken);

    /** The messages delivered to the session whose token is {@code token}, as {@code GET /v1/inbox} lists the member's. */
    InboxReply inbox(String token, InboxQuery query);

    /**
     * Sends as the session whose token is {@code token}: sealed and signed with the session's key, over its own
     * coordinator connection, answered once the coordinator committed every copy. Not kept in the daemon's outbox:
     * the caller retries (same {@code clientMessageId}) when the session is not connected.
     */
    SessionSendReply send(String token, SessionSendRequest request);

    /** The key of the session whose token is {@code token}; {@code unknown_session} when there is none. */
    String pubkeyOf(String token);
}
