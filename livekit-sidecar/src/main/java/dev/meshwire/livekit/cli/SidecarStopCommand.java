package dev.meshwire.livekit.cli;

import dev.meshwire.cli.ExitCodes;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.SidecarItem;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code meshwire sidecar stop NAME}: stops a managed bridge and forgets it (it does not come back with the daemon). */
@Command(name = "stop", description = "Stop a managed bridge and forget it (it leaves its room; the service stays registered).")
public final class SidecarStopCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "the bridge (its service name, as 'meshwire sidecar status' shows)")
    String name;

    @picocli.CommandLine.Option(names = "--json", description = "print the stopped bridge (the POST /v1/sidecars/stop answer) as JSON")
    boolean json;

    @CommandLine.ParentCommand
    SidecarCommand parent;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        IpcClient ipc = parent.daemon();
        if (ipc == null) {
            spec.commandLine().getErr().println("meshwire sidecar stop: " + SidecarCommand.NO_DAEMON);
            return ExitCodes.NO_DAEMON;
        }
        SidecarItem s = ipc.sidecarStop(name);
        if (json) {
            spec.commandLine().getOut().println(SidecarCommand.json(s));
            return ExitCodes.OK;
        }
        spec.commandLine().getOut().println("stopped managed bridge '" + s.name() + "' (it will not start again; the service stays registered)");
        return ExitCodes.OK;
    }
}
