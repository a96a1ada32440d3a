package dev.meshwire.cli;

import dev.meshwire.peer.ipc.IpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code meshwire watch}: follows the daemon's event stream (SSE) until interrupted. */
@Command(name = "watch", description = "Follow messages and peer events until Ctrl-C.")
final class WatchCommand extends Verb {
    @Option(names = "--json", description = "one JSON object per line: {event, data}") boolean json;

    @Override
    public Integer call() {
        IpcClient c = daemon();
        if (!json) out().println("watching " + home().root() + " (Ctrl-C to stop)");
        c.events(ev -> {
            out().println(json ? Render.eventJson(ev) : Render.event(ev));
            out().flush();
            return true;
        });
        return ExitCodes.OK;
    }
}
