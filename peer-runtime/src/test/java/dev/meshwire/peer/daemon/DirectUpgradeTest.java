package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import dev.meshwire.peer.p2p.SessionState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Relay first, then upgrade, with real daemons (in one JVM), a real coordinator and real WebRTC on
 * this machine's interfaces: alice and bob (p2p auto), carol (p2p off), dave (ICE cannot succeed:
 * every candidate filtered).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DirectUpgradeTest {
    static final long WAIT = 30_000;
    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice, bob, carol, dave;
    static WireClient a, b, c, d;
    static String alicePub, bobPub, davePub, meshId;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")).withP2p(P2pSettings.defaults().withMode(P2pMode.OFF)));
        P2pSettings noIce = P2pSettings.defaults().withTestHooks(Map.of("MESHWIRE_TEST_P2P_NO_CANDIDATES", "1",
                "MESHWIRE_TEST_P2P_CONNECT_TIMEOUT", "1500", "MESHWIRE_TEST_P2P_RETRY", "500"));
        dave = Daemon.start(DaemonOptions.of(tmp.resolve("dave")).withP2p(noIce));
        a = WireClient.of(alice.client());
        b = WireClient.of(bob.client());
        c = WireClient.of(carol.client());
        d = WireClient.of(dave.client());
        JsonNode created = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        alicePub = created.path("mesh").path("pubkey").asText();
        meshId = created.path("mesh").path("meshId").asText();
        String invite = created.path("invite").asText();
        bobPub = b.join(a.post("/v1/invite", WireClient.map("mesh", "team", "uses", 1)).path("invite").asText(), "bob").path("mesh").path("pubkey").asText();
        c.join(invite, "carol");
        davePub = d.join(a.post("/v1/invite", WireClient.map("mesh", "team", "uses", 1)).path("invite").asText(), "dave").path("mesh").path("pubkey").asText();
        for (String n : List.of("bob", "carol", "dave")) await("alice sees " + n + " online", WAIT, () -> a.seesOnline(n));
        await("bob sees alice", WAIT, () -> b.seesOnline("alice"));
        if (meshId.isEmpty()) meshId = alice.session("team").config().meshId();
    }

    @AfterAll
    static void tearDown() {
        for (Daemon x : new Daemon[] {dave, carol, bob, alice}) if (x != null) x.close();
        if (coord != null) coord.close();
    }


    static JsonNode peer(WireClient cl, String name) {
        for (JsonNode p : cl.peers(null).path("items")) if (name.equals(p.path("name").asText())) return p;
        return null;
    }

    static Map<String, Integer> inboxCounts(WireClient cl, String prefix) {
        return ForegroundDaemon.inboxCounts(cl, prefix);
    }

    static Map<String, String> inboxPaths(WireClient cl, String prefix) {
        Map<String, String> n = new HashMap<>();
        for (JsonNode m : cl.inbox(null, 10_000).path("items")) {
            String t = m.path("text").asText();
            if (t.startsWith(prefix)) n.put(t, m.path("path").asText());
        }
        return n;
    }

    static String send(WireClient from, String to, String text) {
        return from.post("/v1/send", WireClient.map("to", to, "message", text)).path("clientMessageId").asText();
    }

    static double relayed() throws Exception {
        String url = coord.publicUrl().replaceFirst("^ws", "http").replaceFirst("/ws$", "") + "/metrics";
        String body = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith("meshwire_relayed_messages_total")) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        throw new AssertionError("no meshwire_relayed_messages_total in /metrics: " + body.substring(0, Math.min(400, body.length())));
    }

    static MeshDirect direct(Daemon x) {
        return x.direct().get(x.session("team").config().meshId());
    }

    @Test
    @Order(1)
    void firstMessageGoesViaRelayAtOnceThenTrafficMovesToTheChannel() throws Exception {
        assertEquals(null, direct(alice).engine().state(bobPub), "no channel before any traffic (lazy)");
        String first = "first-" + UUID.randomUUID();
        String cmid = send(a, "bob", first);
        await("first message done", WAIT, () -> "done".equals(a.message(cmid).path("state").asText()));
        await("bob has the first message", WAIT, () -> inboxCounts(b, first).size() == 1);
        assertEquals("coordinator relay", inboxPaths(b, first).get(first), "the first message did not wait for ICE");

        await("alice's channel to bob is open", WAIT, () -> direct(alice).engine().state(bobPub) == SessionState.OPEN);
        await("alice's path to bob is shown as direct", WAIT, () -> peer(a, "bob").path("path").asText().startsWith("direct"));
        double before = relayed();
        String prefix = "direct-" + UUID.randomUUID() + "-";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) ids.add(send(a, "bob", prefix + i));
        await("50 direct messages arrive", WAIT, () -> inboxCounts(b, prefix).size() == 50);
        for (String id : ids) await("done " + id, WAIT, () -> "done".equals(a.message(id).path("state").asText()));
        // A direct copy is done on the peer's post-commit channel ack: that is the delivery, with no receipt to wait for.
        for (String id : ids) assertEquals("delivered", a.message(id).path("delivery").asText(), a.message(id).toString());
        inboxPaths(b, prefix).values().forEach(p -> assertTrue(p.startsWith("direct"), "path " + p));
        assertEquals(before, relayed(), "the coordinator relayed no further dm frames");
        JsonNode bobRow = peer(a, "bob");
        assertTrue(bobRow.path("pathSince").asLong() > 0, bobRow.toString());
        assertTrue(bobRow.hasNonNull("rttMs"), bobRow.toString());
        JsonNode metrics = a.status().path("daemon").path("p2p").path("metrics");
        assertTrue(metrics.path("directMessages").asLong() >= 50, metrics.toString());
        assertTrue(metrics.path("upgrades").asLong() >= 1, metrics.toString());
        JsonNode ping = a.ping("team", "bob", 3);
        assertTrue(ping.path("items").get(0).path("via").asText().startsWith("direct"), ping.toString());
        assertTrue(ping.path("items").get(0).path("direct").asBoolean(), ping.toString());
        assertEquals(1, ping.path("items").size(), "stops at the first direct reply: " + ping);
        dev.meshwire.cli.CliResult untilDirect = dev.meshwire.cli.CliResult.cli(alice, "ping", "bob", "--until-direct");
        assertEquals(0, untilDirect.code(), untilDirect.err());
        assertTrue(untilDirect.out().matches("pong from bob via direct \\S+ in \\d+\\.\\d+ ms\\n"), untilDirect.out());
    }

    @Test
    @Order(2)
    void p2pOffOnOneSideMeansEverythingViaRelay() {
        String prefix = "tocarol-" + UUID.randomUUID() + "-";
        for (int i = 0; i < 5; i++) send(a, "carol", prefix + i);
        await("carol has 5", WAIT, () -> inboxCounts(c, prefix).size() == 5);
        inboxPaths(c, prefix).values().forEach(p -> assertEquals("coordinator relay", p));
        assertNull(direct(alice).engine().state(peer(a, "carol").path("pubkey").asText()), "no connect attempt to a p2p-off peer");
        assertFalse(peer(a, "carol").path("p2p").asBoolean());
        assertNull(carol.direct().get(meshId));
    }

    @Test
    @Order(3)
    void iceThatCannotSucceedNeverDelaysAMessageAndIsRetriedLater() {
        String prefix = "todave-" + UUID.randomUUID() + "-";
        send(a, "dave", prefix + "0");
        await("dave has the first", WAIT, () -> inboxCounts(d, prefix).size() == 1);
        long failures0 = a.status().path("daemon").path("p2p").path("metrics").path("failures").asLong();
        await("the first attempt failed", WAIT, () -> a.status().path("daemon").path("p2p").path("metrics").path("failures").asLong() > failures0
);
        for (int i = 1; i < 10; i++) send(a, "dave", prefix + i);
        await("all 10 at dave", WAIT, () -> inboxCounts(d, prefix).size() == 10);
        inboxPaths(d, prefix).values().forEach(p -> assertEquals("coordinator relay", p));
        // Traffic after the backoff triggers a later attempt, which fails again.
        await("a later retry failed too", WAIT, () -> {
            send(a, "dave", prefix + "retry-" + UUID.randomUUID());
            return a.status().path("daemon").path("p2p").path("metrics").path("failures").asLong() >= failures0 + 2;
        });
        assertEquals(0, inboxCounts(d, prefix).values().stream().filter(n -> n != 1).count(), "each exactly once");
    }

    @Test
    @Order(4)
    void channelDeathMidStreamDeliversEveryMessageExactlyOnceViaTheRelay() {
        await("channel open", WAIT, () -> {
            direct(alice).engine().connect(bobPub);
            return direct(alice).engine().state(bobPub) == SessionState.OPEN;
        });
        String prefix = "death-" + UUID.randomUUID() + "-";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ids.add(send(a, "bob", prefix + i));
            if (i == 100) direct(bob).engine().close(alicePub); // bob closes the peer connection mid-stream
        }
        await("all 300 at bob", WAIT, () -> inboxCounts(b, prefix).size() == 300);
        for (String id : ids) await("done " + id, WAIT, () -> "done".equals(a.message(id).path("state").asText()));
        // A direct copy is done on the peer's post-commit channel ack: that is the delivery, with no receipt to wait for.
        for (String id : ids) assertEquals("delivered", a.message(id).path("delivery").asText(), a.message(id).toString());
        Map<String, Integer> counts = inboxCounts(b, prefix);
        assertEquals(300, counts.size());
        counts.forEach((t, n) -> assertEquals(1, n, t + " shown " + n + " times"));
    }

    @Test
    @Order(5)
    void kickedPeersChannelIsTornDown() {
        await("channel open", WAIT, () -> {
            direct(alice).engine().connect(bobPub);
            return direct(alice).engine().state(bobPub) == SessionState.OPEN;
        });
        a.post("/v1/kick", WireClient.map("mesh", "team", "peer", "bob"));
        await("alice's channel to bob is gone", WAIT, () -> direct(alice).engine().state(bobPub) == null);
        await("bob's side is gone", WAIT, () -> direct(bob) == null || direct(bob).engine().state(alicePub) == null);
    }
}
