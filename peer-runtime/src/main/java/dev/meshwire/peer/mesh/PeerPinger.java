package dev.meshwire.peer.mesh;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.ipc.api.PingReply;
import dev.meshwire.peer.ipc.api.PingRound;
import dev.meshwire.peer.p2p.Ack;
import dev.meshwire.peer.p2p.ChannelPayload;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.PeerPath;
import dev.meshwire.peer.p2p.SessionState;
import dev.meshwire.signaling.frame.Frames;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code meshwire ping PEER}, like {@code tailscale ping}: each round shows where the reply came
 * from. With an open channel a ping message crosses it and its channel ack is the reply
 * ({@code direct host}, {@code turn udp}, ...). Without one the round measures the coordinator
 * (a {@code list_peers} round trip: the relay leg we can time) and starts a direct connect; the
 * next rounds show the upgrade. Stops after the first direct reply. Blocking: runs on an IPC worker.
 */
final class PeerPinger {
    private static final long ROUND_MS = 1_000;
    private final MeshSession mesh;
    private final DirectRegistry direct;

    PeerPinger(MeshSession mesh, DirectRegistry direct) {
        this.mesh = mesh;
        this.direct = direct;
    }

    PingReply ping(String who, int count) {
        Frames.PeerInfo peer = resolve(who);
        List<PingRound> replies = new ArrayList<>();
        MeshDirect d = direct.get(mesh.config().meshId());
        for (int seq = 1; seq <= Math.max(1, Math.min(count, 100)); seq++) {
            long roundEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROUND_MS);
            if (d != null && d.engine().state(peer.pubkey()) == SessionState.OPEN) {
                PingRound r = directRound(d, peer.pubkey(), seq);
                replies.add(r);
                if (r.error() == null) break;
            } else {
                replies.add(relayRound(d, peer, seq));
            }
            waitUntilOpenOrDeadline(d, peer.pubkey(), roundEnd);
        }
        return new PingReply(mesh.name(), new PeerRef(peer.name(), peer.pubkey()), replies);
    }

    private PingRound directRound(MeshDirect d, String peer, int seq) {
        try {
            Ack a = d.engine().send(peer, ChannelPayload.ping(seq)).get(5, TimeUnit.SECONDS);
            d.paths().rtt(peer, a.rttNanos() / 1_000);
            return new PingRound(seq, d.paths().get(peer).path(), a.rttNanos() / 1e6, null, null, null);
        } catch (Exception e) {
            return new PingRound(seq, "direct", null, null, null, "no reply: " + e);
        }
    }

    private PingRound relayRound(MeshDirect d, Frames.PeerInfo peer, int seq) {
        String note;
        if (d == null) note = "direct channels are off or unavailable on this daemon";
        else if (!peer.online()) note = "peer offline";
        else if (peer.capabilities() == null || !peer.capabilities().p2p()) note = "peer has no p2p capability";
        else note = "no direct channel yet (" + d.engine().connect(peer.pubkey()).name().toLowerCase() + ")";
        Double rtt = null;
        if (mesh.link().connected()) {
            long t0 = System.nanoTime();
            try {
                String id = mesh.link().nextId();
                mesh.link().request(id, new Frames.ListPeers(id)).get(5, TimeUnit.SECONDS);
                rtt = (System.nanoTime() - t0) / 1e6;
            } catch (Exception e) {
                note += "; coordinator did not answer";
            }
        }
        return new PingRound(seq, PeerPath.RELAY, null, rtt, note, null);
    }

    private static void waitUntilOpenOrDeadline(MeshDirect d, String peer, long deadlineNanos) {
        // A condition wait with a deadline: polls the session state every 20 ms for at most one round.
        while (System.nanoTime() - deadlineNanos < 0) {
            if (d != null && d.engine().state(peer) == SessionState.OPEN) return;
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
        Frames.PeerInfo p = mesh.roster().resolveOne(who, false);
        if (p.pubkey().equals(mesh.selfPubkey())) throw new PeerException(PeerException.BAD_REQUEST, "refusing to ping yourself");
        return p;
    }
}
