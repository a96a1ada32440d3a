package dev.meshwire.peer.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What the IPC surface can ask of the daemon. Every method is blocking (it is called on a worker
 * thread), returns a JSON-serializable value (or an {@link IpcReply} for a non-200 status), and
 * throws {@link dev.meshwire.peer.PeerException} for refusals. Shapes are documented in docs/ipc.md.
 */
public interface DaemonApi {
    Map<String, Object> health();

    Map<String, Object> status();

    Map<String, Object> createMesh(String name, String coordinator, String displayName, String adminToken);

    Map<String, Object> join(String invite, String displayName);

    Map<String, Object> invite(String mesh, int uses, long expiresInMs);

    Map<String, Object> peers(String mesh);

    /** Accepts a send into the durable outbox: 202 (pending/inflight) or 200 (already done), 409 on id conflicts. */
    IpcReply send(String mesh, String to, String message, String priority, String clientMessageId, String replyToId, JsonNode meta);

    /** One outbox row by client message id (unknown → unknown_message). */
    Map<String, Object> message(String clientMessageId);

    /** Outbox rows, newest first; {@code states} empty = all. */
    Map<String, Object> outbox(List<String> states, int limit);

    /** Aborts a dead or pending row and re-sends its content under a fresh (or given) client id. */
    Map<String, Object> requeue(String clientMessageId, String newClientMessageId);

    /** Inbox listing; marks the returned unread rows seen unless {@code peek}. */
    Map<String, Object> inbox(String mesh, int limit, boolean unreadOnly, boolean peek);

    /** Deletes seen messages, or all with {@code all}. */
    Map<String, Object> inboxFlush(String mesh, boolean all);

    Map<String, Object> inboxDelete(long id);

    Map<String, Object> moderate(String op, String mesh, String peer);

    Map<String, Object> bans(String mesh);

    /** Replaces the mesh's coordinator link with a fresh one (e.g. after a kick) and waits for it. */
    Map<String, Object> reconnect(String mesh);

    /** Starts an orderly shutdown after the response has been written. */
    void shutdown();
}
