package dev.meshwire.livekit.cli;

import dev.meshwire.cli.ExitCodes;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.SidecarItem;
import dev.meshwire.peer.ipc.api.SidecarReport;
import dev.meshwire.peer.ipc.api.SidecarsReply;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire sidecar status [NAME] [--json]}: every side-car of the local daemon (the managed bridges it runs and
 * the side-cars that report to it) with its supervision and its last report (docs/livekit.md "Status and metrics").
 */
@Command(name = "status", description = "Show the side-cars of this daemon: room, mesh, connection, traffic each way, queues, last error.")
public final class SidecarStatusCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "NAME", description = "only this bridge")
    String name;
    @Option(names = "--json", description = "the GET /v1/sidecars answer, for scripts")
    boolean json;

    @CommandLine.ParentCommand
    SidecarCommand parent;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        IpcClient ipc = parent.daemon();
        if (ipc == null) {
            err.println("meshwire sidecar status: " + SidecarCommand.NO_DAEMON);
            return ExitCodes.NO_DAEMON;
        }
        List<SidecarItem> items = ipc.sidecars().items().stream().filter(i -> name == null || i.name().equals(name)).toList();
        if (name != null && items.isEmpty()) {
            err.println("meshwire sidecar status: no side-car named '" + name + "'");
            return ExitCodes.NOT_FOUND;
        }
        if (json) {
            out.println(SidecarCommand.json(new SidecarsReply(items)));
            return ExitCodes.OK;
        }
        if (items.isEmpty()) {
            out.println("no side-cars (run one with: meshwire sidecar livekit ... --managed)");
            return ExitCodes.OK;
        }
        for (SidecarItem i : items) out.print(render(i));
        out.flush(); // print does not flush an auto-flushing writer
        return ExitCodes.OK;
    }

    static String render(SidecarItem i) {
        StringBuilder b = new StringBuilder();
        b.append(i.name()).append("  ").append(i.kind()).append(", ").append(i.managed() ? "managed" : "not managed").append(", ").append(i.state());
        if (i.pid() > 0) b.append(" (pid ").append(i.pid()).append(')');
        if (i.managed()) b.append(", restarts ").append(i.restarts());
        if (i.restartInMs() != null) b.append(", next start in ").append((i.restartInMs() + 999) / 1000).append(" s");
        b.append('\n');
        SidecarReport r = i.report();
        if (r == null) {
            b.append("  no report yet\n");
        } else {
            b.append("  room '").append(r.room()).append("' at ").append(r.url()).append(" -> mesh '").append(r.mesh()).append("' as service '")
                    .append(r.service()).append("'\n");
            b.append("  ").append(r.connected() ? "connected" : "rejoining").append(", ").append(r.participants()).append(" participant")
                    .append(r.participants() == 1 ? "" : "s").append(", reconnects ").append(r.reconnects()).append('\n');
            b.append("  to room:   ").append(r.packetsToRoom()).append(" packets, ").append(r.bytesToRoom()).append(" bytes; mesh->room ")
                    .append(r.meshToRoom()).append(", refused ").append(r.refused()).append(", waiting ").append(r.queueToRoom()).append('\n');
            b.append("  from room: ").append(r.packetsFromRoom()).append(" packets, ").append(r.bytesFromRoom()).append(" bytes; room->mesh ")
                    .append(r.roomToMesh()).append(", duplicates ").append(r.duplicates()).append(", dropped ").append(r.dropped())
                    .append(", waiting ").append(r.queueToMesh()).append('\n');
        }
        if (i.lastExit() != null) b.append("  last exit: ").append(i.lastExit()).append('\n');
        if (i.lastError() != null && !i.lastError().isEmpty()) b.append("  last error: ").append(i.lastError()).append('\n');
        return b.toString();
    }
}
