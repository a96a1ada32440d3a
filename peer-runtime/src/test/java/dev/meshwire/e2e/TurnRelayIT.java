package dev.meshwire.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.WireClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libwebrtc peers through meshwire's own TURN server: a coordinator process with its embedded STUN/TURN server (no
 * TURN flags but loopback peers allowed, since everything runs on 127.0.0.1), and two laptops whose daemons may use
 * relay candidates only ({@code MESHWIRE_P2P_ICE_POLICY=relay}). Their direct channel can then only run through the
 * coordinator's TURN server: {@code peers} shows {@code turn udp} (or {@code turn tcp} when the coordinator advertises
 * TCP only), the messages arrive over it, and the server's allocation counter proves it was this server.
 */
class TurnRelayIT {
    static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeAll
    static void natives() {
        TestSupport.requireWebRtc();
    }

    @Test
    void relayOnlyDaemonsTalkThroughTheEmbeddedTurnOverUdp(@TempDir Path dir) throws Exception {
        relayThroughEmbeddedTurn(dir, List.of(), "turn udp");
    }

    @Test
    void relayOnlyDaemonsTalkThroughTheEmbeddedTurnOverTcp(@TempDir Path dir) throws Exception {
        relayThroughEmbeddedTurn(dir, List.of("--turn-transports", "tcp"), "turn tcp");
    }

    private static void relayThroughEmbeddedTurn(Path dir, List<String> flags, String expectedPath) throws Exception {
        List<String> all = new ArrayList<>(List.of("--turn-port", "0", "--turn-allow-loopback-peers"));
        all.addAll(flags);
        Cli alice = null;
        Cli bob = null;
        try (CoordinatorProcess coordinator = CoordinatorProcess.startWithEmbeddedTurn(dir, all)) {
            Map<String, String> relayOnly = Map.of("MESHWIRE_P2P_ICE_POLICY", "relay");
            alice = new Cli(dir.resolve("alice-home"), with(relayOnly, "MESHWIRE_ADMIN_TOKEN", coordinator.adminToken()));
            bob = new Cli(dir.resolve("bob-home"), relayOnly);
            assertEquals(0.0, allocations(coordinator), "no allocation before the daemons connect");

            String invite = alice.run("mesh", "create", "team", "--coordinator", coordinator.wsUrl(), "--name", "alice", "--json")
                    .ok().json().get("invite").asText();
            bob.run("join", invite, "--name", "bob", "--json").ok();
            Cli a = alice;
            TestSupport.await("alice sees bob online", WAIT, () -> bool(peer(a, "bob"), "online"));

            // The first message goes through the coordinator at once and starts ICE; relay candidates only.
            a.run("send", "bob", "hello-" + UUID.randomUUID(), "--json").ok();
            JsonNode row = TestSupport.await("alice's path to bob is " + expectedPath, WAIT, () -> {
                JsonNode p = peer(a, "bob");
                return p != null && expectedPath.equals(p.path("path").asText()) ? p : null;
            });
            assertEquals(expectedPath, row.path("path").asText(), row.toString());
            Cli b = bob;
            TestSupport.await("bob's path to alice is " + expectedPath, WAIT, () -> expectedPath.equals(peer(b, "alice").path("path").asText()));

            String prefix = "via-turn-" + UUID.randomUUID() + "-";
            // Sent through the daemon's IPC (as an app would): twenty CLI processes would take longer than a session lives.
            WireClient aliceIpc = WireClient.forHome(MeshwireHome.at(a.home()));
            for (int i = 0; i < 20; i++) aliceIpc.post("/v1/send", WireClient.map("to", "bob", "message", prefix + i));
            JsonNode arrived = TestSupport.await("bob has the 20 messages", WAIT, () -> {
                List<JsonNode> in = inbox(b, prefix);
                return in.size() == 20 ? in : null;
            }).get(0);
            Set<String> texts = new HashSet<>();
            for (JsonNode m : inbox(b, prefix)) {
                texts.add(m.path("text").asText());
                assertNotEquals("coordinator relay", m.path("path").asText(), "arrived on the data channel: " + m);
            }
            assertEquals(20, texts.size(), "each message once: " + arrived);

            double allocations = allocations(coordinator);
            assertTrue(allocations >= 2, "both daemons allocated on the coordinator's own TURN server: " + allocations);
        } finally {
            for (Cli c : new Cli[] {alice, bob}) if (c != null) c.run("down");
        }
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(env);
        m.put(key, value);
        return m;
    }

    private static JsonNode peer(Cli cli, String name) {
        return TwoLaptopsIT.findPeer(cli.run("peers", "--json").ok().json(), name);
    }

    private static boolean bool(JsonNode n, String field) {
        return n != null && n.path(field).asBoolean();
    }

    private static List<JsonNode> inbox(Cli cli, String prefix) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode m : TwoLaptopsIT.messages(cli.run("inbox", "--json").ok().json())) if (m.path("text").asText().startsWith(prefix)) out.add(m);
        return out;
    }

    /** {@code meshwire_turn_allocations_total} from the coordinator's /metrics. */
    private static double allocations(CoordinatorProcess coordinator) throws Exception {
        String text = coordinator.metricsText();
        for (String line : text.split("\n")) {
            if (line.startsWith("meshwire_turn_allocations_total")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        throw new AssertionError("no meshwire_turn_allocations_total in the coordinator's /metrics");
    }
}
