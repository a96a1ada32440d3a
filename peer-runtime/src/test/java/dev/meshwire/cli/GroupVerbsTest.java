package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.cli;
import static dev.meshwire.cli.MeshVerbsTest.json;
import static dev.meshwire.cli.MeshVerbsTest.ok;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.peer.daemon.Daemon;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code group create|add|remove|delete|list} and {@code send @name} through the real CLI entry point, against a real
 * coordinator and real daemons (docs/cli.md): human and {@code --json} output, the receiver's inbox shows
 * {@code alice → @frontend}, {@code send @all} reaches every member, and refusals are one clear line with their documented exit code.
 */
class GroupVerbsTest {
    static final long WAIT = 30_000;
    @TempDir
    Path tmp;
    TwoMemberMesh mesh;

    @AfterEach
    void stop() {
        if (mesh != null) mesh.close();
    }

    @Test
    void groupVerbsAndSendingToAGroup() throws Exception {
        mesh = TwoMemberMesh.start(tmp, WAIT);
        Daemon alice = mesh.alice;
        Daemon bob = mesh.bob;

        String created = ok(cli(alice, "group", "create", "frontend")).out();
        assertTrue(created.contains("created @frontend"), created);
        JsonNode added = json(ok(cli(alice, "group", "add", "@frontend", "bob", "--role", "lead", "--json")));
        assertEquals("@frontend", added.path("group").asText());
        assertEquals("bob", added.path("member").path("name").asText());
        assertEquals("lead", added.path("role").asText());
        String again = ok(cli(alice, "group", "add", "frontend", "bob", "--role", "lead")).out();
        assertTrue(again.startsWith("unchanged: bob (") && again.contains("is in @frontend as lead"), again);
        await("bob's replica has bob in @frontend", WAIT,
                () -> json(ok(cli(bob, "group", "list", "--json"))).path("groups").path(0).path("members").size() == 1);
        String listed = ok(cli(bob, "group", "list")).out();
        assertTrue(listed.contains("@frontend (1 member, created by alice") && listed.contains("bob") && listed.contains("lead"), listed);

        JsonNode sent = json(ok(cli(alice, "send", "@frontend", "deploy at 5", "--json")));
        assertEquals("group", sent.path("channel").asText());
        await("bob's inbox has the group message", WAIT, () -> ok(cli(bob, "inbox", "--peek")).out().contains("deploy at 5"));
        String inbox = ok(cli(bob, "inbox")).out();
        assertTrue(inbox.contains("alice") && inbox.contains("→ @frontend") && inbox.contains("deploy at 5"), inbox);
        // @all is every member (the '*' fan-out): a group message, no group to create
        JsonNode all = json(ok(cli(alice, "send", "@all", "standup in 5", "--json")));
        assertEquals("group", all.path("channel").asText(), all.toString());
        await("bob's inbox has the @all message", WAIT, () -> ok(cli(bob, "inbox", "--peek")).out().contains("standup in 5"));
        String log = ok(cli(alice, "mesh", "log")).out();
        assertTrue(log.contains("group_created") && log.contains("group_member_set") && log.contains("@frontend"), log);

        CliResult unknown = cli(alice, "send", "@backend", "x");
        assertEquals(ExitCodes.NOT_FOUND, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("no group @backend"), unknown.err());
        CliResult reserved = cli(alice, "group", "create", "all");
        assertEquals(ExitCodes.USAGE, reserved.code(), reserved.err());
        assertTrue(reserved.err().contains("'all' is reserved"), reserved.err());
        CliResult notAllowed = cli(bob, "group", "add", "frontend", "alice");
        assertEquals(ExitCodes.FAILED, notAllowed.code(), notAllowed.err());
        assertTrue(notAllowed.err().contains("only the group's creator, the mesh owner or an admin"), notAllowed.err());
        assertTrue(notAllowed.err().split("\n").length <= 2, "one clear line, no stack trace: " + notAllowed.err());

        // A session of bob sends to @frontend as itself: bob is in the group, so bob (its member) gets the copy.
        CliResult newSession = ok(cli(bob, "session", "new", "--name", "ci", "--json"));
        String token = json(newSession).path("token").asText();
        var fromSession = bob.client().sessionSend(token, new dev.meshwire.peer.ipc.api.SessionSendRequest("@frontend", "from a session", null, null));
        assertEquals("group", fromSession.channel());
        assertEquals(1, fromSession.items().size(), fromSession.toString());
        await("bob got his session's group message", WAIT, () -> ok(cli(bob, "inbox", "--peek")).out().contains("from a session"));

        // bob leaves the group by himself; then it has nobody to send to.
        assertTrue(ok(cli(bob, "group", "remove", "frontend", "bob")).out().contains("removed from @frontend"));
        await("alice's replica has @frontend empty", WAIT,
                () -> json(ok(cli(alice, "group", "list", "--json"))).path("groups").path(0).path("members").isEmpty());
        CliResult empty = cli(alice, "send", "@frontend", "anyone?");
        assertEquals(ExitCodes.FAILED, empty.code(), empty.err());
        assertTrue(empty.err().contains("no active member other than you"), empty.err());
        // An expired member stays listed (inactive) and can still be taken out by name.
        ok(cli(alice, "group", "add", "frontend", "bob"));
        ok(cli(alice, "expire", "bob", "--in", "2s"));
        await("bob's membership has expired in alice's replica", WAIT, () -> {
            JsonNode m = json(ok(cli(alice, "group", "list", "--json"))).path("groups").path(0).path("members").path(0);
            return "bob".equals(m.path("name").asText()) && !m.path("active").asBoolean(true);
        });
        assertTrue(ok(cli(alice, "group", "list")).out().contains("(membership expired)"));
        assertTrue(ok(cli(alice, "group", "remove", "frontend", "bob")).out().contains("removed from @frontend"));
        assertTrue(ok(cli(alice, "group", "delete", "frontend")).out().contains("deleted @frontend"));
        await("alice's replica has no group", WAIT, () -> json(ok(cli(alice, "group", "list", "--json"))).path("groups").isEmpty());
    }
}
