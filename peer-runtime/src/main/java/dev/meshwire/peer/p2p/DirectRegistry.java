package dev.meshwire.peer.p2p;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.signaling.frame.Frames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's direct channels: one {@link MeshDirect} per joined mesh, created at the mesh's first
 * {@code hello_ack} (which brings the ICE servers; later ones refresh the TURN credentials), torn
 * down per peer when the coordinator says it left (peer_left, any reason: a crash too) and per mesh
 * when our own link ends for good. All engines share
 * the process's one {@link NativeWebRtc} factory. With {@code p2p = off} or without the native
 * library nothing is created and every send stays on the relay.
 */
public final class DirectRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DirectRegistry.class);
    private final P2pSettings settings;
    private final NativeWebRtc natives;
    private final P2pMetrics metrics;
    private final DirectInbound inbound;
    private final Map<String, MeshDirect> meshes = new ConcurrentHashMap<>();
    private final boolean enabled;
    private volatile boolean closed;
    private volatile java.util.function.Consumer<String> openListener = meshId -> { };

    /**
     * Checks the native library at once (unless {@code off}); if it cannot load, {@link NativeWebRtc}
     * logs its one line naming the package and the daemon runs relay-only.
     */
    public DirectRegistry(P2pSettings settings, NativeWebRtc natives, P2pMetrics metrics, DirectInbound inbound) {
        this.settings = settings;
        this.natives = natives;
        this.metrics = metrics;
        this.inbound = inbound;
        this.enabled = settings.mode() != P2pMode.OFF && natives.available();
        // Without the library, NativeWebRtc has already logged its one line (naming libpulse0 when that is the cause).
        if (settings.mode() == P2pMode.OFF) log.info("p2p = off: every message goes through the coordinator relay");
    }

    /** True when this daemon can open direct channels (advertised as {@code capabilities.p2p}). */
    public boolean enabled() { return enabled && !closed; }
    public P2pSettings settings() { return settings; }
    public P2pMetrics metrics() { return metrics; }
    public MeshDirect get(String meshId) { return meshId == null ? null : meshes.get(meshId); }

    /**
     * Null when a direct channel to {@code peer} is possible (both sides p2p-capable), else why not —
     * the accept-time check for messages too big for the relay (docs/delivery.md §9).
     */
    public String whyNoDirect(MeshSession s, String peer) {
        if (settings.mode() == P2pMode.OFF) return "p2p is off on this daemon (p2p.mode=off)";
        if (!enabled()) return "this daemon cannot open direct channels (the native WebRTC library did not load)";
        Frames.PeerInfo p = s.roster().peer(peer);
        if (p == null) return "the recipient is not an active member of the mesh";
        if (p.capabilities() == null || !p.capabilities().p2p()) {
            return "the recipient does not advertise direct channels (p2p off or no WebRTC on its side"
                    + (p.online() ? ")" : ", or it is offline)");
        }
        return null;
    }

    /** Called with the mesh id whenever a channel opens, so that direct-only copies waiting for it go at once. */
    public void onChannelOpen(java.util.function.Consumer<String> listener) {
        this.openListener = listener;
    }

    /** The path to {@code peer} in mesh {@code meshId}; {@link PeerPath#none()} without a session. */
    public PeerPath path(String meshId, String peer) {
        MeshDirect d = get(meshId);
        return d == null ? PeerPath.none() : d.paths().get(peer);
    }

    /** The mesh's link got a {@code hello_ack}: create its engine or refresh its ICE servers; connect warm peers. */
    public void linkUp(MeshSession s, Frames.HelloAck ack) {
        if (!enabled() || s.config().meshId() == null) return;
        List<IceServer> ice = iceServers(ack);
        MeshDirect d = meshes.compute(s.config().meshId(), (k, old) -> {
            if (old != null && old.session().link() == s.link()) {
                old.engine().updateIceServers(ice);
                return old;
            }
            if (old != null) old.close();
            return new MeshDirect(s, natives, settings.engine(), ice, metrics, inbound, () -> openListener.accept(k));
        });
        for (Frames.PeerInfo p : s.roster().active()) warm(d, p);
    }

    /** A member came online (peer_joined): connect at once if it is configured warm. */
    public void peerOnline(MeshSession s, Frames.PeerInfo p) {
        MeshDirect d = get(s.config().meshId());
        if (d != null) warm(d, p);
    }

    /**
     * The coordinator says a member went offline ({@code peer_left}, any reason: {@code disconnected},
     * {@code timeout}, {@code kicked}, {@code banned}, {@code left}, revoked, expired). Its direct channel
     * stops being trusted at once and is closed: unacked direct messages go back to the relay (the
     * coordinator queues them for the offline peer; the receiver dedupes), and nothing new is sent over a
     * path to a daemon that may be dead. A crashed daemon's TCP connection to the coordinator closes at
     * once, so this is the fastest crash signal there is (ICE takes ~17 s); a channel that was fine costs
     * one new handshake when the peer is back. The data-channel inbound path refuses a non-member's frames
     * per frame anyway.
     */
    public void peerGone(String meshId, String pubkey, String reason) {
        MeshDirect d = get(meshId);
        if (d == null || pubkey == null) return;
        if (d.engine().state(pubkey) != null) {
            log.info("tearing down the direct channel to {} (peer_left: {})", pubkey.substring(0, Math.min(12, pubkey.length())), reason);
        }
        d.peerGone(pubkey, reason == null ? "unknown" : reason);
    }

    /** A forwarded signaling frame for mesh {@code meshId}. */
    public void signal(String meshId, Frames.P2pSignal f) {
        MeshDirect d = get(meshId);
        if (d != null) d.signaling().receive(f);
    }

    /**
     * Our own membership ended (kicked, banned, left) or {@code link} closed for good: close the mesh's
     * channels, unless they already belong to a newer link of the same mesh (reconnect).
     */
    public void meshClosed(String meshId, CoordinatorLink link) {
        if (meshId == null) return;
        MeshDirect d = meshes.get(meshId);
        if (d != null && (link == null || d.session().link() == link) && meshes.remove(meshId, d)) d.close();
    }

    public Collection<MeshDirect> all() {
        return new ArrayList<>(meshes.values());
    }

    private void warm(MeshDirect d, Frames.PeerInfo p) {
        if (p == null || !p.online() || p.pubkey() == null || p.pubkey().equals(d.session().selfPubkey())) return;
        boolean wanted = settings.warm().contains(p.pubkey()) || (p.name() != null && settings.warm().contains(p.name()));
        if (wanted && p.capabilities() != null && p.capabilities().p2p()) d.engine().connect(p.pubkey());
    }

    static List<IceServer> iceServers(Frames.HelloAck ack) {
        List<IceServer> out = new ArrayList<>();
        if (ack == null || ack.iceServers() == null) return out;
        for (Frames.IceServer s : ack.iceServers()) {
            if (s == null || s.urls() == null || s.urls().isEmpty()) continue;
            out.add(new IceServer(s.urls(), s.username(), s.credential()));
        }
        return out;
    }

    /**
     * Closes every engine (telling each peer). The process's WebRTC factory stays: other daemons of
     * the same JVM (tests) may use it; {@code meshwire up} disposes it at exit.
     */
    @Override
    public void close() {
        closed = true;
        for (String k : List.copyOf(meshes.keySet())) meshClosed(k, null);
    }
}
