package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.LeaveRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code meshwire leave}: leaves a mesh on its coordinator for good, then forgets it on this machine. */
@Command(name = "leave", description = "Leave a mesh for good: the coordinator records that you left; its record and key are deleted here.")
final class LeaveCommand extends ReplyVerb {
    @Mixin MeshOption mesh;
    @Option(names = "--force", description = "leave even when sends to the mesh are still pending (they are aborted)") boolean force;

    @Override
    public Integer call() {
        return reply(daemonWithMeshes().leave(new LeaveRequest(mesh.name, force)), r -> out().print(MeshRemoval.text(r)));
    }
}
