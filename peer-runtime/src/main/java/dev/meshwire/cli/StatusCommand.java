package dev.meshwire.cli;

import java.util.List;
import java.util.ArrayList;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.ipc.api.DaemonStatus;
import dev.meshwire.peer.ipc.api.MeshInfo;
import dev.meshwire.peer.ipc.api.StatusReply;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.IpcClient;
import picocli.CommandLine.Command;

/** {@code meshwire status}: never starts a daemon; without one it reports the meshes on disk. */
@Command(name = "status", description = "Daemon and mesh status.")
final class StatusCommand extends ReplyVerb {
    @Override
    public Integer call() {
        IpcClient c = DaemonLauncher.running(home());
        StatusReply st;
        if (c == null) {
            List<MeshInfo> stored = new ArrayList<>();
            for (MeshConfig m : new MeshStore(home()).list()) {
                stored.add(new MeshInfo(m.name(), m.meshId(), m.coordinator(), null, null, m.displayName(), m.pubkey(), m.role(),
                        null, null, null, null, m.authority(), null, null, null));
            }
            st = new StatusReply(DaemonStatus.notRunning(), stored);
        } else {
            StatusReply live = c.status();
            st = new StatusReply(live.daemon().asRunning(), live.meshes());
        }
        return reply(st, r -> out().print(Render.status(r, style())));
    }
}
