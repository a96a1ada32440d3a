package dev.meshwire.peer.daemon;

import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.ipc.EventStreams;
import dev.meshwire.peer.ipc.IpcClient;
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

    Map<String, Object> health() {
        return IpcClient.map("ok", true, "pid", ProcessHandle.current().pid(), "version", Daemon.VERSION,
                "uptimeMs", System.currentTimeMillis() - src.startedAt());
    }

    Map<String, Object> status() {
        InboundProcessor inbound = src.inbound();
        DrainWorker drain = src.drain();
        Map<String, Object> daemon = IpcClient.map("pid", ProcessHandle.current().pid(), "version", Daemon.VERSION,
                "startedAt", src.startedAt(), "uptimeMs", System.currentTimeMillis() - src.startedAt(),
                "home", src.home().root().toString(), "ipcPort", src.ipcPort().getAsInt(),
                "received", inbound.accepted(), "duplicates", inbound.duplicates(), "refused", inbound.refused(),
                "acks", inbound.acks(), "holdAcks", inbound.holdingAcks() ? true : null,
                "outbox", IpcClient.map("states", src.outboxStore().counts(), "outstanding", drain.outstanding(), "sent", drain.sent(),
                        "done", drain.doneCount(), "retried", drain.retriedCount(), "dead", drain.deadCount()),
                "unread", src.inbox().unreadCount(null), "pending", pending(), "events", src.events().snapshot(),
                "p2p", IpcClient.map("mode", src.direct().settings().mode().wireName(), "available", src.direct().enabled(),
                        "metrics", src.direct().metrics().snapshot(), "backlogPeakBytes", backlogPeakBytes()));
        List<Object> meshes = new ArrayList<>();
        for (MeshSession s : src.meshes().all()) {
            Map<String, Object> m = MeshSummary.json(s);
            // What 'status' shows per mesh: messages not read yet, and sends not finished yet.
            m.put("unread", src.inbox().unreadCount(s.name()));
            m.put("pending", src.outboxStore().unfinished(s.config().meshId()));
            meshes.add(m);
        }
        return IpcClient.map("daemon", daemon, "meshes", meshes);
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
