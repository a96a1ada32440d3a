package dev.meshwire.peer.mesh;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.api.MeshInfo;
import dev.meshwire.peer.meshstate.MeshReplica;
import dev.meshwire.peer.meshstate.MeshRoster;

/** One joined mesh as status, create, join and reconnect report it (docs/ipc.md). */
public final class MeshSummary {
    private MeshSummary() {}

    public static MeshInfo of(MeshSession s) {
        CoordinatorLink l = s.link();
        MeshRoster roster = s.roster();
        MeshReplica replica = roster.replica();
        // The verified mesh state knows the current role (role_changed); the record has the one at join.
        String role = roster.entry(s.selfPubkey()).map(e -> e.role()).filter(r -> r != null).orElse(s.config().role());
        return new MeshInfo(s.name(), s.config().meshId(), s.config().coordinator(), l.state().wireName(), l.connected(),
                s.config().displayName(), s.selfPubkey(), role, roster.onlineCount(), roster.activeCount(), replica.version(),
                replica.verified(), replica.authority(), replica.refusals(), roster.refused().counters(), l.lastError());
    }
}
