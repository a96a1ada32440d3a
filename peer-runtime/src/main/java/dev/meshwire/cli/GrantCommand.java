package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.GrantItem;
import dev.meshwire.peer.ipc.api.GrantReply;
import dev.meshwire.peer.ipc.api.GrantRequest;
import dev.meshwire.peer.ipc.api.GrantsReply;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.signaling.grants.Caps;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire grant|block|grants}: what other members may do to you (docs/protocol.md §6.3). A grant is
 * recorded in the mesh state, so every daemon and the coordinator enforce it on every path.
 */
final class GrantCommand {
    private GrantCommand() {}

    static String peerText(PeerRef p) {
        return p == null ? "everyone else (*)" : Render.who(p.name(), p.pubkey());
    }

    static String capsText(List<String> caps) {
        return caps == null ? "every capability (default)" : caps.isEmpty() ? "nothing (blocked)" : String.join(", ", caps);
    }

    /** {@code meshwire grant PEER CAPS}: PEER may do exactly CAPS to you. */
    @Command(name = "grant", description = "Set what a member (or * for everyone else) may do to you: dm, broadcast, rpc, ...")
    static final class Grant extends ReplyVerb {
        @Parameters(index = "0", paramLabel = "PEER", description = "name, pubkey prefix (>= 8), pubkey, or * for every member without a grant of its own")
        String peer;
        @Parameters(index = "1", arity = "0..1", paramLabel = "CAPS", description = "comma-separated capabilities; known: dm, broadcast, rpc, stream, read, state-read, state-write, file-read")
        String caps;
        @Option(names = "--reset", description = "remove the grant: PEER may do everything again (the default)") boolean reset;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            if (reset == (caps != null)) throw new dev.meshwire.peer.PeerException(dev.meshwire.peer.PeerException.BAD_REQUEST,
                    "give CAPS (e.g. dm,broadcast) or --reset");
            return reply(daemonWithMeshes().grant(new GrantRequest(mesh.name, peer, caps, reset ? true : null)), r -> out().println(setText(r)));
        }
    }

    /** {@code meshwire block PEER}: PEER may do nothing to you (a grant of no capability). */
    @Command(name = "block", description = "Block a member (or * for everyone else): none of its messages reach you, on any path.")
    static final class Block extends ReplyVerb {
        @Parameters(paramLabel = "PEER", description = "name, pubkey prefix (>= 8), pubkey, or *") String peer;
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().grant(new GrantRequest(mesh.name, peer, "", null)), r -> out().println(setText(r)));
        }
    }

    static String setText(GrantReply r) {
        return peerText(r.peer()) + " may now do " + capsText(r.caps()) + " to you in " + r.mesh()
                + "\n(recorded in the mesh state: the coordinator and every daemon enforce it, on every path)";
    }

    /** {@code meshwire grants}: the grants you set, and those others set that concern you. */
    @Command(name = "grants", description = "List the grants you set (who may do what to you) and those that limit you.")
    static final class ListGrants extends ReplyVerb {
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().grants(mesh.name), r -> out().print(text(r)));
        }

        static String text(GrantsReply r) {
            StringBuilder sb = new StringBuilder();
            sb.append("mesh ").append(r.mesh()).append(", state v").append(r.stateVersion()).append('\n');
            sb.append("you let:\n");
            if (r.items().isEmpty()) sb.append("  everyone do everything (no grants set)\n");
            for (GrantItem g : r.items()) sb.append("  ").append(peerText(g.sender())).append(": ").append(capsText(g.caps())).append('\n');
            if (!r.toYou().isEmpty()) {
                sb.append("others let you:\n");
                for (GrantItem g : r.toYou()) {
                    sb.append("  ").append(Render.who(g.recipient().name(), g.recipient().pubkey())).append(": ").append(capsText(g.caps()))
                            .append(g.everyone() ? " (their rule for everyone)" : "").append('\n');
                }
            }
            sb.append("capabilities: ").append(String.join(", ", Caps.ALL)).append('\n');
            return sb.toString();
        }
    }
}
