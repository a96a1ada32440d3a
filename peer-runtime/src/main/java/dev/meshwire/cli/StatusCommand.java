package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.signaling.Json;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code meshwire status}: never starts a daemon; without one it reports the meshes on disk. */
@Command(name = "status", description = "Daemon and mesh status.")
final class StatusCommand extends ReplyVerb {
    @Override
    public Integer call() {
        IpcClient c = DaemonLauncher.running(home());
        JsonNode st;
        if (c == null) {
            st = Json.MAPPER.valueToTree(Map.of("daemon", Map.of("running", false), "meshes", new MeshStore(home()).list()));
        } else {
            st = c.status();
            ((ObjectNode) st.get("daemon")).put("running", true);
        }
        return reply(st, r -> out().print(Render.status(r)));
    }
}
