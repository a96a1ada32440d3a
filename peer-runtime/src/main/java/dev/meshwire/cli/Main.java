package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code meshwire} command line. Every verb except {@code up --foreground}, {@code coordinator}
 * and {@code demo} talks to the local daemon over IPC (starting it if needed). Errors are one line on
 * stderr with a documented exit code (docs/cli.md); never a stack trace.
 */
@Command(name = "meshwire", mixinStandardHelpOptions = true, version = "meshwire " + Daemon.VERSION,
        description = "Peer-to-peer messaging between machines, through a coordinator.",
        subcommands = {Main.Up.class, Main.Down.class, Main.Status.class, Main.MeshCmd.class, Main.InviteCmd.class,
                Main.Join.class, Main.Peers.class, Main.Send.class, Main.Msg.class, Main.OutboxCmd.class, Main.InboxCmd.class, Main.Watch.class,
                Main.Kick.class, Main.Ban.class, Main.Unban.class, Main.Reconnect.class, CoordinatorCommand.class, DemoCommand.class})
public final class Main implements Runnable {
    // Exit codes (docs/cli.md).
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int NO_DAEMON = 3;
    public static final int NOT_FOUND = 4;
    public static final int UNREACHABLE = 5;
    public static final int CONFLICT = 6;

    @Option(names = "--home", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "meshwire state directory (default: $MESHWIRE_HOME, else ~/.meshwire)")
    Path home;

