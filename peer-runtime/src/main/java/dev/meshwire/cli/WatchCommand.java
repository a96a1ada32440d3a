package dev.meshwire.cli;

import dev.meshwire.peer.ipc.IpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meshwire watch}: follows the daemon's event stream (SSE) until interrupted. The daemon drops a stream
 * whose client falls too far behind (docs/ipc.md); watch then says so on stderr and follows a new one — what it
 * missed is in the inbox. When the daemon itself is gone, watch ends.
 */
@Command(name = "watch", description = "Follow messages and peer events until Ctrl-C.")
final class WatchCommand extends Verb {
    @Option(names = "--json", description = "one JSON object per line: {event, data}") boolean json;

    @Override
    public Integer call() {
        IpcClient c = daemon();
        if (!json) out().println("watching " + home().root() + " (Ctrl-C to stop)");
        while (true) {
            c.events(ev -> {
                out().println(json ? Render.eventJson(ev) : Render.event(ev, style()));
                out().flush();
                return true;
            });
            if (!c.alive()) return ExitCodes.OK;
            main().err.println("meshwire: the daemon closed the event stream (this watcher fell behind); following again — "
                    + "missed messages are in 'meshwire inbox'");
        }
    }
}
