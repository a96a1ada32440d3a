package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import dev.meshwire.peer.ipc.WireClient;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.signaling.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meshwire doctor} against a real coordinator with its embedded STUN/TURN server and a real daemon: every check
 * passes; a key made readable by others FAILs with the chmod that fixes it (exit 1); a coordinator that is gone FAILs.
 */
class DoctorTest {
    @TempDir
    Path tmp;

    static Map<String, JsonNode> byCheck(JsonNode report) {
        Map<String, JsonNode> m = new HashMap<>();
        for (JsonNode f : report.path("items")) m.put(f.path("check").asText(), f);
        return m;
    }

    @Test
    void healthyThenAWrongFileModeThenACoordinatorThatIsGone() throws Exception {
        Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(0));
        Daemon d = null;
        try {
            // p2p off: the STUN check reads the coordinator's advertisement, not WebRTC
            d = Daemon.start(DaemonOptions.of(tmp.resolve("home")).withP2p(dev.meshwire.peer.p2p.P2pSettings.defaults().withMode(P2pMode.OFF)));
            WireClient.of(d.client()).createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
            Daemon daemon = d;
            await("the link has the hello_ack's ICE URLs", 30_000, () -> WireClient.of(daemon.client()).status().path("meshes").get(0).path("iceUrls").size() > 0);
            String home = tmp.resolve("home").toString();

            CliResult ok = CliResult.run("--home", home, "doctor", "--json", "--coordinator-data", tmp.resolve("coord").toString());
            JsonNode report = Json.MAPPER.readTree(ok.out());
            Map<String, JsonNode> c = byCheck(report);
            for (String check : new String[] {"java", "daemon", "coordinator team", "clock team", "stun/turn team", "file modes"}) {
                assertEquals("OK", c.get(check).path("status").asText(), check + ": " + c.get(check));
            }
            assertTrue(c.get("stun/turn team").path("detail").asText().contains("sees this host as 127.0.0.1:"), c.get("stun/turn team").toString());
            assertTrue(!c.get("java").has("fix"), "an OK has no fix (omitted, the mapper's convention for null)");
            // libpulse0 may be a WARN on a machine without it: a WARN alone does not fail
            assertEquals(ExitCodes.OK, ok.code(), ok.out());
            assertTrue(report.path("ok").asBoolean());

            CliResult text = CliResult.run("--home", home, "doctor");
            assertTrue(text.out().lines().anyMatch(l -> l.startsWith("OK    java ")), text.out());

            Path key = tmp.resolve("home/meshes/team/identity.key");
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
            CliResult bad = CliResult.run("--home", home, "doctor");
            assertEquals(ExitCodes.FAILED, bad.code(), bad.out());
            assertTrue(bad.out().contains("FAIL  file modes") && bad.out().contains(key + " is rw-r--r--"), bad.out());
            assertTrue(bad.out().contains("fix: chmod 600 " + key), bad.out());
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

            Files.setPosixFilePermissions(tmp.resolve("coord/admin-token"), PosixFilePermissions.fromString("rw-r-----"));
            JsonNode secret = byCheck(Json.MAPPER.readTree(CliResult.run("--home", home, "doctor", "--json", "--coordinator-data",
                    tmp.resolve("coord").toString()).out())).get("file modes");
            assertEquals("FAIL", secret.path("status").asText());
            assertTrue(secret.path("fix").asText().contains("chmod 600 " + tmp.resolve("coord/admin-token")), secret.toString());

            coord.close();
            coord = null;
            CliResult gone = CliResult.run("--home", home, "doctor", "--json");
            assertEquals(ExitCodes.FAILED, gone.code());
            JsonNode g = byCheck(Json.MAPPER.readTree(gone.out())).get("coordinator team");
            assertEquals("FAIL", g.path("status").asText());
            assertTrue(g.path("detail").asText().startsWith("cannot reach http://127.0.0.1:"), g.toString());
        } finally {
            if (d != null) d.close();
            if (coord != null) coord.close();
        }
    }
}
