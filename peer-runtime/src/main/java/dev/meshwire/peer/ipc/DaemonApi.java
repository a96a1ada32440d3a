package dev.meshwire.peer.ipc;

import java.util.Map;

/**
 * What the IPC surface can ask of the daemon. Every method is blocking (it is called on a worker
 * thread), returns a JSON-serializable value, and throws {@link dev.meshwire.peer.PeerException}
 * for refusals. Shapes are documented in docs/ipc.md.
 */
public interface DaemonApi {
    Map<String, Object> health();

    Map<String, Object> status();

    Map<String, Object> createMesh(String name, String coordinator, String displayName, String adminToken);

    Map<String, Object> join(String invite, String displayName);

    Map<String, Object> invite(String mesh, int uses, long expiresInMs);

    Map<String, Object> peers(String mesh);

    Map<String, Object> send(String mesh, String to, String message, String priority, String clientMessageId);

    Map<String, Object> inbox(String mesh, int limit);

    Map<String, Object> moderate(String op, String mesh, String peer);

    Map<String, Object> bans(String mesh);

    /** Replaces the mesh's coordinator link with a fresh one (e.g. after a kick) and waits for it. */
    Map<String, Object> reconnect(String mesh);

    /** Starts an orderly shutdown after the response has been written. */
    void shutdown();
}
