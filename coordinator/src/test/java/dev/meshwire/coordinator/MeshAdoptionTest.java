package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventKind;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A mesh created before mesh state existed (migration 4) has members and bans but no events: the first
 * hello adopts it with a new authority key and a genesis history that reproduces its members and bans.
 * The "old" mesh is made by deleting the state rows of a new one from the coordinator's SQLite file.
 */
class MeshAdoptionTest {
    @Test
    void aMeshWithoutStateIsAdoptedAtTheFirstHello() throws Exception {
        CoordinatorFixture fx = new CoordinatorFixture();
        Meshes.Mesh m;
        Identity bobId = Identity.generate(), carolId = Identity.generate();
        try {
            m = Meshes.create(fx, "adopt");
            Meshes.joined(fx, m, bobId, "bob").close();
            Meshes.joined(fx, m, carolId, "carol").close();
            try (TestPeer owner = Meshes.owner(fx, m)) {
                owner.send(new Frames.Ban("b", "carol"));
                owner.await(Frames.Ok.class, o -> "b".equals(o.id()));
            }
        } finally {
            fx.close(); // the restart below reads the mesh afresh: no cache of it survives
        }
        // The mesh made "old": its state rows deleted from the stopped coordinator's database.
        String db = "jdbc:sqlite:" + fx.dataDir.resolve(Coordinator.DB_FILE).toAbsolutePath();
        try (Connection c = DriverManager.getConnection(db)) {
            c.createStatement().execute("PRAGMA busy_timeout=10000");
            for (String table : List.of("mesh_events", "mesh_heads", "authority_keys")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE mesh_id = ?")) {
                    ps.setString(1, m.id());
                    ps.executeUpdate();
                }
            }
        }
        try (Coordinator2 second = new Coordinator2(fx)) {
            try (TestPeer owner = second.fx.peer(m.owner())) {
                Frames.HelloAck ack = owner.hello(m.id());
                assertNotEquals(m.authority(), ack.authority(), "adoption creates a new authority key");
                List<MeshEvent> events = owner.lastSync.events();
                assertEquals(EventKind.MESH_CREATED, events.get(0).kind());
                MeshState s = MeshState.empty(m.id(), ((EventPayload.MeshCreated) events.get(0).payload()).authority());
                for (MeshEvent e : events) s = s.apply(e);
                assertEquals(ack.state(), s.head());
                assertEquals(MemberEntry.OWNER, s.entry(m.owner().publicKeyHex()).orElseThrow().role());
                assertEquals(MemberEntry.ACTIVE, s.entry(bobId.publicKeyHex()).orElseThrow().status());
                assertEquals(MemberEntry.BANNED, s.entry(carolId.publicKeyHex()).orElseThrow().status());
            }
        }
    }

    /** A coordinator on the stopped one's database: a restart (one coordinator per SQLite file). */
    static final class Coordinator2 implements AutoCloseable {
        final CoordinatorFixture fx;

        Coordinator2(CoordinatorFixture first) throws Exception {
            String db = "jdbc:sqlite:" + first.dataDir.resolve(Coordinator.DB_FILE).toAbsolutePath();
            fx = new CoordinatorFixture(c -> c.withDbUrl(db));
        }

        @Override
        public void close() throws Exception {
            fx.close();
        }
    }
}
