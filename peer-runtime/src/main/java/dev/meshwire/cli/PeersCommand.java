package dev.meshwire.cli;

import dev.meshwire.cli.term.Style;
import dev.meshwire.cli.term.Table;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.ipc.api.PeersReply;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code meshwire peers}: the active members of every joined mesh (or of {@code --mesh}), online first, with a
 * MESH column, then the sessions online (their STATUS says whose: "(this session)" for the caller's own, named by
 * {@code --session} or {@code $MESHWIRE_SESSION}, "(your other session)" for the other sessions of this member).
 * {@code --json}: {@code {"items": [{mesh, name, pubkey, …, parent, session}], "meshes": [{mesh, connected, state,
 * stateVersion, stateVerified}]}}.
 */
@Command(name = "peers", description = "List the members of every joined mesh (or of --mesh), with the path to each.")
final class PeersCommand extends ReplyVerb {
    @Mixin MeshOption mesh;

    /** As a session ({@code --session} or {@code $MESHWIRE_SESSION}), its own row says "(this session)". */
    @Mixin SessionOption session;

    /** One member of one mesh: {@link PeerItem} with the mesh's name in front. */
    record MeshPeer(String mesh, String name, String pubkey, String role, boolean online, boolean self, Long connectedSince, boolean p2p,
                    String path, String pathState, Long pathSince, Double rttMs, Long lastSeenAt, String parent, String session) {
        static MeshPeer of(String mesh, PeerItem p) {
            return new MeshPeer(mesh, p.name(), p.pubkey(), p.role(), p.online(), p.self(), p.connectedSince(), p.p2p(), p.path(),
                    p.pathState(), p.pathSince(), p.rttMs(), p.lastSeenAt(), p.parent(), p.session());
        }

        PeerItem peer() {
            return new PeerItem(name, pubkey, role, online, self, connectedSince, p2p, path, pathState, pathSince, rttMs, lastSeenAt);
        }
    }

    /** The link of one listed mesh. */
    record MeshLink(String mesh, boolean connected, String state, long stateVersion, boolean stateVerified) {}

    /** What {@code peers --json} prints. */
    record PeersView(List<MeshPeer> items, List<MeshLink> meshes) {}

    @Override
    public Integer call() {
        IpcClient c = daemonWithMeshes();
        List<String> names = new ArrayList<>();
        if (mesh.name != null) names.add(mesh.name);
        else new MeshStore(home()).list().forEach(m -> names.add(m.name()));
        List<MeshPeer> items = new ArrayList<>();
        List<MeshLink> links = new ArrayList<>();
        String asSession = session.resolve(main());
        for (String name : names) {
            PeersReply r = c.peers(name, asSession);
            links.add(new MeshLink(r.mesh(), r.connected(), r.state(), r.stateVersion(), r.stateVerified()));
            for (PeerItem p : r.items()) items.add(MeshPeer.of(r.mesh(), p));
        }
        return reply(new PeersView(items, links), v -> out().print(text(v, style())));
    }

    /**
     * One table over every listed mesh. An online peer's PATH is how a message to it travels now; an offline one
     * says when this daemon last saw it. A mesh whose link is down gets a line above the table.
     */
    static String text(PeersView v, Style style) {
        StringBuilder sb = new StringBuilder();
        for (MeshLink m : v.meshes()) {
            if (!m.connected()) {
                sb.append("mesh ").append(style.bold(m.mesh())).append(": ").append(style.yellow("not connected (" + m.state() + ")"))
                        .append("; presence may be stale\n");
            }
        }
        Table t = new Table("", "MESH", "NAME", "KEY", "ROLE", "STATUS", "PATH");
        java.util.Map<String, String> names = new java.util.HashMap<>();
        for (MeshPeer p : v.items()) if (p.name() != null && !"subpeer".equals(p.role())) names.putIfAbsent(p.mesh() + "|" + p.pubkey(), p.name());
        for (MeshPeer p : v.items()) {
            if ("subpeer".equals(p.role())) { // lk:alice: reached through the service that fronts it
                String svc = names.getOrDefault(p.mesh() + "|" + p.parent(), Render.shortKey(p.parent()));
                t.row(p.mesh(), p.name(), Render.shortKey(p.pubkey()), p.role(), p.online() ? style.green("online")
                        : style.dim("offline" + (p.lastSeenAt() != null ? ", last seen " + Render.ago(p.lastSeenAt()) : "")), "via " + svc);
                continue;
            }
            String status = p.self() ? "(you)"
                    : PeerItem.THIS_SESSION.equals(p.session()) ? "(this session)"
                    : PeerItem.YOUR_SESSION.equals(p.session()) ? "(your other session)"
                    : p.online() ? style.green("online")
                    : style.dim("offline" + (p.lastSeenAt() != null ? ", last seen " + Render.ago(p.lastSeenAt()) : ""));
            t.row(p.mesh(), p.name(), Render.shortKey(p.pubkey()), p.role(), status,
                    p.self() || p.path() == null ? null : "via " + Render.path(p.peer(), style));
        }
        return sb.append(t.render(style)).toString();
    }
}
