package dev.meshwire.cli;

import dev.meshwire.peer.ipc.IpcClient;
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
        return reply(daemonWithMeshes().post("/v1/revoke", IpcClient.map("mesh", mesh.name, "peer", peer, "reason", reason)), r -> {
            out().println("revoked: " + Render.who(r) + (r.hasNonNull("reason") ? " - " + r.get("reason").asText() : ""));
            out().println("every daemon now refuses this key (relay, direct channels, signaling); it cannot be undone");
        });
    }
}
