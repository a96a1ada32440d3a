package dev.meshwire.peer.stream;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.coordinator.PgCluster;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file over the relay with the coordinator on each of its stores (a real SQLite file, a real PostgreSQL): every
 * chunk is a queued message there, written, delivered, acknowledged and deleted. 8 MiB, daemons in this JVM with
 * direct channels off; the file arrives with its SHA-256 and the transfer says it went via the coordinator relay.
 */
class RelayFileStoresTest {
    static final long WAIT = 120_000;
    static final int SIZE = 8 * 1024 * 1024 + 12345;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aFileOverTheRelayOnEachCoordinatorStore(String store) throws Exception {
        String db = "postgres".equals(store) ? PgCluster.freshDatabase("relayfile") : null;
        CoordinatorConfig cfg = CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1);
        if (db != null) cfg = cfg.withDbUrl(db);
        P2pSettings off = P2pSettings.defaults().withMode(P2pMode.OFF);
        try (Coordinator coord = Coordinator.start(cfg);
             Daemon alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withP2p(off));
             Daemon bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")).withP2p(off))) {
            WireClient a = WireClient.of(alice.client());
            WireClient b = WireClient.of(bob.client());
            b.join(a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken()).path("invite").asText(), "bob");
            await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
            byte[] data = new byte[SIZE];
            new Random(3).nextBytes(data);
            Path src = Files.write(tmp.resolve("relay-" + store + ".bin"), data);
            String id = a.post("/v1/files/send", WireClient.map("peer", "bob", "path", src.toString())).path("id").asText();
            await("bob has the offer", WAIT, () -> "offered".equals(b.get("/v1/files/" + id).path("state").asText()));
            b.post("/v1/files/" + id + "/accept", WireClient.map("saveDir", tmp.resolve("in").toString()));
            JsonNode done = await("done at alice", Duration.ofMillis(WAIT), () -> {
                JsonNode f = a.get("/v1/files/" + id);
                if ("failed".equals(f.path("state").asText())) throw new AssertionError(f.toString());
                return "done".equals(f.path("state").asText()) ? f : null;
            });
            assertEquals("coordinator relay", done.path("via").asText());
            JsonNode rx = b.get("/v1/files/" + id);
            assertEquals("done", rx.path("state").asText(), rx.toString());
            assertEquals("coordinator relay", rx.path("via").asText(), "the receiver records the path too");
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            assertEquals(HexFormat.of().formatHex(md.digest(data)),
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(Path.of(rx.path("path").asText())))));
        }
    }
}
