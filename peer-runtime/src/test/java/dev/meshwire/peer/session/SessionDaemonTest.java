package dev.meshwire.peer.session;

import static dev.meshwire.cli.CliResult.cli;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.cli.CliResult;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.ipc.api.PeersReply;
import dev.meshwire.peer.ipc.api.SessionSendRequest;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.signaling.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sessions of one member, each started by {@code meshwire session new} and held by alice's daemon, against a
 * real coordinator and a second real daemon (bob): they see each other in {@code peers}, each gets only its own
 * dms, a {@code *} broadcast from bob reaches both (and alice) once, {@code session end} and the pid reaper end them.
 */
class SessionDaemonTest {
    static final long WAIT = 20_000;
    @TempDir
    static Path tmp;
    static TwoMemberMesh mesh;
    static Daemon alice;
    static Daemon bob;
    static WireClient a;
    static WireClient b;

    @BeforeAll
    static void setUp() throws Exception {
        mesh = TwoMemberMesh.start(tmp, WAIT);
        alice = mesh.alice;
        bob = mesh.bob;
        a = WireClient.of(alice.client());
        b = WireClient.of(bob.client());
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
        await("bob sees alice online", WAIT, () -> b.seesOnline("alice"));
    }

    @AfterAll
    static void tearDown() {
        if (mesh != null) mesh.close();
    }

    /** {@code meshwire session new ... --json}: the session and its token. */
    static JsonNode newSession(String... extra) throws Exception {
        String[] args = new String[extra.length + 3];
        args[0] = "session";
        args[1] = "new";
        System.arraycopy(extra, 0, args, 2, extra.length);
        args[args.length - 1] = "--json";
        CliResult r = cli(alice, args);
        assertEquals(0, r.code(), r.err());
        return Json.MAPPER.readTree(r.out());
    }

    static List<InboxItem> sessionInbox(String token) {
        return alice.client().sessionInbox(token, 1000, false, true).items();
    }

    static long count(List<InboxItem> items, String text) {
        return items.stream().filter(i -> text.equals(i.text())).count();
    }

    @Test
    void twoSessionsOfOneMemberSeeEachOtherAndGetOnlyTheirOwnMessages() throws Exception {
        JsonNode one = newSession("--name", "one");
        JsonNode two = newSession("--name", "two", "--caps", "dm,broadcast");
        String k1 = one.path("session").path("pubkey").asText();
        String k2 = two.path("session").path("pubkey").asText();
        String t1 = one.path("token").asText();
        String t2 = two.path("token").asText();
        assertEquals("connected", one.path("session").path("state").asText(), one.toString());
        assertEquals(List.of("broadcast", "dm"), Json.MAPPER.convertValue(two.path("session").path("caps"), List.class));

        // peers as session one: itself "(this session)", the other "(your other session)"; the table shows it too
        await("alice's daemon sees both sessions", WAIT, () -> alice.client().peers(null, t1).items().stream()
                .filter(p -> p.parent() != null).count() == 2);
        PeersReply asOne = alice.client().peers(null, t1);
        PeerItem self = asOne.items().stream().filter(p -> k1.equals(p.pubkey())).findFirst().orElseThrow();
        PeerItem other = asOne.items().stream().filter(p -> k2.equals(p.pubkey())).findFirst().orElseThrow();
        assertEquals(PeerItem.THIS_SESSION, self.session());
        assertEquals(PeerItem.YOUR_SESSION, other.session());
        assertEquals("alice/two", other.name());
        CliResult table = cli(alice, "peers", "--session", t2);
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().contains("(this session)") && table.out().contains("(your other session)"), table.out());
        await("bob sees both sessions", WAIT, () -> b.typed().peers(null).items().stream()
                .filter(p -> PeerItem.OTHER_SESSION.equals(p.session())).map(PeerItem::pubkey).collect(Collectors.toSet())
                .equals(Set.of(k1, k2)));

        // dms by key and by label: each session gets only its own
        b.send(null, k1, "only for one");
        b.send(null, "alice/two", "only for two");
        b.send(null, "alice", "for alice herself");
        await("session one got its dm", WAIT, () -> count(sessionInbox(t1), "only for one") == 1);
        await("session two got its dm", WAIT, () -> count(sessionInbox(t2), "only for two") == 1);
        await("alice got hers", WAIT, () -> a.inbox(null, 1000).path("items").findValuesAsText("text").contains("for alice herself"));