    PrintStream out = System.out;
    PrintStream err = System.err;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }

    public static void main(String[] args) {
        // Long-running modes log their progress; one-shot verbs stay quiet (warnings only).
        java.util.List<String> a = java.util.Arrays.asList(args);
        if ((a.contains("up") && a.contains("--foreground")) || a.contains("coordinator")) {
            System.setProperty("org.slf4j.simpleLogger.log.dev.meshwire", "info");
        }
        int code = run(System.out, System.err, args);
        System.exit(code);
    }

    /** Runs one command in-process (tests use this) and returns its exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        Main main = new Main();
        main.out = out;
        main.err = err;
        CommandLine cl = new CommandLine(main);
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println("meshwire: " + ex.getMessage() + " (see '" + cmd + " --help')");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof PeerException pe) {
                err.println("meshwire: " + pe.getMessage());
                return exitCode(pe.code());
            }
            if (ex instanceof IpcException ie) {
                err.println("meshwire: " + ie.getMessage());
                return exitCode(ie.code());
            }
            err.println("meshwire: unexpected error: " + ex);
            return FAILED;
        });
        return cl.execute(args);
    }

    /** Maps the stable error codes to exit codes. */
    public static int exitCode(String code) {
        if (code == null) return FAILED;
        if (PeerException.isOutboxConflict(code)) return CONFLICT;
        return switch (code) {
            case PeerException.BAD_REQUEST, PeerException.MESSAGE_TOO_LARGE, PeerException.SELF_SEND,
                    PeerException.INVITE_INVALID, PeerException.MESH_REQUIRED, PeerException.AMBIGUOUS_PEER,
                    PeerException.MESH_EXISTS -> USAGE;
            case PeerException.NO_MESHES, PeerException.UNKNOWN_MESH, PeerException.UNKNOWN_PEER,
                    PeerException.UNKNOWN_MESSAGE, PeerException.UNKNOWN_INBOX_MESSAGE -> NOT_FOUND;
            case PeerException.NOT_REQUEUEABLE -> CONFLICT;
            case PeerException.PEER_OFFLINE, PeerException.NO_ONLINE_PEERS, PeerException.COORDINATOR_UNREACHABLE -> UNREACHABLE;
            case PeerException.DAEMON_UNAVAILABLE -> NO_DAEMON;
            default -> FAILED;
        };
    }

    /** Shared plumbing of the verbs: home, output, daemon client. */
    abstract static class Verb implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        Main main() {
            CommandSpec s = spec;
            while (s.parent() != null) s = s.parent();
            return (Main) s.userObject();
        }

        MeshwireHome home() {
            return MeshwireHome.resolve(main().home);
        }

        PrintStream out() { return main().out; }

        IpcClient daemon() {
            return DaemonLauncher.ensureRunning(home());
        }

        /** Verbs that act in a mesh fail fast (without starting a daemon) when none is joined. */
        void requireMeshes() {
            if (new MeshStore(home()).list().isEmpty()) {
                throw new PeerException(PeerException.NO_MESHES,
                        "no meshes joined yet; run 'meshwire mesh create' or 'meshwire join <invite>' first");
            }
        }

        void printJson(JsonNode n) {
            out().println(Render.json(n));
        }
    }

    @Command(name = "up", description = "Start the daemon (detached unless --foreground).")
    static final class Up extends Verb {
        @Option(names = "--foreground", description = "run in this process until stopped") boolean foreground;

        @Override
        public Integer call() throws Exception {
            MeshwireHome home = home();
            if (foreground) {
                Daemon d = Daemon.start(DaemonOptions.of(home.root()).withEnvironment(System.getenv()));
                Runtime.getRuntime().addShutdownHook(new Thread(d::close, "meshwire-stop"));
                out().println("meshwire daemon running: pid " + ProcessHandle.current().pid() + ", ipc 127.0.0.1:"
                        + d.ipcPort() + ", home " + home.root());
                d.awaitStop();
                return OK;
            }
            IpcClient c = DaemonLauncher.running(home);
            if (c != null) {
                out().println("meshwire daemon already running (" + c.baseUrl() + ", home " + home.root() + ")");
                return OK;
            }
            c = DaemonLauncher.spawn(home);
            JsonNode st = c.status().path("daemon");
            out().println("meshwire daemon started: pid " + st.path("pid").asText() + ", ipc " + c.baseUrl()
                    + ", log " + home.logFile());
            return OK;
        }
    }

    @Command(name = "down", description = "Stop the daemon.")
    static final class Down extends Verb {
        @Override
        public Integer call() throws Exception {
            MeshwireHome home = home();
            IpcClient c = DaemonLauncher.running(home);
            if (c == null) {
                out().println("meshwire daemon is not running");
                return OK;
            }
            long pid = c.status().path("daemon").path("pid").asLong();
            c.shutdown();
            long deadline = System.currentTimeMillis() + 15_000;
            while (System.currentTimeMillis() < deadline) {
                boolean alive = pid == ProcessHandle.current().pid() ? c.alive()
                        : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    out().println("meshwire daemon stopped (pid " + pid + ")");
                    return OK;
                }
                Thread.sleep(100); // polling a condition with a deadline
            }
            throw new PeerException(PeerException.DAEMON_UNAVAILABLE, "daemon (pid " + pid + ") did not stop within 15 s");
        }
    }

    @Command(name = "status", description = "Daemon and mesh status.")
    static final class Status extends Verb {
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            IpcClient c = DaemonLauncher.running(home());
            JsonNode st;
            if (c == null) {
                st = dev.meshwire.signaling.Json.MAPPER.valueToTree(Map.of("daemon", Map.of("running", false),
                        "meshes", new MeshStore(home()).list()));
            } else {
                st = c.status();
                ((com.fasterxml.jackson.databind.node.ObjectNode) st.get("daemon")).put("running", true);
            }
            if (json) printJson(st);
            else out().print(Render.status(st));
            return OK;
        }
    }

    @Command(name = "mesh", description = "Manage meshes.", subcommands = {MeshCreate.class})
    static final class MeshCmd implements Runnable {
        @Spec CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (create)");
        }
    }

    @Command(name = "create", description = "Create a mesh on a coordinator; you become its owner.")
    static final class MeshCreate extends Verb {
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--coordinator", required = true, paramLabel = "URL", description = "ws(s):// or http(s):// URL") String coordinator;
        @Option(names = "--name", paramLabel = "DISPLAY", description = "your display name (default: host name)") String display;
        @Option(names = "--admin-token", paramLabel = "T", description = "coordinator admin token (default: $MESHWIRE_ADMIN_TOKEN)") String adminToken;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            String err = dev.meshwire.signaling.Names.checkMeshName(name);
            if (err != null) throw new PeerException(PeerException.BAD_REQUEST, err);
            dev.meshwire.peer.coordinator.CoordinatorUrls.wsBase(coordinator); // validate before starting anything
            String token = adminToken != null ? adminToken : System.getenv("MESHWIRE_ADMIN_TOKEN");
            JsonNode r = daemon().createMesh(name, coordinator, display, token);
            if (json) {
                printJson(r);
            } else {
                JsonNode m = r.path("mesh");
                out().println("created mesh " + m.path("name").asText() + " on " + m.path("coordinator").asText()
                        + " (you are " + m.path("displayName").asText() + ", owner, " + Render.shortKey(m.path("pubkey").asText()) + ")");
                if (r.hasNonNull("warning")) out().println("warning: " + r.get("warning").asText());
                out().println("invite (1 use, expires in 24h):");
                out().println("  " + r.path("invite").asText());
                out().println("on another machine: meshwire join <invite> --name <their-name>");
            }
            return OK;
        }
    }

    @Command(name = "invite", description = "Print an invite to the mesh.")
    static final class InviteCmd extends Verb {
        @Option(names = "--mesh") String mesh;
        @Option(names = "--uses", defaultValue = "1") int uses;
        @Option(names = "--expires", defaultValue = "24h", description = "e.g. 30m, 24h, 7d") String expires;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            long ms = Render.parseDuration(expires);
            requireMeshes();
            JsonNode r = daemon().invite(mesh, uses, ms);
            if (json) printJson(r);
            else out().println(r.path("invite").asText());
            return OK;
        }
    }

    @Command(name = "join", description = "Join a mesh with an invite.")
    static final class Join extends Verb {
        @Parameters(paramLabel = "INVITE") String invite;
        @Option(names = "--name", description = "your display name (default: host name)") String name;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            try {
                dev.meshwire.signaling.invite.Invite.decode(invite);
            } catch (IllegalArgumentException e) {
                throw new PeerException(PeerException.INVITE_INVALID, e.getMessage());
            }
            JsonNode r = daemon().join(invite, name);
            if (json) printJson(r);
            else {
                JsonNode m = r.path("mesh");
                out().println("joined mesh " + m.path("name").asText() + " as " + m.path("displayName").asText()
                        + " (" + Render.shortKey(m.path("pubkey").asText()) + "); " + m.path("onlinePeers").asText() + " other member(s) online");
            }
            return OK;
        }
    }

    @Command(name = "peers", description = "List the members of a mesh.")
    static final class Peers extends Verb {
        @Option(names = "--mesh") String mesh;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            requireMeshes();
            JsonNode r = daemon().peers(mesh);
            if (json) printJson(r);
            else out().print(Render.peers(r));
            return OK;
        }
    }

    @Command(name = "send", description = "Send a message to a member (name, pubkey prefix >= 8, pubkey) or '*'.")
    static final class Send extends Verb {
        @Parameters(index = "0", paramLabel = "TO") String to;
        @Parameters(index = "1", paramLabel = "MESSAGE") String message;
        @Option(names = "--mesh") String mesh;
        @Option(names = "--priority", defaultValue = "next", description = "now, next or low") String priority;
        @Option(names = "--id", paramLabel = "CLIENT_ID", description = "idempotency id (default: random); resending with the same id never sends twice") String id;
        @Option(names = "--reply-to", paramLabel = "MESSAGE_ID", description = "the coordinator message id this replies to") String replyTo;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            if (!List.of("now", "next", "low").contains(priority)) {
                throw new PeerException(PeerException.BAD_REQUEST, "--priority must be one of now, next, low (got '" + priority + "')");
            }
            requireMeshes();
            JsonNode r = daemon().post("/v1/send", IpcClient.map("mesh", mesh, "to", to, "message", message,
                    "priority", priority, "clientMessageId", id, "replyToId", replyTo));
            if (json) printJson(r);
            else out().print(Render.sendReceipt(r));
            return OK;
        }
    }

    @Command(name = "inbox", description = "Show received messages (marks what it shows as seen unless --peek).",
            subcommands = {InboxFlush.class, InboxDelete.class})
    static final class InboxCmd extends Verb {
        @Option(names = "--mesh") String mesh;
        @Option(names = "--limit", defaultValue = "50") int limit;
        @Option(names = "--unread", description = "only messages not shown before") boolean unread;
        @Option(names = "--peek", description = "do not mark the shown messages as seen") boolean peek;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            requireMeshes();
            JsonNode r = daemon().inbox(mesh, limit, unread, peek);
            if (json) printJson(r);
            else out().print(Render.inbox(r.path("messages")));
            return OK;
        }
    }

    @Command(name = "flush", description = "Delete the messages already seen (all of them with --all).")
    static final class InboxFlush extends Verb {
        @Option(names = "--mesh") String mesh;
        @Option(names = "--all", description = "also delete unread messages") boolean all;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            requireMeshes();
            JsonNode r = daemon().post("/v1/inbox/flush", IpcClient.map("mesh", mesh, "all", all));
            if (json) printJson(r);
            else out().println("deleted " + r.path("deleted").asLong() + (all ? " message(s)" : " seen message(s)"));
            return OK;
        }
    }

    @Command(name = "delete", description = "Delete one inbox message by its id (the \"id\" of inbox --json).")
    static final class InboxDelete extends Verb {
        @Parameters(paramLabel = "ID") long id;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            JsonNode r = daemon().delete("/v1/inbox/" + id);
            if (json) printJson(r);
            else out().println("deleted inbox message " + id);
            return OK;
        }
    }

    @Command(name = "msg", description = "Sent messages.", subcommands = {MsgStatus.class})
    static final class Msg implements Runnable {
        @Spec CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (status)");
        }
    }

    @Command(name = "status", description = "Delivery state of a sent message (by client message id).")
    static final class MsgStatus extends Verb {
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            JsonNode r = daemon().message(id);
            if (json) printJson(r);
            else out().print(Render.messageStatus(r));
            return OK;
        }
    }

    @Command(name = "outbox", description = "List sent messages by delivery state (newest first).",
            subcommands = {OutboxRequeue.class})
    static final class OutboxCmd extends Verb {
        @Option(names = "--failed", description = "only dead messages") boolean failed;
        @Option(names = "--pending", description = "only pending and in-flight messages") boolean pending;
        @Option(names = "--done", description = "only delivered-to-coordinator messages") boolean done;
        @Option(names = "--limit", defaultValue = "50") int limit;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            List<String> states = new java.util.ArrayList<>();
            if (failed) states.add("dead");
            if (pending) {
                states.add("pending");
                states.add("inflight");
            }
            if (done) states.add("done");
            JsonNode r = daemon().outbox(states.isEmpty() ? null : String.join(",", states), limit);
            if (json) printJson(r);
            else out().print(Render.outbox(r));
            return OK;
        }
    }

    @Command(name = "requeue", description = "Retire a dead or pending message and send its content again under a new id.")
    static final class OutboxRequeue extends Verb {
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--new-id", paramLabel = "CLIENT_ID", description = "the new client message id (default: random)") String newId;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            JsonNode r = daemon().requeue(id, newId);
            if (json) printJson(r);
            else out().println("requeued " + id + " as " + r.path("clientMessageId").asText() + " (pending); "
                    + id + " is now aborted");
            return OK;
        }
    }

    @Command(name = "watch", description = "Follow messages and peer events until Ctrl-C.")
    static final class Watch extends Verb {
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
            return OK;
        }
    }

    @Command(name = "reconnect", description = "Open a fresh coordinator connection for a mesh (e.g. after a kick).")
    static final class Reconnect extends Verb {
        @Option(names = "--mesh") String mesh;
        @Option(names = "--json") boolean json;

        @Override
        public Integer call() {
            requireMeshes();
            JsonNode r = daemon().post("/v1/reconnect", IpcClient.map("mesh", mesh));
            if (json) printJson(r);
            else out().println("mesh " + r.path("mesh").path("name").asText() + ": " + r.path("mesh").path("state").asText());
            return OK;
        }
    }

    abstract static class Moderate extends Verb {
        @Parameters(paramLabel = "PEER", description = "name, pubkey prefix (>= 8) or pubkey") String peer;
        @Option(names = "--mesh") String mesh;
        @Option(names = "--json") boolean json;

        abstract String op();

        abstract String hint();

        @Override
        public Integer call() {
            requireMeshes();
            JsonNode r = daemon().post("/v1/" + op(), IpcClient.map("mesh", mesh, "peer", peer));
            if (json) printJson(r);
            else {
                out().println(op() + ": " + r.path("name").asText() + " (" + Render.shortKey(r.path("pubkey").asText()) + ")"
                        + (r.hasNonNull("detail") ? " - " + r.get("detail").asText() : ""));
                out().println(hint());
            }
            return OK;
        }
    }

    @Command(name = "kick", description = "Disconnect a member (owner only).")
    static final class Kick extends Moderate {
        String op() { return "kick"; }
        String hint() { return "they can rejoin by reconnecting ('meshwire reconnect' on their machine; their daemon does not do it by itself); use 'ban' to keep them out"; }
    }

    @Command(name = "ban", description = "Disconnect a member and refuse them until unbanned (owner only).")
    static final class Ban extends Moderate {
        String op() { return "ban"; }
        String hint() { return "they are refused until 'meshwire unban'"; }
    }

    @Command(name = "unban", description = "Lift a ban (owner only).")
    static final class Unban extends Moderate {
        String op() { return "unban"; }
        String hint() { return "they can connect again with their existing identity"; }
    }
}
