package dev.meshwire.cli;

import dev.meshwire.peer.daemon.DaemonLauncher;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.DaemonStatus;
import dev.meshwire.peer.ipc.api.MeshInfo;
import dev.meshwire.peer.ipc.api.StatusReply;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code meshwire status}: never starts a daemon; without one it reports the meshes on disk. Ends with the
 * next step for every problem ({@link NextSteps}) and exits non-zero when the daemon or a coordinator link is down.
 */
@Command(name = "status", description = "Daemon and mesh status; exits 3 when the daemon is not running, 5 when a coordinator link is down.")
final class StatusCommand extends ReplyVerb {
    /** {@code status --json}: the {@code /v1/status} answer (with {@code daemon.running}) plus the next steps. */
    record StatusView(DaemonStatus daemon, List<MeshInfo> meshes, List<NextSteps.Step> nextSteps) {}

    @Override
    public Integer call() {
        IpcClient c = DaemonLauncher.running(home());
        StatusReply st;
        if (c == null) {
            List<MeshInfo> stored = new ArrayList<>();
            for (MeshConfig m : new MeshStore(home()).list()) {
                stored.add(new MeshInfo(m.name(), m.meshId(), m.coordinator(), null, null, m.displayName(), m.pubkey(), m.role(),
                        null, null, null, null, m.authority(), null, null, null, null, null, null));
            }
            st = new StatusReply(DaemonStatus.notRunning(), stored);
        } else {
            StatusReply live = c.status();
            st = new StatusReply(live.daemon().asRunning(), live.meshes());
        }
        List<NextSteps.Step> steps = NextSteps.of(st);
        reply(new StatusView(st.daemon(), st.meshes(), steps), v -> {
            out().print(Render.status(st, style()));
            printCounts(st.daemon());
            for (NextSteps.Step s : steps) out().println("! " + s.problem() + " → " + s.command()); // one line per problem
        });
        return NextSteps.exitCode(st);
    }

    /** {@code unread 3 ('meshwire inbox'), pending 1 ('meshwire outbox --pending')} once for the daemon. */
    private void printCounts(DaemonStatus d) {
        if (!Boolean.TRUE.equals(d.running())) return;
        long unread = d.unread() == null ? 0 : d.unread();
        long pending = d.pending() == null ? 0 : d.pending();
        out().println("unread " + unread + (unread > 0 ? " ('meshwire inbox')" : "")
                + ", pending " + pending + (pending > 0 ? " ('meshwire outbox --pending')" : ""));
    }
}
