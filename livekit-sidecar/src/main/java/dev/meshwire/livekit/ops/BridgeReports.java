package dev.meshwire.livekit.ops;

import dev.meshwire.livekit.bridge.BridgeStats;
import dev.meshwire.livekit.bridge.LiveKitBridge;
import dev.meshwire.livekit.room.RoomStats;
import dev.meshwire.peer.ipc.api.SidecarReport;
import java.util.concurrent.TimeUnit;

/** A running bridge's counters as the {@link SidecarReport} the side-car sends its daemon (and the metrics read). */
public final class BridgeReports {
    private BridgeReports() {}

    /** What the side-car is and where it sits; fixed for its run. */
    public record Identity(String name, String mesh, String service, String url, String room) {}

    public static SidecarReport of(Identity id, LiveKitBridge bridge) {
        BridgeStats b = bridge.stats();
        RoomStats r = bridge.room().stats();
        int participants;
        try {
            participants = bridge.room().participants().get(2, TimeUnit.SECONDS).size();
        } catch (Exception e) {
            participants = 0;
        }
        return new SidecarReport(id.name(), "livekit", ProcessHandle.current().pid(), id.mesh(), id.service(), id.url(), id.room(),
                r.connected(), participants, r.packetsOut(), r.bytesOut(), r.packetsIn(), r.bytesIn(), b.roomToMesh(), b.meshToRoom(),
                b.refused(), b.dropped(), b.duplicates(), Math.max(0, r.joins() - 1), b.roomQueue(), b.meshQueue(),
                b.lastError() == null ? "" : b.lastError());
    }
}
