package dev.meshwire.peer.mesh;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.meshstate.MeshReplica;
import dev.meshwire.peer.meshstate.MeshRoster;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON of one joined mesh, as status, create, join and reconnect report it (docs/ipc.md). */
public final class MeshSummary {
    private MeshSummary() {}

    public static Map<String, Object> json(MeshSession s) {
        CoordinatorLink l = s.link();
        MeshRoster roster = s.roster();
        MeshReplica replica = roster.replica();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("meshId", s.config().meshId());
        m.put("coordinator", s.config().coordinator());
        m.put("state", l.state().wireName());
        m.put("connected", l.connected());
        m.put("displayName", s.config().displayName());
        m.put("pubkey", s.selfPubkey());
        // The verified mesh state knows the current role (role_changed); the record has the one at join.
        m.put("role", roster.entry(s.selfPubkey()).map(e -> e.role()).filter(r -> r != null).orElse(s.config().role()));
        m.put("onlinePeers", roster.onlineCount());
        m.put("members", roster.activeCount());
        m.put("stateVersion", replica.version());
        m.put("stateVerified", replica.verified());
        m.put("authority", replica.authority());
        m.put("stateRefusals", replica.refusals());
        m.put("refused", roster.refused().json());
        m.put("lastError", l.lastError());
        // the STUN/TURN URLs of the last hello_ack, without credentials (meshwire doctor probes them)
        var ack = l.lastAck();
        m.put("iceUrls", ack == null || ack.iceServers() == null ? java.util.List.of()
                : ack.iceServers().stream().filter(x -> x.urls() != null).flatMap(x -> x.urls().stream()).toList());
        return m;
    }
}
