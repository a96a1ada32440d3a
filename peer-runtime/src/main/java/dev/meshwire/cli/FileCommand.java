package dev.meshwire.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.cli.term.Style;
import dev.meshwire.cli.term.Table;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.FileItem;
import dev.meshwire.peer.ipc.api.FileSendRequest;
import dev.meshwire.peer.ipc.api.FilesReply;
import dev.meshwire.signaling.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire file send|receive|list|cancel}: files of any size over the {@code stream} channel
 * (docs/channels.md "file transfer and streams"). The daemon moves the file; these verbs start, accept and follow a
 * transfer: a progress bar on a terminal, one JSON object per line with {@code --json}, a final line with size, time,
 * throughput and path. {@code --detach} returns once the transfer is started (it goes on in the daemon, and resumes
 * after a restart of either side).
 */
@Command(name = "file", description = "Send and receive files of any size (resumable, SHA-256 checked).",
        subcommands = {FileCommand.Send.class, FileCommand.Receive.class, FileCommand.ListFiles.class, FileCommand.Cancel.class})
final class FileCommand extends CommandGroup {
    static final long POLL_TTY_MS = 250;
    static final long POLL_JSON_MS = 1_000;

    /** Follows a transfer until it ends: progress as chosen, then the final line; exit 0 when done, else the failure. */
    abstract static class Follow extends Verb {
        @Option(names = "--json", description = "one JSON object per line: progress events about once a second, then the final one") boolean json;
        @Option(names = "--detach", description = "return once the transfer is started; it goes on in the daemon ('meshwire file list')") boolean detach;

        int follow(IpcClient daemon, FileItem start) throws InterruptedException {
            if (detach) {
                if (json) printEvent("started", start, null);
                else out().println(startLine(start));
                return ExitCodes.OK;
            }
            boolean tty = main().invocation().stdoutIsTerminal() && !json;
            Style style = style();
            FileProgress p = new FileProgress();
            FileItem f = start;
            String lastState = null;
            String lastNote = null;
            // The first poll prints a progress event at once (nanoTime's origin is arbitrary: 0 would not promise that).
            long lastJson = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(POLL_JSON_MS);
            if (!json) out().println(startLine(start));
            while (true) {
                p.sample(f.bytesDone());
                if (f.note() != null && !f.note().equals(lastNote) && !json) {
                    if (tty) out().print("\r\033[K");
                    out().println(f.note());
                    lastNote = f.note();
                }
                if ("done".equals(f.state()) || "failed".equals(f.state())) break;
                if (json) {
                    if (System.nanoTime() - lastJson >= TimeUnit.MILLISECONDS.toNanos(POLL_JSON_MS)) {
                        printEvent("progress", f, p);
                        lastJson = System.nanoTime();
                    }
                } else if (tty) {
                    out().print("\r\033[K" + p.bar(f, style));
                } else if (!f.state().equals(lastState)) {
                    out().println(f.name() + ": " + f.state() + ("offered".equals(f.state()) ? " (waiting for " + FileProgress.who(f) + " to accept)" : ""));
                }
                out().flush();
                lastState = f.state();
                Thread.sleep(json ? POLL_JSON_MS / 4 : POLL_TTY_MS);
                f = daemon.file(f.id());
            }
            if (tty) out().print("\r\033[K");
            if ("failed".equals(f.state())) {
                if (json) printEvent("failed", f, p);
                throw new PeerException("transfer_failed", f.name() + " " + ("out".equals(f.direction()) ? "to " : "from ") + FileProgress.who(f)
                        + " failed: " + f.error() + (f.bytesDone() > 0 ? " (" + FileProgress.bytes(f.bytesDone()) + " had arrived)" : ""));
            }
            if (json) printEvent("done", f, p);
            else out().println(p.finalLine(f));
            return ExitCodes.OK;
        }

        private String startLine(FileItem f) {
            boolean out = "out".equals(f.direction());
            return (out ? "sending " : "receiving ") + f.name() + " (" + FileProgress.bytes(f.size()) + ") " + (out ? "to " : "from ")
                    + FileProgress.who(f) + ", transfer " + f.id().substring(0, 12);
        }

