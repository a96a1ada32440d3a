package dev.meshwire.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshwire ping PEER}: round trips to one peer, each showing the path the reply took (like {@code tailscale ping}). */
@Command(name = "ping", description = "Ping a peer and show the path of each reply (direct, turn, relay); stops at the first direct reply.")
final class PingCommand extends ReplyVerb {
    @Mixin MeshOption mesh;
    @Parameters(paramLabel = "PEER", description = "display name or public key (prefix of at least 8 hex digits)") String peer;
    @Option(names = {"-c", "--count"}, defaultValue = "10", description = "at most this many rounds") int count;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().ping(mesh.name, peer, count), r -> out().print(Render.ping(r)));
    }
}
