package dev.meshwire.peer;

import static dev.meshwire.peer.TestSupport.await;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.coordinator.CoordinatorStartException;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import java.nio.file.Path;

/**
 * The usual set-up of a daemon test: a real coordinator (SQLite, ephemeral port, no STUN) and two real daemons,
 * alice (owner of mesh {@code team}) and bob (joined by her invite), each with its own home under {@code dir}, once
 * alice's replica knows bob. {@link #restartAlice} stops her daemon and starts a new one on the same home.
 */
public final class TwoMemberMesh implements AutoCloseable {
    public static final String MESH = "team";
    public final Path dir;
    public final Coordinator coord;
    public Daemon alice;
    public Daemon bob;

    private TwoMemberMesh(Path dir, Coordinator coord) {
        this.dir = dir;
        this.coord = coord;
    }

    /**
     * Just the coordinator of this set-up (home {@code dir/coord}), for a test whose daemons are not the in-process
     * alice and bob (daemons run as processes, for one): the caller closes it.
     */
    public static Coordinator coordinator(Path dir) throws CoordinatorStartException {
        return Coordinator.start(CoordinatorConfig.defaults(dir.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
    }

    /** Starts everything; waits (up to {@code waitMs}) until alice's replica knows bob. */
    public static TwoMemberMesh start(Path dir, long waitMs) throws Exception {
        TwoMemberMesh m = new TwoMemberMesh(dir, coordinator(dir));
        try {
            m.alice = Daemon.start(DaemonOptions.of(dir.resolve("alice")));
            m.bob = Daemon.start(DaemonOptions.of(dir.resolve("bob")));
            String invite = m.alice.client().createMesh(new CreateMeshRequest(MESH, m.coord.publicUrl(), "alice", m.coord.adminToken())).invite();
            m.bob.client().join(invite, "bob");
            await("bob is known to alice's replica", waitMs, () -> m.alice.session(MESH).roster().replica().current()
                    && m.alice.session(MESH).roster().entry(m.bob.session(MESH).selfPubkey()).isPresent());
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Stops alice's daemon and starts a new one on the same home (its joined mesh reconnects by itself). */
    public Daemon restartAlice() {
        alice.close();
        alice = Daemon.start(DaemonOptions.of(dir.resolve("alice")));
        return alice;
    }

    @Override
    public void close() {
        if (bob != null) bob.close();
        if (alice != null) alice.close();
        coord.close();
    }
}
