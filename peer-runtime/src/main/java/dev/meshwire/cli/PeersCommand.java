package dev.meshwire.cli;

import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.ipc.api.PeersReply;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code meshwire peers}: the active members of every joined mesh (or of {@code --mesh}), online first, with a
 * MESH column. {@code --json}: {@code {"items": [{mesh, name, pubkey, …}], "meshes": [{mesh, connected, state,
 * stateVersion, stateVerified}]}}.
 */
@Command(name = "peers", description = "List the members of every joined mesh (or of --mesh), with the path to each.")
final class PeersCommand extends ReplyVerb {
    @Mixin MeshOption mesh;

    /** One member of one mesh: {@link PeerItem} with the mesh's name in front. */
    record MeshPeer(String mesh, String name, String pubkey, String role, boolean online, boolean self, Long connectedSince, boolean p2p,
                    String path, String pathState, Long pathSince, Double rttMs) {
        static MeshPeer of(String mesh, PeerItem p) {
            return new MeshPeer(mesh, p.name(), p.pubkey(), p.role(), p.online(), p.self(), p.connectedSince(), p.p2p(), p.path(),
                    p.pathState(), p.pathSince(), p.rttMs());
        }

        PeerItem peer() {
            return new PeerItem(name, pubkey, role, online, self, connectedSince, p2p, path, pathState, pathSince, rttMs);
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
        for (String name : names) {
            PeersReply r = c.peers(name);
            links.add(new MeshLink(r.mesh(), r.connected(), r.state(), r.stateVersion(), r.stateVerified()));
            for (PeerItem p : r.items()) items.add(MeshPeer.of(r.mesh(), p));
        }
        return reply(new PeersView(items, links), v -> out().print(text(v)));
    }

    static String text(PeersView v) {
        StringBuilder sb = new StringBuilder();
        for (MeshLink m : v.meshes()) {
            if (!m.connected()) sb.append("mesh ").append(m.mesh()).append(": not connected (").append(m.state()).append("); presence may be stale\n");
        }
        int mw = 4;
        int nw = 4;
        for (MeshPeer p : v.items()) {
            mw = Math.max(mw, p.mesh().length());
            nw = Math.max(nw, String.valueOf(p.name()).length());
        }
        String fmt = "%-" + mw + "s  %-" + nw + "s  %-12s  %-7s  %-6s  %s%n";
        sb.append(String.format(fmt, "MESH", "NAME", "PUBKEY", "STATUS", "ROLE", "PATH"));
        for (MeshPeer p : v.items()) {
            sb.append(String.format(fmt, p.mesh(), p.name(), Render.shortKey(p.pubkey()), p.online() ? "online" : "offline", p.role(),
                    p.self() ? "(you)" : p.path() != null ? "via " + Render.path(p.peer()) : "-"));
        }
        return sb.toString();
    }
}
