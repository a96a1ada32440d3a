package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.RoleRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code meshwire role PEER admin|member} (owner only). */
@Command(name = "role", description = "Make a member an admin or a plain member (owner only).")
final class RoleCommand extends ReplyVerb {
    @Parameters(index = "0", paramLabel = "PEER", description = "name, pubkey prefix (>= 8) or pubkey") String peer;
    @Parameters(index = "1", paramLabel = "ROLE", description = "admin or member") String role;
    @Mixin MeshOption mesh;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().role(new RoleRequest(mesh.name, peer, role)),
                r -> out().println("role: " + Render.who(r.name(), r.pubkey()) + " is now " + r.role()));
    }
}
