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
 * <p>A key is present while it has a connection ("online") and, after a connection is <em>lost</em>, while its
 * lease runs ("held"): until {@code leaseTtl} after the coordinator last heard from that connection. Others are told
 * {@code peer_joined} when a presence starts and {@code peer_left} when it ends, never for a connection that drops
 * and comes back within the lease. A presence ended by the mesh (left, kicked, banned, revoked, expired) or by a
 * client closing with 1001 (going away) is not held: it ends at once. At most one connection per (mesh, key): a
 * newer one replaces the older.
 *
 * <p>Member, session and service connections are held alike, each under its own key. A held entry keeps the
 * connection's {@code parent} (the member a session or service acts for), so that {@link #memberOf},
 * {@link #sessionKeysOf}, {@link #endHeldOf} (moderation) and {@link #presentSessions} (the {@code peers} listing)
 * see a held session exactly as a connected one. A member's own presence and a session's are independent: either may
 * be held while the other is online or held. A held presence never outlives what vouches for it: a held session ends
 * (reason {@code expired}) at its attestation's expiry ({@link PeerConnection#presenceNotAfter}).
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

    /**
     * A lost connection's presence, kept until {@code timer} fires; then it ends with {@code expiryReason} (the loss's
     * {@code reason}, or {@code expired} when what vouches for it expires before the lease). {@code parent}: as
     * {@link PeerConnection#parent} of the lost connection (null for a member's own).
     */
    private record Held(Frames.PeerInfo info, String parent, String reason, String expiryReason, long timer) {}

    private final Vertx vertx;
    private final Clock clock;
    private final Duration lease;
    private final CoordinatorMetrics metrics;
    private final Map<String, Map<String, PeerConnection>> byMesh = new HashMap<>();
    private final Map<String, Map<String, Held>> heldByMesh = new HashMap<>();
    private int heldCount;
    /** What present services front (docs/protocol.md §6.5): a set lives as long as its service's presence. */
    private final SubpeerRegistry subpeers = new SubpeerRegistry();

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

    /** The sub-peer sets of present services; a set is dropped here when its service's presence ends. */
    public SubpeerRegistry subpeers() {
        return subpeers;
    }

    /**
     * Makes {@code conn} the key's current connection. {@code resume} says the hello carried a valid resume token for
     * this key: it continues a held presence silently, provided the held one acted for the same parent (a token names
     * a key, not a kind: a member's token cannot turn its held presence into a session's, or one member's session into
     * another's). Otherwise a held presence ends (its {@code peer_left} is sent here) and a new one starts. An online
     * connection is replaced either way.
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
        if (resume && java.util.Objects.equals(held.parent(), conn.parent())) {
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
     * {@code reason} is a lost connection ({@link #HELD_REASONS}) and {@code holdable} — a member's, a session's or a
     * service's alike; otherwise it ends now and, unless {@code reason} is null (not announced: shutdown), others get
     * {@code peer_left}. The lease is cut short at {@link PeerConnection#presenceNotAfter} (then the reason is
     * {@code expired}); a connection already past it is not held.
     *
     * @param lastSeen epoch ms of the last frame or pong from this connection: the lease runs from there
     */
    public void drop(PeerConnection conn, String reason, boolean holdable, long lastSeen) {
        Map<String, PeerConnection> mesh = byMesh.get(conn.meshId());
        if (mesh == null || mesh.get(conn.pubkey()) != conn) return;
        mesh.remove(conn.pubkey());
        if (mesh.isEmpty()) byMesh.remove(conn.meshId());
        long now = clock.millis();
        long leaseEnd = lastSeen + lease.toMillis();
        long notAfter = conn.presenceNotAfter();
        boolean hold = holdable && reason != null && HELD_REASONS.contains(reason) && !lease.isZero() && vertx != null && notAfter > now;
        if (!hold) {
            if (reason != null) announceLeft(conn.meshId(), conn.pubkey(), conn.peerInfo().name(), reason);
            return;
        }
        String expiryReason = notAfter < leaseEnd ? "expired" : reason;
        long delay = Math.max(1, Math.min(leaseEnd, notAfter) - now);
        String meshId = conn.meshId();
        String pubkey = conn.pubkey();
        long timer = vertx.setTimer(delay, id -> expire(meshId, pubkey, id));
        heldByMesh.computeIfAbsent(meshId, k -> new HashMap<>()).put(pubkey, new Held(conn.peerInfo(), conn.parent(), reason, expiryReason, timer));
        heldCount++;
    }

    private void expire(String meshId, String pubkey, long timerId) {
        Map<String, Held> mesh = heldByMesh.get(meshId);
        Held h = mesh == null ? null : mesh.get(pubkey);
        if (h == null || h.timer() != timerId) return; // resumed or ended meanwhile
        removeHeld(meshId, pubkey);
        announceLeft(meshId, pubkey, h.info().name(), h.expiryReason());
        if (metrics != null) metrics.presenceEnded("expired".equals(h.expiryReason()) ? "expired" : "lease_expired");
    }

    /**
     * Ends the held presence of one key at once (a member kicked, banned or revoked while away; a service revoked while
     * away) with {@code peer_left} {@code reason}; returns whether there was one. An online key is ended through its
     * connection instead.
     */
    public boolean endHeld(String meshId, String pubkey, String reason) {
        Held h = removeHeld(meshId, pubkey);
        if (h == null) return false;
        if (vertx != null) vertx.cancelTimer(h.timer());
        announceLeft(meshId, pubkey, h.info().name(), reason);
        if (metrics != null) metrics.presenceEnded(reason);
        return true;
    }

    /**
     * Ends every held presence that speaks for {@code member} — its own and those of its sessions and services — with
     * {@code peer_left} {@code reason} (kick, ban, revocation or leave of the member); returns how many ended. Its live
     * connections are the caller's ({@link #connectionsOf}).
     */
    public int endHeldOf(String meshId, String member, String reason) {
        Map<String, Held> mesh = heldByMesh.get(meshId);
        if (mesh == null) return 0;
        List<String> keys = new ArrayList<>();
        mesh.forEach((pk, h) -> {
            if (pk.equals(member) || member.equals(h.parent())) keys.add(pk);
        });
        int n = 0;
        for (String pk : keys) if (endHeld(meshId, pk, reason)) n++;
        return n;
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
        // A service's sub-peers end with it: receivers drop them on this peer_left (docs/protocol.md §6.5).
        subpeers.drop(meshId, pubkey);
        broadcast(meshId, pubkey, new Frames.PeerLeft(meshId, pubkey, name, reason));
    }

    /** The member's live connection, or null (also while its presence is held: nothing can be sent to it then). */
    public PeerConnection get(String meshId, String pubkey) {
        Map<String, PeerConnection> mesh = byMesh.get(meshId);
        return mesh == null ? null : mesh.get(pubkey);
    }

    /**
     * The member behind {@code key}: the parent of a session or service with that key that is present here (connected
     * or held within its lease), else the key itself (a member's own key, or a session that is not present here — its
     * parent cannot be known without it).
     */
    public String memberOf(String meshId, String key) {
        PeerConnection c = get(meshId, key);
        if (c != null) return c.parent() != null ? c.parent() : key;
        Held h = held(meshId, key);
        return h != null && h.parent() != null ? h.parent() : key;
    }

    /** The online sessions and services whose parent is {@code member} (not the member's own connection). */
    public List<PeerConnection> sessionsOf(String meshId, String member) {
        return online(meshId).stream().filter(c -> member.equals(c.parent())).toList();
    }

    /** The keys of every session and service of {@code member} that is present: connected, then held. */
    public List<String> sessionKeysOf(String meshId, String member) {
        List<String> out = new ArrayList<>(sessionsOf(meshId, member).stream().map(PeerConnection::pubkey).toList());
        Map<String, Held> mesh = heldByMesh.get(meshId);
        if (mesh != null) mesh.forEach((pk, h) -> {
            if (member.equals(h.parent())) out.add(pk);
        });
        return out;
    }

    /** Whether anything speaks for {@code member}: its own presence or a session's/service's, online or held. */
    public boolean anyPresenceOf(String meshId, String member) {
        return !connectionsOf(meshId, member).isEmpty() || isHeld(meshId, member) || !sessionKeysOf(meshId, member).isEmpty();
    }

    /** Every present session and service of the mesh as others see them: connected ones, then held ones. */
    public List<Frames.PeerInfo> presentSessions(String meshId) {
        List<Frames.PeerInfo> out = new ArrayList<>();
        for (PeerConnection c : online(meshId)) if (c.parent() != null) out.add(c.peerInfo());
        Map<String, Held> mesh = heldByMesh.get(meshId);
        if (mesh != null) mesh.values().forEach(h -> {
            if (h.parent() != null) out.add(h.info());
        });
        return out;
    }

    /**
     * Every live connection that speaks for {@code member}: its own (if online) and its sessions'. A member whose own
     * connection is held has none of its own here (see {@link #isHeld}); its sessions are still listed.
     */
    public List<PeerConnection> connectionsOf(String meshId, String member) {
        return online(meshId).stream().filter(c -> member.equals(c.pubkey()) || member.equals(c.parent())).toList();
    }

    /** Whether {@code pubkey}'s presence is held: its connection was lost and its lease runs. */
    public boolean isHeld(String meshId, String pubkey) {
        return held(meshId, pubkey) != null;
    }

    private Held held(String meshId, String pubkey) {
        Map<String, Held> mesh = heldByMesh.get(meshId);
        return mesh == null ? null : mesh.get(pubkey);
    }

    /** How others see a present key (online or held), or null when it is not present. */
    public Frames.PeerInfo presentInfo(String meshId, String pubkey) {
        PeerConnection c = get(meshId, pubkey);
        if (c != null) return c.peerInfo();
        Held h = held(meshId, pubkey);
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

    /** Every present key of the mesh but {@code exceptPubkey}, as others see them (held ones are online). */
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
        subpeers.clear();
    }
}
