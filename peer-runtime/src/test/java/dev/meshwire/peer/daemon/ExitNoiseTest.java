package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import dev.meshwire.peer.ipc.WireClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemon processes that used a direct WebRTC channel stop — one over IPC ({@code down}), one by SIGTERM — and
 * neither prints webrtc-java's exit-time "VM attach current thread failed" nor a logged error on the way out
 * (ProcessExit; the expiry tick cancelled before Vert.x closes).
 */
class ExitNoiseTest {
    @TempDir
    Path tmp;

    static JsonNode peer(WireClient c, String name) {
        for (JsonNode p : c.peers(null).path("items")) if (name.equals(p.path("name").asText())) return p;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void daemonsThatUsedWebRtcExitQuietly() throws Exception {
        TestSupport.requireWebRtc();
        Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        MeshwireHome aHome = MeshwireHome.at(tmp.resolve("alice"));
        MeshwireHome bHome = MeshwireHome.at(tmp.resolve("bob"));
        ForegroundDaemon alice = null;
        ForegroundDaemon bob = null;
        try {
            alice = ForegroundDaemon.start(aHome, Map.of());
            bob = ForegroundDaemon.start(bHome, Map.of());
            WireClient a = alice.client();
            WireClient b = bob.client();
            JsonNode created = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
            b.join(created.path("invite").asText(), "bob");
            await("alice sees bob online", 60_000, () -> a.seesOnline("bob"));
            a.send("team", "bob", "hello over webrtc");
            await("alice's path to bob is direct", 60_000, () -> peer(a, "bob").path("path").asText().startsWith("direct"));

            alice.shutdown();
            ForegroundDaemon.signal("TERM", bob.process().pid());
            assertEquals(true, bob.process().waitFor(30, TimeUnit.SECONDS), "bob stops on SIGTERM");
            int code = bob.process().exitValue();
            assertEquals(true, code == 0 || code == 143, "SIGTERM is a clean stop (0, or the JVM's 128+15): " + code);
            for (MeshwireHome h : List.of(aHome, bHome)) {
                String out = Files.readString(h.logFile()); // ForegroundDaemon sends stdout and stderr here
                assertFalse(out.contains("VM attach current thread failed") || out.contains("Failed to attach thread"), h.root() + ":\n" + out);
                assertFalse(out.contains(" ERROR "), h.root() + ":\n" + out);
            }
        } finally {
            if (alice != null) alice.destroy();
            if (bob != null) bob.destroy();
            coord.close();
        }
    }
}
