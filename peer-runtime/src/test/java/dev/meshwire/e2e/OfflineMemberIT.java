package dev.meshwire.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.TestSupport;
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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression for the offline-member bug of issue #9, with real processes: a member who is offline
 * stays in everyone's roster — across a restart of the sender's daemon, a coordinator that is down,
 * and a coordinator restart — because the roster is the replicated mesh state, not the list of who
 * was online at the last hello. {@code send carol} by name and by prefix is queued, {@code *} covers
 * carol, and she receives everything exactly once when she comes back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OfflineMemberIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    @TempDir
    static Path dir;

    private CoordinatorProcess coordinator;
    private Cli alice;
    private Cli bob;
    private Cli carol;
    private String carolPubkey;
    private final List<String> forCarol = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        coordinator = CoordinatorProcess.start(dir);
        alice = new Cli(dir.resolve("alice-home"), Map.of("MESHWIRE_ADMIN_TOKEN", coordinator.adminToken()));
        bob = new Cli(dir.resolve("bob-home"), Map.of());
        carol = new Cli(dir.resolve("carol-home"), Map.of());
    }

    @AfterAll
    void stop() throws Exception {
        for (Cli c : new Cli[] {alice, bob, carol}) if (c != null) c.run("down");
        if (coordinator != null) coordinator.close();
    }

    @Test
    @Order(1)
    void carolJoinsThenGoesOffline() {
        JsonNode created = alice.run("mesh", "create", "team", "--coordinator", coordinator.wsUrl(), "--name", "alice", "--json")
                .ok().json();
        JsonNode inv = alice.run("invite", "--uses", "2", "--json").ok().json();
        bob.run("join", inv.get("invite").asText(), "--name", "bob", "--json").ok();
        carol.run("join", inv.get("invite").asText(), "--name", "carol", "--json").ok();
        assertNotNull(created.get("invite"));
        JsonNode c = TestSupport.await("alice sees carol online", WAIT, () -> {
            JsonNode p = findPeer(alice.run("peers", "--json").ok().json(), "carol");
            return p != null && p.get("online").asBoolean() ? p : null;
        });
        carolPubkey = c.get("pubkey").asText();
        carol.run("down").ok();
        TestSupport.await("alice sees carol offline", WAIT, () -> {
            JsonNode p = findPeer(alice.run("peers", "--json").ok().json(), "carol");
            return p != null && !p.get("online").asBoolean();
        });
    }

    @Test
    @Order(2)
    void afterTheSendersDaemonRestartsCarolIsStillAddressable() {
        alice.run("down").ok();
        alice.run("up").ok();
        waitConnected(alice);
        sendToCarolEveryWay("daemon-restart");
    }

    @Test
    @Order(3)
    void whileTheCoordinatorIsDownCarolIsStillAddressable() throws Exception {
        coordinator.kill9();
        alice.run("down").ok();
        alice.run("up").ok(); // starts with no coordinator to talk to: the roster comes from the replica on disk
        sendToCarolEveryWay("coordinator-down");
    }

    @Test
    @Order(4)
    void afterTheCoordinatorRestartsCarolIsStillAddressable() throws Exception {
        coordinator.restart();
        waitConnected(alice);
        waitConnected(bob);
        sendToCarolEveryWay("coordinator-restart");
    }

    @Test
    @Order(5)
    void carolComesBackAndReceivesEverythingOnce() {
        carol.run("up").ok();
        JsonNode inbox = TestSupport.await("carol has all " + forCarol.size() + " messages", Duration.ofSeconds(90), () -> {
            JsonNode in = carol.run("inbox", "--json").ok().json().get("items");
            Map<String, Integer> seen = counts(in);
            return seen.keySet().containsAll(forCarol) ? in : null;
        });
        Map<String, Integer> seen = counts(inbox);
        for (String t : forCarol) assertEquals(1, seen.get(t), "shown once: " + t);
        // bob got the '*' copies too
        Map<String, Integer> bobSeen = TestSupport.await("bob has the broadcasts", WAIT, () -> {
            Map<String, Integer> s = counts(bob.run("inbox", "--json").ok().json().get("items"));
            return forCarol.stream().filter(t -> t.contains("-all-")).allMatch(s::containsKey) ? s : null;
        });
        forCarol.stream().filter(t -> t.contains("-all-")).forEach(t -> assertEquals(1, bobSeen.get(t), t));
    }

    private void sendToCarolEveryWay(String label) {
        String byName = "to-carol-name-" + label + "-" + UUID.randomUUID();
        String byPrefix = "to-carol-prefix-" + label + "-" + UUID.randomUUID();
        String toAll = "to-carol-all-" + label + "-" + UUID.randomUUID();
        alice.run("send", "carol", byName, "--json").ok();
        alice.run("send", carolPubkey.substring(0, 10), byPrefix, "--json").ok();
        JsonNode all = alice.run("send", "*", toAll, "--json").ok().json();
        List<String> names = new ArrayList<>();
        for (JsonNode r : all.get("recipients")) names.add(r.get("name").asText());
        assertTrue(names.contains("carol"), "'*' covers the offline member carol: " + all);
        assertTrue(names.contains("bob"), "'*' covers bob: " + all);
        assertFalse(names.contains("alice"), "'*' does not send to oneself: " + all);
        forCarol.addAll(List.of(byName, byPrefix, toAll));
    }

    private void waitConnected(Cli who) {
        TestSupport.await("daemon connected to the coordinator", WAIT, () -> {
            JsonNode s = who.run("status", "--json").json(); // exits 5 until the link is up
            return "connected".equals(s.at("/meshes/0/state").asText()) ? s : null;
        });
    }

    private static Map<String, Integer> counts(JsonNode messages) {
        Map<String, Integer> n = new HashMap<>();
        if (messages != null) for (JsonNode m : messages) n.merge(m.get("text").asText(), 1, Integer::sum);
        return n;
    }

    private static JsonNode findPeer(JsonNode peers, String name) {
        for (JsonNode p : peers.get("items")) if (name.equals(p.get("name").asText())) return p;
        return null;
    }
}
