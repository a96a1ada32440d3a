package dev.meshwire.e2e;

import dev.meshwire.peer.TestSupport;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The foundation acceptance test, with real processes as a user runs them: a coordinator process,
 * and two laptops, each a separate {@code MESHWIRE_HOME} whose daemon the CLI starts on demand.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoLaptopsIT {
    @TempDir
    static Path dir;

    private CoordinatorProcess coordinator;
    private Cli alice;
    private Cli bob;
    private Cli carol;
    private String bobPubkey;
    private final List<String> canaries = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        coordinator = CoordinatorProcess.start(dir);
        Map<String, String> env = Map.of("MESHWIRE_ADMIN_TOKEN", coordinator.adminToken());
        alice = new Cli(dir.resolve("alice-home"), env);
        bob = new Cli(dir.resolve("bob-home"), Map.of());
        carol = new Cli(dir.resolve("carol-home"), Map.of());
    }

    @AfterAll
    void stop() throws Exception {
        for (Cli c : new Cli[] {alice, bob, carol}) {
            if (c != null) c.run("down");
        }
        if (coordinator != null) coordinator.close();
    }

    private String canary(String label) {
        String c = "plaintext-canary-" + label + "-" + UUID.randomUUID();
        canaries.add(c);
        return c;
    }

    @Test
    @Order(1)
    void createJoinAndSeeEachOther() {
        JsonNode created = alice.run("mesh", "create", "team", "--coordinator", coordinator.wsUrl(), "--name", "alice", "--json").ok().json();
        String invite = created.get("invite").asText();
        assertTrue(invite.startsWith("mw1."), created.toString());

        bob.run("join", invite, "--name", "bob", "--json").ok();

        JsonNode peers = TestSupport.await("alice sees bob online", Duration.ofSeconds(30), () -> {
            JsonNode p = alice.run("peers", "--json").ok().json();
            return findPeer(p, "bob") != null && findPeer(p, "bob").get("online").asBoolean() ? p : null;
        });
        bobPubkey = findPeer(peers, "bob").get("pubkey").asText();
        assertEquals(64, bobPubkey.length());
    }

    @Test
    @Order(2)
    void sendByNamePrefixAndBroadcastArrivesInTheInbox() {
        String byName = canary("name");
        String byPrefix = canary("prefix");
        String toAll = canary("all");
        alice.run("send", "bob", byName, "--json").ok();
        alice.run("send", bobPubkey.substring(0, 10), byPrefix, "--priority", "now", "--json").ok();
        alice.run("send", "*", toAll, "--json").ok();

        JsonNode inbox = TestSupport.await("bob's inbox has the three messages", Duration.ofSeconds(30), () -> {
            JsonNode in = messages(bob.run("inbox", "--json").ok().json());
            return textsOf(in).containsAll(List.of(byName, byPrefix, toAll)) ? in : null;
        });
        for (JsonNode m : inbox) {
            String text = m.get("text").asText();
            if (!canaries.contains(text)) continue;
            assertEquals("alice", m.at("/from/name").asText(), m.toString());
            assertEquals(64, m.at("/from/pubkey").asText().length(), m.toString());
            assertEquals("team", m.get("mesh").asText(), m.toString());
            assertTrue(m.get("receivedAt").asLong() > 1_700_000_000_000L, m.toString());
            assertTrue(m.get("sentAt").asLong() > 1_700_000_000_000L, m.toString());
        }
        assertEquals(3, textsOf(inbox).stream().filter(canaries::contains).count(), "each message shown once");
    }

    @Test
    @Order(3)
    void coordinatorNeverSawThePlaintext() throws IOException {
        String log = coordinator.logText();
        List<Path> files;
        try (Stream<Path> s = Files.walk(coordinator.dataDir())) {
            files = s.filter(Files::isRegularFile).toList();
        }
        assertFalse(files.isEmpty());
        for (String c : canaries) {
            assertFalse(log.contains(c), "coordinator log contains plaintext " + c);
            for (Path f : files) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(content.contains(c), f + " contains plaintext " + c);
            }
        }
    }

    @Test
    @Order(4)
    void errorsAreOneClearLine() {
        Cli.Result unknown = alice.run("send", "nobody", "hi");
        assertNotEquals(0, unknown.exit());
        assertTrue(unknown.err().contains("nobody"), unknown.err());
        assertTrue(unknown.err().contains("bob"), "lists the online names: " + unknown.err());
        assertFalse(unknown.err().contains("Exception"), unknown.err());

        Cli.Result badPriority = alice.run("send", "bob", "hi", "--priority", "urgent");
        assertNotEquals(0, badPriority.exit());
        assertFalse(badPriority.err().contains("Exception"), badPriority.err());

        Cli.Result badInvite = carol.run("join", "mw1.garbage", "--name", "carol");
        assertNotEquals(0, badInvite.exit());
        assertFalse(badInvite.err().contains("Exception"), badInvite.err());
    }

    @Test
    @Order(5)
    void kickedPeerDoesNotReconnectAndBannedPeerIsRefused() {
        alice.run("kick", "bob").ok();
        TestSupport.await("bob's daemon reports it was kicked", Duration.ofSeconds(30),
                () -> bob.run("status", "--json").json().toString().contains("kicked"));
        assertTrue(bob.run("status", "--json").exits(5).out().contains("meshwire reconnect"), "status names the next step");
        // Wait past the first reconnect backoff steps (1 s, 2 s): bob must stay away.
        long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < until) {
            JsonNode p = findPeer(alice.run("peers", "--json").ok().json(), "bob");
            assertFalse(p != null && p.get("online").asBoolean(), "a kicked peer must not auto-reconnect");
        }

        // bob comes back by hand, then the owner bans him.
        bob.run("reconnect").ok();
        TestSupport.await("bob is back online", Duration.ofSeconds(30), () -> {
            JsonNode p = findPeer(alice.run("peers", "--json").ok().json(), "bob");
            return p != null && p.get("online").asBoolean();
        });
        alice.run("ban", "bob").ok();
        TestSupport.await("bob's daemon reports the ban", Duration.ofSeconds(30),
                () -> bob.run("status", "--json").json().toString().contains("banned"));
        Cli.Result again = bob.run("reconnect");
        assertNotEquals(0, again.exit(), "a banned member's next hello is refused");
        assertTrue(again.err().contains("banned"), again.err());
        assertTrue(bob.run("status", "--json").exits(5).json().toString().contains("banned"));
        JsonNode p = findPeer(alice.run("peers", "--json").ok().json(), "bob");
        assertFalse(p != null && p.get("online").asBoolean());
    }

    static JsonNode messages(JsonNode inbox) {
        return inbox.isArray() ? inbox : inbox.get("items");
    }

    static List<String> textsOf(JsonNode messages) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : messages) out.add(m.get("text").asText());
        return out;
    }

    static JsonNode findPeer(JsonNode peers, String name) {
        JsonNode list = peers.isArray() ? peers : peers.get("items");
        for (JsonNode p : list) {
            if (name.equals(p.get("name").asText())) return p;
        }
        return null;
    }
}
