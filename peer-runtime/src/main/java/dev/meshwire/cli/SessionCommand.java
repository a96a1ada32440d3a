package dev.meshwire.cli;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.api.SessionItem;
import dev.meshwire.peer.ipc.api.SessionReply;
import dev.meshwire.peer.ipc.api.SessionRequest;
import dev.meshwire.peer.ipc.api.SessionsReply;
import dev.meshwire.signaling.session.AttestationVerifier;
import dev.meshwire.signaling.session.SessionCaps;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire session new|list|end}: per-session identities held by the daemon (docs/cli.md "session"). A
 * session is a key pair of its own, vouched for by this machine's member key for at most 24 h, with its own
 * presence on the coordinator; an app acts as it through the daemon with the token {@code session new} prints.
 */
@Command(name = "session", description = "Manage per-session identities (one per app or agent) held by the daemon.",
        subcommands = {SessionCommand.New.class, SessionCommand.ListSessions.class, SessionCommand.End.class})
final class SessionCommand extends CommandGroup {

    @Command(name = "new", description = "Mint a session key vouched for by your member key, and hold its presence in the daemon.")
    static final class New extends ReplyVerb {
        @Mixin MeshOption mesh;
        @Option(names = "--name", paramLabel = "N", description = "the session's label (others see <your name>/<N>)") String name;
        @Option(names = "--ttl", paramLabel = "D", defaultValue = "12h", description = "how long the attestation lasts, at most 24h (e.g. 30m, 12h)")
        String ttl;
        @Option(names = "--caps", paramLabel = "C,...", description = "limit the session to these capabilities (of: "
                + "ban, broadcast, dm, grant, kick, profile-write, rpc, service-deploy, state-read, state-write, stream); '' for none; default: all of yours")
        String caps;
        @Option(names = "--pid", paramLabel = "PID", description = "end the session when this process exits (checked every 5 s)") Long pid;

        @Override
        public Integer call() {
            long ms;
            try {
                ms = Render.parseDuration(ttl);
            } catch (PeerException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--ttl: " + e.getMessage());
            }
            if (ms > AttestationVerifier.SESSION_MAX_TTL_MS) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--ttl " + ttl + " is longer than 24h, the most a member may vouch for a session");
            }
            if (ms < 1000) throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be at least 1s");
            List<String> capList = null;
            if (caps != null) {
                try {
                    capList = SessionCaps.parseKnown(caps);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--caps: " + e.getMessage());
                }
            }
            SessionReply r = daemonWithMeshes().createSession(new SessionRequest(mesh.name, name, ms, capList, pid));
            return reply(r, this::print);
        }

        private void print(SessionReply r) {
            SessionItem s = r.session();
            out().println("session " + s.id() + (s.name() != null ? " (" + s.name() + ")" : "") + " in mesh " + s.mesh()
                    + ", until " + Render.time(s.expiresAt()) + ", caps " + (s.caps() == null ? "all of yours" : s.caps().isEmpty() ? "none" : String.join(",", s.caps())));
            out().println("key:   " + s.pubkey());
            out().println("token: " + r.token());
            out().println("for the app: export " + SessionOption.ENV + "=" + r.token());
        }
    }

    @Command(name = "list", description = "List the sessions the daemon holds.")
    static final class ListSessions extends ReplyVerb {
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().sessions(mesh.name), this::print);
        }

        private void print(SessionsReply r) {
            if (r.items().isEmpty()) {
                out().println("no sessions; 'meshwire session new' makes one");
                return;
            }
            dev.meshwire.cli.term.Table t = new dev.meshwire.cli.term.Table("", "ID", "MESH", "NAME", "STATE", "EXPIRES", "PID", "CAPS");
            for (SessionItem s : r.items()) {
                t.row(s.id(), s.mesh(), s.name(), s.state(), Render.time(s.expiresAt()), s.pid() == null ? null : s.pid().toString(),
                        s.caps() == null ? "all" : s.caps().isEmpty() ? "none" : String.join(",", s.caps()));
            }
            out().print(t.render(style()));
        }
    }

    @Command(name = "end", description = "End a session: its presence closes and its key is forgotten.")
    static final class End extends ReplyVerb {
        @Parameters(paramLabel = "ID", description = "the session's id (from 'session list', at least 8 characters) or its token") String id;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().endSession(id), r -> out().println("ended session " + r.session().id()
                    + (r.session().name() != null ? " (" + r.session().name() + ")" : "")));
        }
    }
}
