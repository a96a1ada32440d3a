package dev.meshwire.cli;

import dev.meshwire.peer.ipc.api.MeshInfo;
import dev.meshwire.peer.ipc.api.CreateMeshReply;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorUrls;
import dev.meshwire.signaling.Names;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.api.ForgetMeshRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code meshwire mesh create|log}: a new mesh on a coordinator, owned by this machine; its verified history. */
@Command(name = "mesh", description = "Manage meshes.", subcommands = {MeshCommand.Create.class, MeshCommand.Log.class, MeshCommand.ListMeshes.class,
        MeshCommand.Remove.class})
final class MeshCommand extends CommandGroup {

    @Command(name = "create", description = "Create a mesh on a coordinator; you become its owner.")
    static final class Create extends ReplyVerb {
        @Parameters(paramLabel = "NAME", description = "the name this mesh goes by on this machine and in invites") String name;
        @Option(names = "--coordinator", required = true, paramLabel = "URL", description = "ws(s):// or http(s):// URL") String coordinator;
        @Option(names = "--name", paramLabel = "DISPLAY", description = "your display name (default: host name)") String display;
        @Option(names = "--admin-token", paramLabel = "T", description = "coordinator admin token (default: $MESHWIRE_ADMIN_TOKEN)") String adminToken;

        @Override
        public Integer call() {
            // Validate before starting anything.
            String bad = Names.checkMeshName(name);
            if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
            CoordinatorUrls.wsBase(coordinator);
            String token = adminToken != null ? adminToken : System.getenv("MESHWIRE_ADMIN_TOKEN");
            return reply(withDaemonStoppedOnFailure(c -> c.createMesh(new CreateMeshRequest(name, coordinator, display, token))), this::printCreated);
        }

        private void printCreated(CreateMeshReply r) {
            MeshInfo m = r.mesh();
            out().println("created mesh " + m.name() + " on " + m.coordinator()
                    + " (you are " + m.displayName() + ", owner, " + Render.shortKey(m.pubkey()) + ")");
            if (r.warning() != null) out().println("warning: " + r.warning());
            out().println("invite (1 use, expires in 24h):");
            out().println("  " + r.invite());
            out().println("on another machine: meshwire join <invite> --name <their-name>");
        }
    }

    /** {@code meshwire mesh log}: the verified event history of a mesh, oldest first (an audit trail). */
    @Command(name = "log", description = "Show the verified mesh-state history (who joined, left, was banned or revoked, by whom).")
    static final class Log extends ReplyVerb {
        @Mixin MeshOption mesh;

        @Override
        public Integer call() {
            return reply(daemonWithMeshes().meshLog(mesh.name), r -> out().print(Render.meshLog(r, style())));
        }
    }

    /** {@code meshwire mesh list}: the meshes joined on this machine, from disk (never starts a daemon). */
    @Command(name = "list", description = "List the meshes joined on this machine (coordinator URL, your name); does not start the daemon.")
    static final class ListMeshes extends Verb {
        @Option(names = "--json", description = "{\"items\": [{name, meshId, coordinator, displayName, role, pubkey, joinedAt, joinedAtIso}]}")
        boolean json;

        @Override
        public Integer call() {
            java.util.List<MeshListItem> items = new MeshStore(home()).list().stream().map(MeshListItem::of).toList();
            if (json) {
                printJson(java.util.Map.of("items", items));
                return ExitCodes.OK;
            }
            if (items.isEmpty()) {
                out().println("no meshes joined; 'meshwire mesh create' or 'meshwire join <invite>'");
                return ExitCodes.OK;
            }
            int w = Math.max(4, items.stream().mapToInt(i -> i.name().length()).max().orElse(4));
            int cw = Math.max(11, items.stream().mapToInt(i -> i.coordinator().length()).max().orElse(11));
            String fmt = "%-" + w + "s  %-" + cw + "s  %-20s  %-6s  %-12s  %s%n";
            out().printf(fmt, "MESH", "COORDINATOR", "YOU", "ROLE", "PUBKEY", "JOINED");
            for (MeshListItem i : items) {
                out().printf(fmt, i.name(), i.coordinator(), i.displayName(), i.role(), Render.shortKey(i.pubkey()),
                        Render.time(i.joinedAt()));
            }
            return ExitCodes.OK;
        }
    }

    /** {@code meshwire mesh rm NAME}: forgets a mesh on this machine only (the coordinator is not told; see {@code leave}). */
    @Command(name = "rm", description = "Forget a mesh on this machine only (its record and key); the coordinator is not told (see 'leave').")
    static final class Remove extends ReplyVerb {
        @Parameters(paramLabel = "NAME", description = "the joined mesh to forget") String name;
        @Option(names = "--force", description = "also when sends to the mesh are still pending (they are aborted)") boolean force;

        @Override
        public Integer call() {
            MeshStore store = new MeshStore(home());
            if (!store.exists(name)) {
                // Refused from disk, without starting a daemon just to say so.
                java.util.List<String> joined = store.list().stream().map(c -> c.name()).toList();
                throw new PeerException(PeerException.UNKNOWN_MESH, "no joined mesh named '" + name + "'; joined: "
                        + (joined.isEmpty() ? "(none)" : String.join(", ", joined)));
            }
            return reply(daemonWithMeshes().forgetMesh(new ForgetMeshRequest(name, force)), r -> out().print(MeshRemoval.text(r)));
        }
    }
}
