package dev.meshwire.coordinator.presence;

import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is present, per mesh: the one owner of presence (docs/protocol.md "Continuous presence"). Presence is keyed by
 * the connection's key: a member's or a session's/service's (docs/protocol.md §5 "session_hello"): a member may have
 * its own connection and any number of session connections at once, each present under its own key.
 *
 * <p>A member is present while it has a connection ("online") and, after a connection is <em>lost</em>, while its
 * lease runs ("held"): until {@code leaseTtl} after the coordinator last heard from that connection. Others are told
 * {@code peer_joined} when a presence starts and {@code peer_left} when it ends, never for a connection that drops
 * and comes back within the lease. A presence ended by the mesh (left, kicked, banned, revoked, expired) or by a
 * client closing with 1001 (going away) is not held: it ends at once. At most one connection per (mesh, member): a
 * newer one replaces the older.
 *
 * <p>Only a member's own connection is held. A session or service connection (one with a {@code parent}) gets no
 * resume token and is never held: its presence ends when its connection ends, whatever the reason. So a held key is
 * always a member's own key, never confused with a session of it; and a member's sessions are unaffected by its own
 * connection being held (they have their own sockets).
 *
 * <p>Not thread-safe on purpose: every session of this coordinator runs on the one event-loop context of the
 * coordinator verticle (lease timers too), so the registry needs no locks. Clustering (a later issue) moves
 * cross-node presence to the clustered event bus, not into this class.
 */
public final class PresenceRegistry {
    /** {@code peer_left} reasons of a lost connection: only these are held for the lease. */
    public static final Set<String> HELD_REASONS = Set.of("disconnected", "timeout");

    /** How a new connection relates to the member's earlier presence. */
    public enum Continuity {
        /** No presence before: a new one starts (announce {@code peer_joined}). */
        NEW,
        /** A held presence resumed with a valid token: nothing is announced. */
        RESUMED,
        /** An online connection was replaced (close it with 4004): nothing is announced. */
        REPLACED,
        /** A held presence was taken without a valid token: it ended ({@code peer_left} sent); a new one starts. */
        RESTARTED
    }

    /** The outcome of {@link #attach}: {@code replaced} is the older connection to close (REPLACED only). */
    public record Attached(Continuity continuity, PeerConnection replaced) {
        public boolean announce() {
            return continuity == Continuity.NEW || continuity == Continuity.RESTARTED;
        }
    }

    /** A lost connection's presence, kept until {@code timer} fires. */
    private record Held(Frames.PeerInfo info, String reason, long timer) {}

    private final Vertx vertx;
    private final Clock clock;
    private final Duration lease;
    private final CoordinatorMetrics metrics;
    private final Map<String, Map<String, PeerConnection>> byMesh = new HashMap<>();
    private final Map<String, Map<String, Held>> heldByMesh = new HashMap<>();
    private int heldCount;

    /**
     * @param lease how long a lost connection's presence is held after the coordinator last heard from it; zero holds
     *              nothing (every lost connection is announced at once, as before continuous presence)
     */
    public PresenceRegistry(Vertx vertx, Clock clock, Duration lease, CoordinatorMetrics metrics) {
        this.vertx = vertx;
        this.clock = clock;
        this.lease = lease;
        this.metrics = metrics;
        if (metrics != null) metrics.presenceHeldGauge(() -> heldCount);
    }

    /** A registry that holds nothing (for tests of other components). */
    public PresenceRegistry() {
        this(null, Clock.systemUTC(), Duration.ZERO, null);
    }

    public Duration lease() {
        return lease;
    }

    /**
     * Makes {@code conn} the member's current connection. {@code resume} says the hello carried a valid resume
     * token for this member: it continues a held presence silently; without it a held presence ends (its
     * {@code peer_left} is sent here) and a new one starts. An online connection is replaced either way.
     */
    public Attached attach(PeerConnection conn, boolean resume) {
        String mesh = conn.meshId();
        String pubkey = conn.pubkey();
        PeerConnection previous = byMesh.computeIfAbsent(mesh, k -> new HashMap<>()).put(pubkey, conn);
        if (previous != null) {
            if (metrics != null) metrics.sessionReplaced(resume);
            return new Attached(Continuity.REPLACED, previous);
        }
        Held held = removeHeld(mesh, pubkey);
        if (held == null) return new Attached(Continuity.NEW, null);
        if (vertx != null) vertx.cancelTimer(held.timer());
        if (resume) {
            if (metrics != null) metrics.presenceResumed();
            return new Attached(Continuity.RESUMED, null);
        }
        // The client lost its state (a restart, or a token it could not present): peers must learn that the
        // presence they knew ended (their direct channels to it are dead) before they hear of the new one.
        announceLeft(mesh, pubkey, held.info().name(), held.reason());
        if (metrics != null) metrics.presenceEnded("restarted");
        return new Attached(Continuity.RESTARTED, null);
    }

