package dev.meshwire.peer.mesh;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.ipc.api.PingReply;
import dev.meshwire.peer.ipc.api.PingRound;
import dev.meshwire.peer.meshstate.PeerLookup;
import dev.meshwire.peer.p2p.Ack;
import dev.meshwire.peer.p2p.ChannelPayload;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.PeerPath;
import dev.meshwire.peer.p2p.SessionState;
import dev.meshwire.signaling.frame.Frames;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code meshwire ping PEER}, like {@code tailscale ping}: each round is a real round trip to the peer's
 * daemon and says which path it took. With an open channel a ping message crosses it and its channel ack is
 * the reply ({@code direct host}, {@code turn udp}, ...). Without one the round is a {@code peer_ping}
 * through the coordinator, answered by the peer's daemon with {@code peer_pong} ({@code coordinator relay}),
 * and it starts a direct connect so that later rounds show the upgrade. A round nobody answered is reported
 * as lost with the reason ({@code peer_offline}, {@code coordinator_unreachable}, {@code no_reply},
 * {@code no_peer_ping}); it is never dressed up as a reply. Stops after the first direct reply.
 * Blocking: runs on an IPC worker.
 */
final class PeerPinger {
    /** Rounds start at most once a second. */
    private static final long ROUND_MS = 1_000;
    /** How long a round waits for its pong or channel ack. */
    static final long REPLY_TIMEOUT_MS = 3_000;
    private final MeshSession mesh;
    private final DirectRegistry direct;
    private final RelayPings pings;

    PeerPinger(MeshSession mesh, DirectRegistry direct, RelayPings pings) {
        this.mesh = mesh;
        this.direct = direct;
        this.pings = pings;
    }

    /** Up to {@code count} rounds (1..100), paced one a second, stopping after the first direct reply. */
    PingReply ping(String who, int count) {
        Frames.PeerInfo peer = resolve(who);
        List<PingRound> rounds = new ArrayList<>();
        MeshDirect d = direct.get(mesh.config().meshId());
        int n = Math.max(1, Math.min(count, 100));
        for (int seq = 1; seq <= n; seq++) {
            long roundEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROUND_MS);
            PingRound r = open(d, peer.pubkey()) ? directRound(d, peer.pubkey(), seq) : relayRound(d, peer, seq);
            rounds.add(r);
            if (r.direct() && r.replied()) break;
            if (seq < n) waitUntilOpenOrDeadline(d, peer.pubkey(), roundEnd);
        }
        return new PingReply(mesh.name(), new PeerRef(peer.name(), peer.pubkey()), rounds);
    }

    private static boolean open(MeshDirect d, String peer) {
        return d != null && d.engine().state(peer) == SessionState.OPEN;
    }

    private PingRound directRound(MeshDirect d, String peer, int seq) {
        String via = d.paths().get(peer).path();
        try {
            Ack a = d.engine().send(peer, ChannelPayload.ping(seq)).get(REPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            d.paths().rtt(peer, a.rttNanos() / 1_000);
            return new PingRound(seq, d.paths().get(peer).path(), true, a.rttNanos() / 1e6, null, null, null);
        } catch (TimeoutException e) {
            return new PingRound(seq, via, true, null, null, PeerException.NO_REPLY,
                    "no ack on the direct channel within " + REPLY_TIMEOUT_MS / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PingRound(seq, via, true, null, null, PeerException.NO_REPLY, "interrupted");
        } catch (Exception e) {
            // The channel closed under the ping: say so without the library's text.
            return new PingRound(seq, via, true, null, null, PeerException.NO_REPLY, "the direct channel closed before the ack");
        }
    }

    private PingRound relayRound(MeshDirect d, Frames.PeerInfo peer, int seq) {
        String via = PeerPath.RELAY;
        CoordinatorLink link = mesh.link();
        if (!link.connected()) {
            return new PingRound(seq, via, false, null, null, PeerException.COORDINATOR_UNREACHABLE,
                    "no direct channel, and the coordinator is unreachable (" + link.describeState() + ")");
        }
        Frames.PeerInfo now = mesh.roster().peer(peer.pubkey());
        if (now == null || !now.online()) {
            return new PingRound(seq, via, false, null, null, PeerException.PEER_OFFLINE, label(peer) + " is offline");
        }
        String note = directNote(d, now);
        if (!answersPeerPing(now)) {
            return new PingRound(seq, via, false, null, note, PeerException.NO_PEER_PING,
                    label(peer) + "'s daemon does not answer pings through the coordinator (an older version)");
        }
        CompletableFuture<Long> answered = new CompletableFuture<>();
        String nonce = pings.start(peer.pubkey(), answered);
        try {
            long t0 = System.nanoTime();
            link.sendFrame(new Frames.PeerPing(null, null, peer.pubkey(), nonce));
            long t1 = answered.get(REPLY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return new PingRound(seq, via, false, (t1 - t0) / 1e6, note, null, null);
        } catch (TimeoutException e) {
            return new PingRound(seq, via, false, null, note, PeerException.NO_REPLY,
                    "no pong through the coordinator within " + REPLY_TIMEOUT_MS / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PingRound(seq, via, false, null, note, PeerException.NO_REPLY, "interrupted");
        } catch (Exception e) {
            return new PingRound(seq, via, false, null, note, PeerException.NO_REPLY, "the ping could not be sent");
        } finally {
            pings.forget(nonce);
        }
    }

    /** Why there is no direct path, and the connect attempt this round starts when one is possible. */
    private static String directNote(MeshDirect d, Frames.PeerInfo peer) {
        if (d == null) return "direct channels are off or unavailable on this daemon";
        if (peer.capabilities() == null || !peer.capabilities().p2p()) return "peer has no p2p capability";
        return "no direct channel yet (" + d.engine().connect(peer.pubkey()).name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    private static boolean answersPeerPing(Frames.PeerInfo peer) {
        var caps = peer.capabilities();
        return caps != null && caps.features() != null && caps.features().contains(CoordinatorLink.FEATURE_PEER_PING);
    }

    private static String label(Frames.PeerInfo p) {
        return p.name() != null ? p.name() : p.pubkey().substring(0, 12);
    }

    private static void waitUntilOpenOrDeadline(MeshDirect d, String peer, long deadlineNanos) {
        // A condition wait with a deadline: polls the session state every 20 ms for at most one round.
        while (System.nanoTime() - deadlineNanos < 0) {
            if (open(d, peer)) return;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Frames.PeerInfo resolve(String who) {
        if (who == null || who.isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "name a peer to ping");
        return mesh.roster().resolve(who, PeerLookup.PING);
    }
}
