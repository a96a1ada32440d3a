package dev.meshwire.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code meshwire kick|ban|unban PEER}: owner-only moderation. The three verbs differ only in the
 * endpoint and in the hint printed afterwards (what the moderated member can do next).
 */
abstract class ModerateCommand extends ReplyVerb {
    @Parameters(paramLabel = "PEER", description = "name, pubkey prefix (>= 8) or pubkey") String peer;
    @Mixin MeshOption mesh;

    abstract String op();

    abstract String hint();

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().moderate(op(), mesh.name, peer), r -> {
            out().println(op() + ": " + r.name() + " (" + Render.shortKey(r.pubkey()) + ")"
                    + (r.detail() != null ? " - " + r.detail() : ""));
            out().println(hint());
        });
    }

    @Command(name = "kick", description = "Disconnect a member (owner only).")
    static final class Kick extends ModerateCommand {
        String op() { return "kick"; }
        String hint() { return "they can rejoin by reconnecting ('meshwire reconnect' on their machine; their daemon does not do it by itself); use 'ban' to keep them out"; }
    }

    @Command(name = "ban", description = "Disconnect a member and refuse them until unbanned (owner only).")
    static final class Ban extends ModerateCommand {
        String op() { return "ban"; }
        String hint() { return "they are refused until 'meshwire unban'"; }
    }

    @Command(name = "unban", description = "Lift a ban (owner only).")
    static final class Unban extends ModerateCommand {
        String op() { return "unban"; }
        String hint() { return "they can connect again with their existing identity"; }
    }
}
