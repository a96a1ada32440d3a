package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.signaling.invite.Invite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshwire join INVITE}: becomes a member of the invite's mesh with a fresh identity. */
@Command(name = "join", description = "Join a mesh with an invite.")
final class JoinCommand extends ReplyVerb {
    @Parameters(paramLabel = "INVITE", description = "the invite text that 'meshwire invite' printed (mw1:...)") String invite;
    @Option(names = "--name", description = "your display name (default: host name)") String name;

    @Override
    public Integer call() {
        try {
            Invite.decode(invite); // a malformed invite is a usage error, without starting a daemon
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.INVITE_INVALID, e.getMessage());
        }
        return reply(daemon().join(invite, name), r -> {
            JsonNode m = r.path("mesh");
            out().println("joined mesh " + m.path("name").asText() + " as " + m.path("displayName").asText()
                    + " (" + Render.shortKey(m.path("pubkey").asText()) + "); " + m.path("onlinePeers").asText() + " other member(s) online");
        });
    }
}
