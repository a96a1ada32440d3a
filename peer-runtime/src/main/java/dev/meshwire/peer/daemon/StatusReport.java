package dev.meshwire.peer.daemon;

import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.ipc.EventStreams;
import dev.meshwire.peer.ipc.api.DaemonStatus;
import dev.meshwire.peer.ipc.api.HealthReply;
import dev.meshwire.peer.ipc.api.MeshInfo;
import dev.meshwire.peer.ipc.api.OutboxCounters;
import dev.meshwire.peer.ipc.api.P2pStatus;
import dev.meshwire.peer.ipc.api.StatusReply;
import dev.meshwire.peer.mesh.MeshSummary;
import dev.meshwire.peer.outbox.DrainWorker;
import dev.meshwire.peer.outbox.OutboxStore;
import dev.meshwire.peer.p2p.DirectRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Assembles {@code GET /v1/status} (docs/ipc.md) from the counters of every stage a message passes:
 * inbound processor, inbox, outbox store and drain worker, and each mesh's link.
 */
final class StatusReport {
    /** The parts the report reads; all live for the daemon's lifetime. */
    record Sources(long startedAt, MeshwireHome home, IntSupplier ipcPort, InboundProcessor inbound, Inbox inbox,
                   OutboxStore outboxStore, DrainWorker drain, JoinedMeshes meshes, DirectRegistry direct,
                   EventStreams events) {}

    private final Sources src;

    StatusReport(Sources src) {
        this.src = src;
    }

    HealthReply health() {
        return new HealthReply(true, ProcessHandle.current().pid(), Daemon.VERSION, System.currentTimeMillis() - src.startedAt());
    }

    StatusReply status() {
        InboundProcessor inbound = src.inbound();
        DrainWorker drain = src.drain();
        OutboxCounters outbox = new OutboxCounters(src.outboxStore().counts(), drain.outstanding(), drain.sent(), drain.doneCount(),
                drain.retriedCount(), drain.deadCount());
        P2pStatus p2p = new P2pStatus(src.direct().settings().mode().wireName(), src.direct().enabled(), src.direct().metrics().snapshot(),
                backlogPeakBytes());
        // running is the CLI's field (status without a daemon); the daemon leaves it out.
        DaemonStatus daemon = new DaemonStatus(null, ProcessHandle.current().pid(), Daemon.VERSION, src.startedAt(),
                System.currentTimeMillis() - src.startedAt(), src.home().root().toString(), src.ipcPort().getAsInt(),
                inbound.accepted(), inbound.duplicates(), inbound.refused(), inbound.acks(), inbound.holdingAcks() ? true : null,
                outbox, src.inbox().unreadCount(null, dev.meshwire.peer.inbox.InboxKind.MESSAGES), pending(), src.events().snapshot(), p2p);
        List<MeshInfo> meshes = new ArrayList<>();
        for (MeshSession s : src.meshes().all()) {
            // What 'status' shows per mesh: messages not read yet, and sends not finished yet.
            meshes.add(MeshSummary.of(s).withCounts(src.inbox().unreadCount(s.name(), dev.meshwire.peer.inbox.InboxKind.MESSAGES), src.outboxStore().unfinished(s.config().meshId())));
        }
        return new StatusReply(daemon, meshes);
    }

    /** Sends not finished yet (pending or in flight), over every mesh. */
    private long pending() {
        Map<String, Long> c = src.outboxStore().counts();
        return c.getOrDefault("pending", 0L) + c.getOrDefault("inflight", 0L);
    }

    /** The most bytes one direct session held for a peer that had not acked them, over the meshes' current engines. */
    private long backlogPeakBytes() {
        long peak = 0;
        for (var d : src.direct().all()) peak = Math.max(peak, d.engine().peakBacklogBytes());
        return peak;
    }
}
