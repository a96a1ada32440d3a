package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.RevokeRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshwire revoke PEER}: emergency removal, for good (owner or admin). */
@Command(name = "revoke", description = "Revoke a member's key for good: every daemon refuses it on every path (owner or admin).")
final class RevokeCommand extends ReplyVerb {
    @Parameters(paramLabel = "PEER", description = "name, pubkey prefix (>= 8) or pubkey") String peer;
    @Option(names = "--reason", paramLabel = "TEXT", description = "why (kept in the mesh log)") String reason;
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().revoke(new RevokeRequest(mesh.name, peer, reason)), r -> {
            out().println("revoked: " + Render.who(r.name(), r.pubkey()) + (r.reason() != null ? " - " + r.reason() : ""));
            out().println("every daemon now refuses this key (relay, direct channels, signaling); it cannot be undone");
        });
    }
}
