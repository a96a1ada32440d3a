package dev.meshwire.cli;

import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.signaling.Json;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code meshwire watch}: follows the daemon's event stream (SSE) until interrupted, across dropped streams and
 * daemon restarts. The stream has no ids and no resume (docs/ipc.md), but every {@code message} event carries its
 * durable inbox id: after each (re)connect watch reads the inbox ({@link InboxCursor}) and shows the messages it
 * has not shown, so no message is missed or shown twice. System entries ({@code system} events, lines marked
 * {@code [system]}) are inbox rows too and are caught up the same way; the raw {@code mesh_event} notification is
 * shown by {@code --json} only (the system line describes the same event). Presence, link and mesh-state events that happened
 * while no stream was open are not replayed ({@code status}, {@code peers} and {@code mesh log} show the result).
 */
@Command(name = "watch", description = "Follow messages, system events and peer events until Ctrl-C; survives daemon restarts.")
final class WatchCommand extends Verb {
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 2_000;

    @Option(names = "--json", description = "one JSON object per line: {event, data}") boolean json;

    @Override
    public Integer call() {
        IpcClient c = daemon();
        InboxCursor cursor = InboxCursor.startingNow(c);
        if (!json) out().println("watching " + home().root() + " (Ctrl-C to stop)");
        boolean restarted = false;
        while (true) {
            boolean reconnect = restarted;
            IpcClient current = c;
            try {
                current.events(() -> {
                    if (reconnect) main().err.println("meshwire: daemon restarted, reconnected");
                    for (InboxItem m : cursor.missed(current)) print(new IpcClient.SseEvent(m.system() ? "system" : "message", compact(m)));
                }, ev -> {
                    if (!json && "mesh_event".equals(ev.event())) return true; // its system line says it better
                    if (!inboxRow(ev) || cursor.firstSight(messageId(ev))) print(ev);
                    return true;
                });
            } catch (IpcException e) {
                if (!"daemon_unavailable".equals(e.code())) throw e;
            }
            if (c.alive()) {
                main().err.println("meshwire: the daemon closed the event stream (this watcher fell behind); following again");
                restarted = false;
                continue;
            }
            main().err.println("meshwire: the daemon stopped; waiting for it to come back (Ctrl-C to stop)");
            try {
                c = awaitDaemon();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.OK; // stopped while waiting (a caller in this process interrupted it)
            }
            restarted = true;
        }
    }

    /** Polls the home's port and token files with backoff until a daemon answers (its port changes on restart). */
    private IpcClient awaitDaemon() throws InterruptedException {
        long pause = FIRST_BACKOFF_MS;
        while (true) {
            IpcClient c = IpcClient.forHome(home());
            if (c != null && c.alive()) return c;
            Thread.sleep(pause); // reconnect backoff
            pause = Math.min(pause * 2, MAX_BACKOFF_MS);
        }
    }

    private void print(IpcClient.SseEvent ev) {
        out().println(json ? Render.eventJson(ev) : Render.event(ev, style()));
        out().flush();
    }

    /** {@code message} and {@code system} events carry an inbox row (and its id). */
    private static boolean inboxRow(IpcClient.SseEvent ev) {
        return "message".equals(ev.event()) || "system".equals(ev.event());
    }

    private static String compact(InboxItem m) {
        try {
            return Json.MAPPER.writeValueAsString(m);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a record of strings and numbers always serializes
        }
    }

    private static long messageId(IpcClient.SseEvent ev) {
        try {
            return Json.MAPPER.readTree(ev.data()).path("id").asLong();
        } catch (IOException e) {
            return 0; // not a message we can place: shown (a bad line beats a lost message)
        }
    }
}
