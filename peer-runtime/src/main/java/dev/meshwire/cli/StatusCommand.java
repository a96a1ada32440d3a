package dev.meshwire.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.signaling.Json;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code meshwire status}: never starts a daemon; without one it reports the meshes on disk. Ends with the
 * next step for every problem ({@link NextSteps}) and exits non-zero when the daemon or a coordinator link is down.
 */
@Command(name = "status", description = "Daemon and mesh status; exits 3 when the daemon is not running, 5 when a coordinator link is down.")
final class StatusCommand extends ReplyVerb {
    @Override
    public Integer call() {
        IpcClient c = DaemonLauncher.running(home());
        ObjectNode st;
        if (c == null) {
            st = Json.MAPPER.valueToTree(Map.of("daemon", Map.of("running", false), "meshes", new MeshStore(home()).list()));
        } else {
            st = (ObjectNode) c.status();
            ((ObjectNode) st.get("daemon")).put("running", true);
        }
        List<NextSteps.Step> steps = NextSteps.of(st);
        st.set("nextSteps", Json.MAPPER.valueToTree(steps));
        reply(st, r -> {
            out().print(Render.status(r));
            printCounts(r);
            for (NextSteps.Step s : steps) out().println("! " + s.problem() + "\n  → " + s.command());
        });
        return NextSteps.exitCode(st);
    }

    /** {@code unread 3 (meshwire inbox), pending 1 (meshwire outbox --pending)} once for the daemon. */
    private void printCounts(JsonNode r) {
        JsonNode d = r.path("daemon");
        if (!d.path("running").asBoolean()) return;
        out().println("unread " + d.path("unread").asLong() + (d.path("unread").asLong() > 0 ? " ('meshwire inbox')" : "")
                + ", pending " + d.path("pending").asLong() + (d.path("pending").asLong() > 0 ? " ('meshwire outbox --pending')" : ""));
    }
}