        // a * broadcast from bob: alice and each session once
        b.send(null, "*", "to everyone");
        await("session one got the broadcast", WAIT, () -> count(sessionInbox(t1), "to everyone") == 1);
        await("session two got the broadcast", WAIT, () -> count(sessionInbox(t2), "to everyone") == 1);
        await("alice got the broadcast", WAIT, () -> a.inbox(null, 1000).path("items").findValuesAsText("text").contains("to everyone"));

        List<InboxItem> inOne = sessionInbox(t1);
        List<InboxItem> inTwo = sessionInbox(t2);
        assertEquals(0, count(inOne, "only for two") + count(inOne, "for alice herself"), inOne.toString());
        assertEquals(0, count(inTwo, "only for one") + count(inTwo, "for alice herself"), inTwo.toString());
        assertTrue(inOne.stream().allMatch(i -> k1.equals(i.session())), inOne.toString());
        List<String> aliceTexts = a.inbox(null, 1000).path("items").findValuesAsText("text");
        assertEquals(1, aliceTexts.stream().filter("to everyone"::equals).count(), aliceTexts.toString());
        assertTrue(!aliceTexts.contains("only for one") && !aliceTexts.contains("only for two"), aliceTexts.toString());

        // a session sends as itself: to its sibling by label, and to bob; a session without 'dm' cannot
        var sent = alice.client().sessionSend(t1, new SessionSendRequest("alice/two", "from one", null, null));
        assertEquals(k1, sent.session());
        assertEquals("accepted", sent.items().get(0).status());
        alice.client().sessionSend(t2, new SessionSendRequest("bob", "from two", "now", null));
        await("session two got its sibling's dm", WAIT, () -> sessionInbox(t2).stream()
                .anyMatch(i -> "from one".equals(i.text()) && k1.equals(i.from().pubkey()) && "alice/one".equals(i.from().name())));
        await("bob got session two's dm", WAIT, () -> b.inbox(null, 1000).path("items").findValuesAsText("text").contains("from two"));
        JsonNode noDm = newSession("--name", "quiet", "--caps", "broadcast");
        dev.meshwire.peer.ipc.IpcException refused = org.junit.jupiter.api.Assertions.assertThrows(dev.meshwire.peer.ipc.IpcException.class,
                () -> alice.client().sessionSend(noDm.path("token").asText(), new SessionSendRequest("bob", "no", null, null)));
        assertTrue(refused.getMessage().contains("forbidden") && refused.getMessage().contains("\"dm\""), refused.getMessage());
        CliResult endQuiet = cli(alice, "session", "end", noDm.path("token").asText());
        assertEquals(0, endQuiet.code(), endQuiet.out() + endQuiet.err());

