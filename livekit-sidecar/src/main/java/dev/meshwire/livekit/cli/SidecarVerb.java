package dev.meshwire.livekit.cli;

import dev.meshwire.cli.plugin.VerbContext;
import dev.meshwire.cli.plugin.VerbPlugin;

/** Contributes {@code meshwire sidecar} to the {@code meshwire} command line (META-INF/services; docs/architecture.md "Plug-in verbs"). */
public final class SidecarVerb implements VerbPlugin {
    @Override
    public String name() {
        return "sidecar";
    }

    @Override
    public Object command(VerbContext context) {
        return new SidecarCommand(context);
    }
}
