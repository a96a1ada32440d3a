package dev.meshwire.livekit.cli;

import dev.meshwire.cli.plugin.VerbContext;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code meshwire sidecar ...}: the side-cars that bridge other systems into a mesh (docs/livekit.md). Contributed to
 * the {@code meshwire} command line by {@link SidecarVerb}; its subcommands read the call's home through the
 * {@link VerbContext} it is built with.
 */
@Command(name = "sidecar", subcommands = {LiveKitSidecarCommand.class, SidecarStatusCommand.class, SidecarStopCommand.class},
        description = "Bridge another system into a mesh: a LiveKit room (docs/livekit.md).")
public final class SidecarCommand implements Runnable {
    final VerbContext context;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public SidecarCommand(VerbContext context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (" + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    /** The running daemon of this call's home, or null (the caller says so: exit 3). */
    IpcClient daemon() {
        IpcClient ipc = IpcClient.forHome(context.home());
        return ipc != null && ipc.alive() ? ipc : null;
    }

    MeshwireHome home() {
        return context.home();
    }

    /** The stable {@code --json} form of a reply record: pretty-printed, absent fields omitted. */
    static String json(Object reply) {
        try {
            return dev.meshwire.signaling.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(reply);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static final String NO_DAEMON = "no daemon is running for this MESHWIRE_HOME; start it with: meshwire up";
}
