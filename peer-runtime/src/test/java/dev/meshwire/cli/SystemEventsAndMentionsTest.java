package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.cli;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.signaling.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The system channel and replies/mentions as a user sees them (docs/protocol.md §12.5, §12.6), with a real
 * coordinator and real daemons: a join and a revocation reach bob's {@code watch --json} as {@code system} events and
 * his human {@code watch} as {@code [system]} lines, are listed by {@code inbox --system} and never by {@code inbox};
 * the history before bob held the mesh state is not listed; a reply with {@code @name} mentions sent by alice is stored
 * and shown by bob's daemon; events that happen while bob's daemon is down are listed after it restarts, once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SystemEventsAndMentionsTest {
    static final long WAIT = 60_000;
    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice, bob, carol;
    static WireClient a, b;
    static String alicePub, bobPub, carolPub, invite, authority;
    static final ByteArrayOutputStream jsonOut = new ByteArrayOutputStream();
    static final ByteArrayOutputStream humanOut = new ByteArrayOutputStream();
    static final List<Thread> watches = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")));
        a = WireClient.of(alice.client());
        b = WireClient.of(bob.client());
        alicePub = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken()).path("mesh").path("pubkey").asText();
        invite = a.invite(null, 5, 3_600_000).path("invite").asText();
        bobPub = b.join(invite, "bob").path("mesh").path("pubkey").asText();
        await("bob's replica verified", WAIT, () -> b.status().path("meshes").get(0).path("stateVerified").asBoolean());
        authority = b.status().path("meshes").get(0).path("authority").asText();
        watch(jsonOut, "watch", "--json");
        watch(humanOut, "watch");
        await("both watches follow bob's events", WAIT, () -> bob.events().subscriberCount() >= 2);
    }

    private static void watch(ByteArrayOutputStream out, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = tmp.resolve("bob").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        Thread t = new Thread(() -> Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), all), "watch " + String.join(" ", args));
        t.setDaemon(true);
        t.start();
        watches.add(t);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        for (Daemon d : new Daemon[] {carol, bob, alice}) if (d != null) d.close();
        for (Thread t : watches) {
            t.interrupt();
            t.join(30_000);
        }
        if (coord != null) coord.close();
    }

    /** The {@code system} events bob's {@code watch --json} printed so far (their data). */
    static List<JsonNode> systemLines() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : jsonOut.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = Json.MAPPER.readTree(line);
            if ("system".equals(n.path("event").asText())) out.add(n.path("data"));
        }
        return out;
    }

    static boolean watched(String text) {
        try {
            return systemLines().stream().anyMatch(d -> text.equals(d.path("text").asText()));
        } catch (Exception e) {
            return false; // a line is being written: look again
        }
    }

    static JsonNode json(CliResult r) throws Exception {
        assertEquals(ExitCodes.OK, r.code(), r.err());
        return Json.MAPPER.readTree(r.out());
    }

    @Test
    @Order(1)
    void aJoinAndARevocationAreSystemEventsNeverMessages() throws Exception {
        carolPub = WireClient.of(carol.client()).join(invite, "carol").path("mesh").path("pubkey").asText();
        await("bob's watch --json shows carol's join as a system event", WAIT, () -> watched("carol joined"));
        CliResult revoke = cli(alice, "revoke", "carol", "--reason", "lost laptop");
        assertEquals(ExitCodes.OK, revoke.code(), revoke.err());
        await("bob's watch --json shows the revocation", WAIT, () -> watched("carol was revoked by alice: lost laptop"));

        JsonNode joined = systemLines().stream().filter(d -> "carol joined".equals(d.path("text").asText())).findFirst().orElseThrow();
        assertEquals("system", joined.path("channel").asText());
        assertEquals("member_joined", joined.path("eventKind").asText());
        assertTrue(joined.path("eventVersion").asLong() > 0, joined.toString());
        assertEquals(authority, joined.path("from").path("pubkey").asText(), "a system entry comes from the mesh authority's key");
        assertTrue(joined.path("id").asLong() > 0);

        await("bob's human watch marks the lines [system]", WAIT, () -> humanOut.toString(StandardCharsets.UTF_8)
                .contains("[system] team v" + joined.path("eventVersion").asLong() + ": carol joined"));
        // The human watch is a second process: its revocation line may come after the JSON watch's.
        await("bob's human watch shows the revocation", WAIT, () -> humanOut.toString(StandardCharsets.UTF_8)
                .contains("carol was revoked by alice: lost laptop"));
        String human = humanOut.toString(StandardCharsets.UTF_8);
        assertFalse(human.contains("* mesh team: v"), "the raw mesh_event line is not repeated next to the system line: " + human);

        JsonNode system = json(cli(bob, "inbox", "--system", "--json", "--peek"));
        List<String> texts = new ArrayList<>();
        Set<Long> versions = new HashSet<>();
        for (JsonNode i : system.path("items")) {
            assertEquals("system", i.path("channel").asText(), i.toString());
            assertTrue(versions.add(i.path("eventVersion").asLong()), "one entry per version: " + system);
            texts.add(i.path("text").asText());
        }
        assertTrue(texts.contains("carol joined") && texts.contains("carol was revoked by alice: lost laptop"), texts.toString());
        assertFalse(texts.stream().anyMatch(t -> t.startsWith("mesh team was created") || t.equals("alice joined as owner")
                || t.equals("bob joined")), "history from before bob held the mesh state is not listed: " + texts);
        assertEquals(2, system.path("unread").asLong(), "unread counts system entries only: " + system);

        JsonNode messages = json(cli(bob, "inbox", "--json", "--peek"));
        for (JsonNode i : messages.path("items")) assertFalse("system".equals(i.path("channel").asText()), messages.toString());

        CliResult text = cli(bob, "inbox", "--system");
        assertEquals(ExitCodes.OK, text.code(), text.err());
        assertTrue(text.out().contains("[system] team v") && text.out().contains("carol was revoked by alice: lost laptop"), text.out());
        assertTrue(json(cli(bob, "inbox", "--system", "--json", "--unread")).path("items").isEmpty(),
                "the human listing marked them seen");

        try { // the IPC refuses an unknown kind with a clear error
            b.get("/v1/inbox?kind=everything");
            throw new AssertionError("kind=everything was accepted");
        } catch (dev.meshwire.peer.ipc.IpcException e) {
            assertEquals("bad_request", e.code());
            assertTrue(e.getMessage().contains("kind"), e.getMessage());
        }
    }

    @Test
    @Order(2)
    void aReplyWithMentionsIsStoredAndShownByTheOtherDaemon() throws Exception {
        CliResult question = cli(bob, "send", "alice", "shall we ship?", "--id", "q-1");
        assertEquals(ExitCodes.OK, question.code(), question.err());
        CliResult answer = cli(alice, "send", "bob", "yes @bob, ship it; cc @carol and @nobody, mail me at x@bob.example",
                "--reply-to", "q-1", "--id", "a-1");
        assertEquals(ExitCodes.OK, answer.code(), answer.err());
        await("bob stored the reply", WAIT, () -> b.inbox(null, 50, false, true).path("items").toString().contains("\"a-1\""));

        JsonNode item = null;
        for (JsonNode i : json(cli(bob, "inbox", "--json", "--peek")).path("items")) {
            if ("a-1".equals(i.path("clientMessageId").asText())) item = i;
        }
        assertNotNull(item);
        assertEquals("q-1", item.path("replyToId").asText());
        assertEquals(List.of(bobPub), Json.MAPPER.convertValue(item.path("mentions"), List.class),
                "@bob names bob's key; revoked carol, unknown @nobody and an e-mail address are no mentions: " + item);
        assertTrue(item.path("mentionsMe").asBoolean(), item.toString());

        CliResult human = cli(bob, "inbox", "--peek");
        assertTrue(human.out().contains("\u21aa reply to q-1") && human.out().contains("[mentions you]"), human.out());
        await("bob's watch --json carried the reply and mention fields", WAIT, () -> {
            String all = jsonOut.toString(StandardCharsets.UTF_8);
            return all.contains("\"clientMessageId\":\"a-1\"") && all.contains("\"replyToId\":\"q-1\"") && all.contains("\"mentionsMe\":true");
        });

        // A session's send mentions too, and replies.
        CliResult made = cli(alice, "session", "new", "--name", "app", "--json");
        assertEquals(ExitCodes.OK, made.code(), made.err());
        String token = Json.MAPPER.readTree(made.out()).path("token").asText();
        CliResult fromSession = cli(alice, "send", "bob", "from the app, @bob", "--session", token, "--id", "s-1", "--reply-to", "q-1");
        assertEquals(ExitCodes.OK, fromSession.code(), fromSession.err());
        await("bob stored the session's message with its mention and what it replies to", WAIT, () -> {
            for (JsonNode i : b.inbox(null, 50, false, true).path("items")) {
                if ("s-1".equals(i.path("clientMessageId").asText())) return i.path("mentionsMe").asBoolean() && "q-1".equals(i.path("replyToId").asText());
            }
            return false;
        });

        // A message that mentions someone else: stored with the mention, not flagged for bob.
        cli(alice, "send", "bob", "ask @alice later", "--id", "a-2");
        await("bob stored a-2", WAIT, () -> b.inbox(null, 50, false, true).path("items").toString().contains("\"a-2\""));
        for (JsonNode i : json(cli(bob, "inbox", "--json", "--peek")).path("items")) {
            if (!"a-2".equals(i.path("clientMessageId").asText())) continue;
            assertEquals(alicePub, i.path("mentions").get(0).asText());
            assertFalse(i.has("mentionsMe"), i.toString());
        }
    }

    @Test
    @Order(3)
    void eventsWhileTheDaemonWasDownAreListedAfterItsRestartOnce() throws Exception {
        bob.close();
        CliResult rename = cli(alice, "rename", "alicia");
        assertEquals(ExitCodes.OK, rename.code(), rename.err());
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        b = WireClient.of(bob.client());
        await("bob lists the rename that happened while it was down", WAIT, () -> {
            try {
                return json(cli(bob, "inbox", "--system", "--json", "--peek")).path("items").toString().contains("alice is now called alicia");
            } catch (Exception e) {
                return false;
            }
        });
        bob.close();
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        b = WireClient.of(bob.client());
        await("bob's replica is current again", WAIT, () -> b.status().path("meshes").get(0).path("stateVerified").asBoolean());
        JsonNode items = json(cli(bob, "inbox", "--system", "--json", "--peek")).path("items");
        long renames = 0;
        for (JsonNode i : items) if ("member_renamed".equals(i.path("eventKind").asText())) renames++;
        assertEquals(1, renames, "a second start lists nothing twice: " + items);
    }
}