        private void printEvent(String event, FileItem f, FileProgress p) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            o.put("event", event);
            o.setAll((ObjectNode) Json.MAPPER.valueToTree(f));
            if (p != null && !"done".equals(event)) {
                o.put("rateBytesPerSec", Math.round(p.rate()));
                o.put("etaSeconds", p.etaSeconds(f));
            }
            if ("done".equals(event) && f.finishedAt() != null) {
                double secs = Math.max(0.001, (f.finishedAt() - f.createdAt()) / 1000.0);
                o.put("seconds", Math.round(secs * 10) / 10.0);
                o.put("rateBytesPerSec", Math.round(f.size() / secs));
            }
            out().println(o.toString());
            out().flush();
        }
    }

    @Command(name = "send", description = {"Send a file to a peer. It goes direct when a channel is open, else through the relay (slower, and said so).",
            "The peer accepts it with 'meshwire file receive'. Example: meshwire file send bob ./build.tar.gz"})
    static final class Send extends Follow {
        @Mixin MeshOption mesh;
        @Parameters(index = "0", paramLabel = "PEER", description = "display name (any case), or public key (prefix of at least 8 hex digits)") String peer;
        @Parameters(index = "1", paramLabel = "PATH", description = "the file to send") Path path;

        @Override
        public Integer call() throws Exception {
            Path abs = main().invocation().cwd().resolve(path).normalize();
            IpcClient daemon = daemonWithMeshes();
            return follow(daemon, daemon.fileSend(new FileSendRequest(mesh.name, peer, abs.toString())));
        }
    }

    @Command(name = "receive", description = {"Accept a file offered to you and follow it until it is saved (SHA-256 checked; nothing is overwritten:",
            "a taken name gets ' (1)'). Without ID: the one file waiting. Example: meshwire file receive --save-dir ~/Downloads"})
    static final class Receive extends Follow {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "transfer id or a unique prefix (6+ hex), from 'meshwire file list'") String id;
        @Option(names = "--save-dir", paramLabel = "DIR", description = "where to save it (default: the daemon's files directory, $MESHWIRE_HOME/files)") Path saveDir;

        @Override
        public Integer call() throws Exception {
            IpcClient daemon = daemon();
            String which = id;
            if (which == null) {
                List<FileItem> waiting = daemon.files(FileListLimit.LIMIT).items().stream()
                        .filter(f -> "in".equals(f.direction()) && "offered".equals(f.state())).toList();
                if (waiting.isEmpty()) throw new PeerException(PeerException.UNKNOWN_TRANSFER, "no file is waiting to be received");
                if (waiting.size() > 1) {
                    throw new PeerException(PeerException.BAD_REQUEST, waiting.size() + " files are waiting; name one: meshwire file receive ID",
                            waiting.stream().map(f -> f.id().substring(0, 12) + " " + f.name() + " from " + FileProgress.who(f)).toList());
                }
                which = waiting.get(0).id();
            }
            String dir = saveDir == null ? null : main().invocation().cwd().resolve(saveDir).normalize().toString();
            return follow(daemon, daemon.fileAccept(which, dir));
        }
    }

    /** How many recent transfers {@code receive} looks through for the one waiting. */
    static final class FileListLimit {
        static final int LIMIT = 500;
    }

    @Command(name = "list", description = "List file transfers in both directions, newest first.")
    static final class ListFiles extends ReplyVerb {
        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "at most N transfers (1..500)") int limit;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 500) throw new PeerException(PeerException.BAD_REQUEST, "--limit must be between 1 and 500");
            return reply(daemon().files(limit), r -> out().print(text(r, style())));
        }

        static String text(FilesReply r, Style style) {
            if (r.items().isEmpty()) return "no file transfers\n";
            Table t = new Table("", "ID", "", "PEER", "NAME", "SIZE", "STATE", "DONE", "PATH");
            for (FileItem f : r.items()) {
                int pct = f.size() == 0 ? 100 : (int) Math.floor(100.0 * f.bytesDone() / f.size());
                t.row(f.id().substring(0, 12), "out".equals(f.direction()) ? "→" : "←", FileProgress.who(f), f.name(), FileProgress.bytes(f.size()),
                        "failed".equals(f.state()) ? style.red(f.state()) : f.state(), pct + "%",
                        "failed".equals(f.state()) ? f.error() : f.path() == null ? "" : f.path());
            }
            return t.render(style);
        }
    }

    @Command(name = "cancel", description = "Cancel a transfer (or decline an offer); the other side is told.")
    static final class Cancel extends ReplyVerb {
        @Parameters(paramLabel = "ID", description = "transfer id or a unique prefix (6+ hex)") String id;

        @Override
        public Integer call() {
            return reply(daemon().fileCancel(id), f -> out().println(f.name() + ": " + f.state() + (f.error() != null ? " (" + f.error() + ")" : "")));
        }
    }
}
