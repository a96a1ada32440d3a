package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.ipc.WireClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator restart (close code 1001, then connection refused while it is down) is not terminal:
 * the daemons reconnect with backoff and messages flow again. Also covers a daemon restart
 * reconnecting from its stored mesh record (hello, not join).
 */
class ReconnectTest {
    @TempDir
    Path tmp;

    static final LinkSettings FAST = new LinkSettings(Duration.ofMillis(500), Duration.ofSeconds(5),
            List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)), Duration.ofSeconds(10), Duration.ofSeconds(5));

    static String state(WireClient c) {
        return c.status().path("meshes").get(0).path("state").asText();
    }

    static boolean inboxHas(WireClient c, String text) {
        for (JsonNode m : c.inbox(null, 100).path("items")) if (text.equals(m.path("text").asText())) return true;
        return false;
    }

    @Test
    void daemonsReconnectAfterCoordinatorRestartAndAfterTheirOwnRestart() throws Exception {
        CoordinatorConfig cfg = CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1);
        Coordinator coord = Coordinator.start(cfg);
        int port = coord.port();
        Daemon alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withLink(FAST));
        Daemon bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")).withLink(FAST));
        try {
            WireClient a = WireClient.of(alice.client());
            WireClient b = WireClient.of(bob.client());
            String invite = a.createMesh("ops", coord.publicUrl(), "alice", coord.adminToken()).path("invite").asText();
            b.join(invite, "bob");

            coord.close();
            await("alice notices the coordinator is gone", 10_000, () -> !"connected".equals(state(a)));
            coord = Coordinator.start(cfg.withListen("127.0.0.1", port));
            await("alice reconnected", 15_000, () -> "connected".equals(state(a)));
            await("bob reconnected", 15_000, () -> "connected".equals(state(b)));
            await("bob online for alice", 15_000, () -> {
                for (JsonNode p : a.peers(null).path("items")) if ("bob".equals(p.path("name").asText()) && p.path("online").asBoolean()) return true;
                return false;
            });
            a.send(null, "bob", "after coordinator restart");
            await("bob got it", 10_000, () -> inboxHas(b, "after coordinator restart"));

            bob.close();
            bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")).withLink(FAST));
            WireClient b2 = WireClient.of(bob.client());
            await("restarted bob reconnects with hello", 15_000, () -> "connected".equals(state(b2)));
            assertEquals("bob", b2.status().path("meshes").get(0).path("displayName").asText());
            // the inbox survived the restart
            assertEquals(true, inboxHas(b2, "after coordinator restart"));
        } finally {
            bob.close();
            alice.close();
            coord.close();
        }
    }
}
