package dev.meshwire.peer.mesh;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.api.MeshInfo;
import dev.meshwire.peer.meshstate.MeshReplica;
import dev.meshwire.peer.meshstate.MeshRoster;
import java.util.List;

/** One joined mesh as status, create, join and reconnect report it (docs/ipc.md). */
public final class MeshSummary {
    private MeshSummary() {}

    public static MeshInfo of(MeshSession s) {
        CoordinatorLink l = s.link();
        MeshRoster roster = s.roster();
        MeshReplica replica = roster.replica();
        // The verified mesh state knows the current role (role_changed); the record has the one at join.
        String role = roster.entry(s.selfPubkey()).map(e -> e.role()).filter(r -> r != null).orElse(s.config().role());
        // the STUN/TURN URLs of the last hello_ack, without credentials (meshwire doctor probes them)
        var ack = l.lastAck();
        List<String> iceUrls = ack == null || ack.iceServers() == null ? List.of()
                : ack.iceServers().stream().filter(x -> x.urls() != null).flatMap(x -> x.urls().stream()).toList();
        return new MeshInfo(s.name(), s.config().meshId(), s.config().coordinator(), l.state().wireName(), l.connected(),
                s.config().displayName(), s.selfPubkey(), role, roster.onlineCount(), roster.activeCount(), replica.version(),
                replica.verified(), replica.authority(), replica.refusals(), roster.refused().counters(), l.lastError(), iceUrls, null, null);
    }
}