        // session end: gone from the list and, for bob, offline
        CliResult end = cli(alice, "session", "end", one.path("session").path("id").asText());
        assertEquals(0, end.code(), end.err());
        await("bob no longer sees session one", WAIT, () -> b.typed().peers(null).items().stream().noneMatch(p -> k1.equals(p.pubkey())));
        CliResult endTwo = cli(alice, "session", "end", t2);
        assertEquals(0, endTwo.code(), endTwo.out() + endTwo.err());
        // This test's sessions are gone (other tests of the class hold their own on the same daemon).
        String kQuiet = noDm.path("session").path("pubkey").asText();
        assertEquals(List.of(), alice.client().sessions(null).items().stream().map(i -> i.pubkey())
                .filter(k -> k.equals(k1) || k.equals(k2) || k.equals(kQuiet)).toList());
    }

    @Test
    void aSessionEndsWhenItsProcessGoesAwayAndTtlAbove24hIsAUsageError() throws Exception {
        CliResult tooLong = cli(alice, "session", "new", "--ttl", "25h");
        assertEquals(2, tooLong.code(), tooLong.out() + tooLong.err());
        assertTrue(tooLong.err().contains("longer than 24h"), tooLong.err());

        Process sleeper = new ProcessBuilder("sleep", "600").start();
        try {
            JsonNode s = newSession("--name", "proc", "--pid", Long.toString(sleeper.pid()));
            String key = s.path("session").path("pubkey").asText();
            await("bob sees the process's session", WAIT, () -> b.typed().peers(null).items().stream().anyMatch(p -> key.equals(p.pubkey())));
            sleeper.destroy();
            sleeper.waitFor();
            // The reaper runs every 5 s; the bound is 30 s.
            await("the reaper ended it", 30_000, () -> alice.client().sessions(null).items().stream().noneMatch(i -> key.equals(i.pubkey())));
            await("bob sees it gone", WAIT, () -> b.typed().peers(null).items().stream().noneMatch(p -> key.equals(p.pubkey())));
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void kickingTheParentEndsItsSessionsInItsDaemon() throws Exception {
        Daemon carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")));
        try {
            WireClient c = WireClient.of(carol.client());
            c.join(a.invite(null, 1, 600_000).path("invite").asText(), "carol");
            await("alice sees carol online", WAIT, () -> a.seesOnline("carol"));
            CliResult made = cli(carol, "session", "new", "--name", "app", "--json");
            assertEquals(0, made.code(), made.err());
            String key = Json.MAPPER.readTree(made.out()).path("session").path("pubkey").asText();
            await("alice sees carol's session", WAIT, () -> alice.client().peers(null).items().stream().anyMatch(p -> key.equals(p.pubkey())));
            a.post("/v1/kick", WireClient.map("peer", "carol"));
            await("carol's daemon ended the session", WAIT, () -> carol.client().sessions(null).items().isEmpty());
            await("alice no longer sees it", WAIT, () -> alice.client().peers(null).items().stream().noneMatch(p -> key.equals(p.pubkey())));
        } finally {
            carol.close();
        }
    }

    @Test
    void anAppStartedForASessionSendsAndReadsAsItThroughTheCli() throws Exception {
        JsonNode one = newSession("--name", "cli");
        String k = one.path("session").path("pubkey").asText();
        java.util.Map<String, String> asOne = java.util.Map.of("MESHWIRE_SESSION", one.path("token").asText());
        await("bob sees the session", WAIT, () -> b.typed().peers(null).items().stream().anyMatch(p -> k.equals(p.pubkey())));

        // $MESHWIRE_SESSION: send goes with the session's key, and bob sees it from alice/cli
        CliResult sent = dev.meshwire.cli.CliResult.cliWithEnv(alice, asOne, "send", "bob", "sent by the cli session");
        assertEquals(0, sent.code(), sent.err());
        assertTrue(sent.out().startsWith("accepted by the coordinator, as session " + k.substring(0, 12)), sent.out());
        await("bob got it from the session", WAIT, () -> b.typed().inbox(new dev.meshwire.peer.ipc.api.InboxQuery(null, 1000, false, true)).items().stream()
                .anyMatch(i -> "sent by the cli session".equals(i.text()) && k.equals(i.from().pubkey()) && "alice/cli".equals(i.from().name())));

        // inbox as the session: its own messages only; as the member: not the session's
        b.send(null, "alice/cli", "for the cli session");
        await("the session's inbox has it", WAIT, () -> count(sessionInbox(one.path("token").asText()), "for the cli session") == 1);
        CliResult inbox = dev.meshwire.cli.CliResult.cliWithEnv(alice, asOne, "inbox", "--peek", "--json");
        assertEquals(0, inbox.code(), inbox.err());
        List<String> texts = Json.MAPPER.readTree(inbox.out()).path("items").findValuesAsText("text");
        assertEquals(List.of("for the cli session"), texts, inbox.out());
        CliResult member = dev.meshwire.cli.CliResult.cliWithEnv(alice, java.util.Map.of(), "inbox", "--peek", "--json");
        assertTrue(!Json.MAPPER.readTree(member.out()).path("items").findValuesAsText("text").contains("for the cli session"), member.out());

        // --session wins over the environment; a stale token is a clear error, never a send as the member
        CliResult stale = dev.meshwire.cli.CliResult.cliWithEnv(alice, asOne, "send", "--session", "no-such-token", "bob", "x");
        assertEquals(1, stale.code(), stale.out());
        assertTrue(stale.err().contains("no session with that token"), stale.err());
        // --reply-to works as a session too (SystemEventsAndMentionsTest checks what the receiver stores)
        CliResult replyTo = dev.meshwire.cli.CliResult.cliWithEnv(alice, asOne, "send", "--reply-to", "msg_x", "bob", "x");
        assertEquals(0, replyTo.code(), replyTo.err());
        assertTrue(replyTo.out().startsWith("accepted by the coordinator, as session " + k.substring(0, 12)), replyTo.out());
        cli(alice, "session", "end", one.path("token").asText());
    }
}
