package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.OkReply;
import dev.meshwire.peer.ipc.api.SidecarItem;
import dev.meshwire.peer.ipc.api.SidecarReport;
import dev.meshwire.peer.ipc.api.SidecarStartRequest;
import dev.meshwire.peer.ipc.api.SidecarsReply;

/**
 * Side-cars (docs/livekit.md "Managed bridges", docs/ipc.md "Side-cars"): {@code POST /v1/sidecars} starts a managed
 * bridge, {@code POST /v1/sidecars/stop} stops and forgets one, {@code GET /v1/sidecars} lists them with their last
 * report, {@code POST /v1/sidecars/report} is how a running side-car reports.
 */
public interface SidecarsApi {
    SidecarItem start(SidecarStartRequest req);

    SidecarItem stop(String name);

    SidecarsReply list();

    OkReply report(SidecarReport report);
}
