package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.MeshInfo;
import dev.meshwire.peer.ipc.api.StatusReply;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code status} tells a user to do: one {@link Step} per problem (daemon not running, a mesh whose
 * coordinator link is down, kicked, banned, revoked, …), each with what happened and the command that helps,
 * and the exit code the whole status ends with (docs/cli.md: 0 all up, 3 no daemon, 5 a link down).
 */
final class NextSteps {
    private NextSteps() {}

    /**
     * @param mesh    the mesh concerned, null for the daemon itself
     * @param state   the link state (or {@code not_running} for the daemon)
     * @param problem what happened, one sentence
     * @param command what to run next (a command line, or an instruction naming one)
     */
    record Step(String mesh, String state, String problem, String command) {}

    /** The steps for a {@code /v1/status} answer (with {@code daemon.running} set by the CLI). */
    static List<Step> of(StatusReply status) {
        List<Step> out = new ArrayList<>();
        if (!Boolean.TRUE.equals(status.daemon().running())) {
            out.add(new Step(null, "not_running", "the daemon is not running", "meshwire up"));
            return out;
        }
        for (MeshInfo m : status.meshes()) {
            Step s = forMesh(m);
            if (s != null) out.add(s);
        }
        return out;
    }

    /** 0 when everything is up, 3 when the daemon is not running, 5 when a coordinator link is down. */
    static int exitCode(StatusReply status) {
        if (!Boolean.TRUE.equals(status.daemon().running())) return ExitCodes.NO_DAEMON;
        for (MeshInfo m : status.meshes()) {
            if (!"connected".equals(m.state())) return ExitCodes.UNREACHABLE;
        }
        return ExitCodes.OK;
    }

    private static Step forMesh(MeshInfo m) {
        String mesh = m.name();
        String state = String.valueOf(m.state());
        String you = m.displayName();
        String coordinator = m.coordinator();
        String err = m.lastError() != null ? ": " + m.lastError() : "";
        return switch (state) {
            case "connected" -> null;
            case "kicked" -> new Step(mesh, state, "you were kicked from " + mesh + "; the daemon does not reconnect by itself",
                    "meshwire reconnect --mesh " + mesh);
            case "banned" -> new Step(mesh, state, "you are banned from " + mesh,
                    "ask an owner or admin of " + mesh + " to run 'meshwire unban " + you + " --mesh " + mesh
                            + "', then run 'meshwire reconnect --mesh " + mesh + "'");
            case "revoked" -> new Step(mesh, state, "your key was revoked in " + mesh + " (for good)",
                    "ask for a new invite, then run 'meshwire mesh rm " + mesh + " --force' and 'meshwire join <invite>'");
            case "unauthorized" -> new Step(mesh, state, "the coordinator of " + mesh + " does not accept this identity" + err,
                    "ask for a new invite, then run 'meshwire mesh rm " + mesh + " --force' and 'meshwire join <invite>'");
            case "replaced" -> new Step(mesh, state, "another daemon connected to " + mesh + " with this identity and replaced this one",
                    "stop the other daemon, then run 'meshwire reconnect --mesh " + mesh + "'");
            case "connecting", "reconnecting" -> new Step(mesh, state, "cannot reach the coordinator of " + mesh + " at " + coordinator
                    + err + "; the daemon keeps retrying with backoff", "meshwire reconnect --mesh " + mesh);
            default -> new Step(mesh, state, "the coordinator link of " + mesh + " is " + state + err,
                    "meshwire reconnect --mesh " + mesh);
        };
    }
}