    /**
     * {@code conn} is gone. If it was the key's current connection, its presence is held for the lease when
     * {@code reason} is a lost connection ({@link #HELD_REASONS}), {@code holdable} and it is a member's own connection
     * (not a session's: those are never held); otherwise it ends now and,
     * unless {@code reason} is null (not announced: shutdown), others get {@code peer_left}.
     *
     * @param lastSeen epoch ms of the last frame or pong from this connection: the lease runs from there
     */
    public void drop(PeerConnection conn, String reason, boolean holdable, long lastSeen) {
        Map<String, PeerConnection> mesh = byMesh.get(conn.meshId());
        if (mesh == null || mesh.get(conn.pubkey()) != conn) return;
        mesh.remove(conn.pubkey());
        if (mesh.isEmpty()) byMesh.remove(conn.meshId());
        boolean hold = holdable && conn.parent() == null && reason != null && HELD_REASONS.contains(reason) && !lease.isZero() && vertx != null;
        if (!hold) {
            if (reason != null) announceLeft(conn.meshId(), conn.pubkey(), conn.peerInfo().name(), reason);
            return;
        }
        long delay = Math.max(1, lastSeen + lease.toMillis() - clock.millis());
        String meshId = conn.meshId();
        String pubkey = conn.pubkey();
        long timer = vertx.setTimer(delay, id -> expire(meshId, pubkey, id));
        heldByMesh.computeIfAbsent(meshId, k -> new HashMap<>()).put(pubkey, new Held(conn.peerInfo(), reason, timer));
        heldCount++;
    }

    private void expire(String meshId, String pubkey, long timerId) {
        Map<String, Held> mesh = heldByMesh.get(meshId);
        Held h = mesh == null ? null : mesh.get(pubkey);
        if (h == null || h.timer() != timerId) return; // resumed or ended meanwhile
        removeHeld(meshId, pubkey);
        announceLeft(meshId, pubkey, h.info().name(), h.reason());
        if (metrics != null) metrics.presenceEnded("lease_expired");
    }

    /**
     * Ends a held presence at once (the member was kicked, banned or revoked while away) with {@code peer_left}
     * {@code reason}; returns whether there was one. An online member is ended through its connection instead.
     */
    public boolean endHeld(String meshId, String pubkey, String reason) {
        Held h = removeHeld(meshId, pubkey);
        if (h == null) return false;
        if (vertx != null) vertx.cancelTimer(h.timer());
        announceLeft(meshId, pubkey, h.info().name(), reason);
        if (metrics != null) metrics.presenceEnded(reason);
        return true;
    }

    private Held removeHeld(String meshId, String pubkey) {
        Map<String, Held> mesh = heldByMesh.get(meshId);
        if (mesh == null) return null;
        Held h = mesh.remove(pubkey);
        if (mesh.isEmpty()) heldByMesh.remove(meshId);
        if (h != null) heldCount--;
        return h;
    }

    private void announceLeft(String meshId, String pubkey, String name, String reason) {
        broadcast(meshId, pubkey, new Frames.PeerLeft(meshId, pubkey, name, reason));
    }

    /** The member's live connection, or null (also while its presence is held: nothing can be sent to it then). */
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

    /**
     * Every live connection that speaks for {@code member}: its own (if online) and its sessions'. A member whose own
     * connection is held has none of its own here (see {@link #isHeld}); its sessions are still listed.
     */
    public List<PeerConnection> connectionsOf(String meshId, String member) {
        return online(meshId).stream().filter(c -> member.equals(c.pubkey()) || member.equals(c.parent())).toList();
    }

    /** Whether {@code pubkey}'s presence is held: its own connection was lost and its lease runs (members only). */
    public boolean isHeld(String meshId, String pubkey) {
        Map<String, Held> mesh = heldByMesh.get(meshId);
        return mesh != null && mesh.containsKey(pubkey);
    }

    /** How others see a present member (online or held), or null when it is not present. */
    public Frames.PeerInfo presentInfo(String meshId, String pubkey) {
        PeerConnection c = get(meshId, pubkey);
        if (c != null) return c.peerInfo();
        Map<String, Held> mesh = heldByMesh.get(meshId);
        Held h = mesh == null ? null : mesh.get(pubkey);
        return h == null ? null : h.info();
    }

    /** The live connections of a mesh (what frames can be sent to). */
    public Collection<PeerConnection> online(String meshId) {
        Map<String, PeerConnection> mesh = byMesh.get(meshId);
        return mesh == null ? List.of() : List.copyOf(mesh.values());
    }

    /** Sends {@code frame} to every live connection of the mesh except {@code exceptPubkey}'s. */
    public void broadcast(String meshId, String exceptPubkey, Frame frame) {
        for (PeerConnection c : online(meshId)) {
            if (!c.pubkey().equals(exceptPubkey)) c.send(frame);
        }
    }

    /** Every present member of the mesh but {@code exceptPubkey}, as others see them (held ones are online). */
    public List<Frames.PeerInfo> onlinePeers(String meshId, String exceptPubkey) {
        List<Frames.PeerInfo> out = new ArrayList<>();
        for (PeerConnection c : online(meshId)) if (!c.pubkey().equals(exceptPubkey)) out.add(c.peerInfo());
        Map<String, Held> mesh = heldByMesh.get(meshId);
        if (mesh != null) mesh.forEach((pk, h) -> {
            if (!pk.equals(exceptPubkey)) out.add(h.info());
        });
        return out;
    }

    /** Closes every connection and forgets every held presence (coordinator shutdown; nothing is announced). */
    public void closeAll(short code, String reason) {
        for (Map<String, PeerConnection> mesh : List.copyOf(byMesh.values())) {
            for (PeerConnection c : List.copyOf(mesh.values())) c.disconnect(code, reason, null);
        }
        for (Map<String, Held> mesh : heldByMesh.values()) {
            for (Held h : mesh.values()) if (vertx != null) vertx.cancelTimer(h.timer());
        }
        heldByMesh.clear();
        heldCount = 0;
    }
}
