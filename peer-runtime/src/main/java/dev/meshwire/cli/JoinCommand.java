package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.MeshInfo;
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
        return reply(withDaemonStoppedOnFailure(c -> c.join(invite, name)), r -> {
            MeshInfo m = r.mesh();
            out().println("joined mesh " + m.name() + " as " + m.displayName()
                    + " (" + Render.shortKey(m.pubkey()) + "); " + m.onlinePeers() + " other member(s) online");
        });
    }
}
