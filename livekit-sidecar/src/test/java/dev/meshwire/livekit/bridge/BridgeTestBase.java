package dev.meshwire.livekit.bridge;

import dev.meshwire.peer.TwoMemberMesh;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle the in-process bridge tests share: before each test, peer-runtime's {@link TwoMemberMesh} (a real
 * coordinator, alice — the side-car's daemon — and bob in mesh {@link #MESH}) and a {@link BridgeFixture} (the
 * stand-in LiveKit server); after it, the room half closes first, then the mesh.
 */
abstract class BridgeTestBase {
    static final long WAIT_MS = 90_000;
    static final String MESH = TwoMemberMesh.MESH;

    @TempDir
    Path tmp;
    TwoMemberMesh mesh;
    BridgeFixture room;

    @BeforeEach
    void startMeshAndRoom() throws Exception {
        mesh = TwoMemberMesh.start(tmp, WAIT_MS);
        room = BridgeFixture.start(WAIT_MS);
    }

    @AfterEach
    void stopRoomAndMesh() throws Exception {
        if (room != null) room.close();
        if (mesh != null) mesh.close();
    }

    /** Alice's side-car as service {@code lkbridge}, bridging topic {@code meshwire} to {@code target}, started. */
    LiveKitBridge bridge(String target) {
        return room.bridge(new BridgeConfig(MESH, "lkbridge", "meshwire", target), mesh.alice.client());
    }
}
