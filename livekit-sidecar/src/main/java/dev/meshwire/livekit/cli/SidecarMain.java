package dev.meshwire.livekit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code meshwire sidecar ...}: the side-cars that bridge other systems into a mesh. Its own entry point for now
 * (the livekit-sidecar module depends on peer-runtime, so the {@code meshwire} binary cannot list it without a
 * plug-in hook; docs/livekit.md "Status").
 */
@Command(name = "sidecar", mixinStandardHelpOptions = true, subcommands = {LiveKitSidecarCommand.class},
        description = "Bridge another system into a mesh (docs/livekit.md).")
public final class SidecarMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a side-car: livekit");
    }

    public static void main(String[] args) {
        int code = new CommandLine(new SidecarMain()).execute(args);
        System.exit(code);
    }
}
