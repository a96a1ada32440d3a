package dev.meshwire.coordinator.presence;

import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is online, per mesh. At most one connection per (mesh, key): a newer one replaces the older. A key is a
 * member's or a session's (docs/protocol.md §5 "session_hello"): a member may have its own connection and any
 * number of session connections at once, each present under its own key.
 *
 * <p>Not thread-safe on purpose: every session of this coordinator runs on the one event-loop
 * context of the coordinator verticle, so the registry needs no locks. Clustering (a later issue)
 * moves cross-node presence to the clustered event bus, not into this class.
 */
public final class PresenceRegistry {
    private final Map<String, Map<String, PeerConnection>> byMesh = new HashMap<>();

    /** Registers {@code conn} as the member's current connection; returns the one it replaces, or null. */
    public PeerConnection register(PeerConnection conn) {
        return byMesh.computeIfAbsent(conn.meshId(), k -> new HashMap<>()).put(conn.pubkey(), conn);
    }

    /** Removes {@code conn} if it is still the current one; returns whether it was. */
    public boolean unregister(PeerConnection conn) {
        Map<String, PeerConnection> mesh = byMesh.get(conn.meshId());
        if (mesh == null || mesh.get(conn.pubkey()) != conn) return false;
        mesh.remove(conn.pubkey());
        if (mesh.isEmpty()) byMesh.remove(conn.meshId());
        return true;
    }

    public PeerConnection get(String meshId, String pubkey) {
        Map<String, PeerConnection> mesh = byMesh.get(meshId);
        return mesh == null ? null : mesh.get(pubkey);
    }

    /**
     * The member behind {@code key}: the parent of an online session with that key, else the key itself (a
     * member's own key, or a session that is not connected here — its parent cannot be known without it).
     */
    public String memberOf(String meshId, String key) {
        PeerConnection c = get(meshId, key);
        return c != null && c.parent() != null ? c.parent() : key;
    }

    /** The online sessions whose parent is {@code member} (not the member's own connection). */
    public List<PeerConnection> sessionsOf(String meshId, String member) {
        return online(meshId).stream().filter(c -> member.equals(c.parent())).toList();
    }

    /** Every connection that speaks for {@code member}: its own (if online) and its sessions'. */
    public List<PeerConnection> connectionsOf(String meshId, String member) {
        return online(meshId).stream().filter(c -> member.equals(c.pubkey()) || member.equals(c.parent())).toList();
    }

    public Collection<PeerConnection> online(String meshId) {
        Map<String, PeerConnection> mesh = byMesh.get(meshId);
        return mesh == null ? List.of() : List.copyOf(mesh.values());
    }

    /** Sends {@code frame} to every online member of the mesh except {@code exceptPubkey}. */
    public void broadcast(String meshId, String exceptPubkey, Frame frame) {
        for (PeerConnection c : online(meshId)) {
            if (!c.pubkey().equals(exceptPubkey)) c.send(frame);
        }
    }

    public List<Frames.PeerInfo> onlinePeers(String meshId, String exceptPubkey) {
        return online(meshId).stream().filter(c -> !c.pubkey().equals(exceptPubkey)).map(PeerConnection::peerInfo).toList();
    }

    /** Closes every connection (coordinator shutdown). */
    public void closeAll(short code, String reason) {
        for (Map<String, PeerConnection> mesh : List.copyOf(byMesh.values())) {
            for (PeerConnection c : List.copyOf(mesh.values())) c.disconnect(code, reason, null);
        }
    }
}
