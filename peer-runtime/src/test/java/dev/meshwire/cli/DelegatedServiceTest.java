package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.cli;
import static dev.meshwire.cli.MeshVerbsTest.json;
import static dev.meshwire.cli.MeshVerbsTest.ok;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.ipc.WireClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delegated service end to end through the real CLI, a real coordinator and two real daemons (docs/protocol.md §6.4
 * "Delegated services"): {@code service register --delegate} brings it online (both daemons' {@code peers} show
 * {@code alice/hook}); bob dms it by its name and {@code service inbox} shows it once; it sends as itself and bob's
 * inbox shows {@code alice/hook}; read scopes are applied daemon-side on the sender (a dm to a service without
 * {@code dm:read} is refused, {@code *} skips services without {@code topic:read}); a {@code dm:read}-only service
 * cannot send; after a daemon restart the service is back and still receives; {@code service revoke} lets it go and
 * later dms are refused.
 */
class DelegatedServiceTest {
    static final long WAIT = 30_000;
    @TempDir
    Path tmp;
    TwoMemberMesh mesh;

    @AfterEach
    void stop() {
        if (mesh != null) mesh.close();
    }

    static boolean online(Daemon d, String name) {
        for (JsonNode p : json(ok(cli(d, "peers", "--json"))).path("items")) {
            if (name.equals(p.path("name").asText()) && p.path("online").asBoolean() && "service".equals(p.path("role").asText())) return true;
        }
        return false;
    }

    static JsonNode serviceInbox(Daemon d, String name, String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "service";
        args[1] = "inbox";
        args[2] = name;
        System.arraycopy(extra, 0, args, 3, extra.length);
        args[args.length - 1] = "--json";
        return json(ok(cli(d, args))).path("items");
    }

    static long count(JsonNode items, String text) {
        long n = 0;
        for (JsonNode i : items) if (text.equals(i.path("text").asText())) n++;
        return n;
    }

    /** bob sends {@code text} to {@code to}, waits until alice's daemon acked it (delivered), returns its id. */
    String deliveredFromBob(String to, String text) {
        String cmid = json(ok(cli(mesh.bob, "send", to, text, "--json"))).path("clientMessageId").asText();
        WireClient b = WireClient.of(mesh.bob.client());
        await("'" + text + "' is delivered", WAIT, () -> {
            JsonNode r = b.message(cmid).path("recipients");
            return r.size() == 1 && r.get(0).hasNonNull("deliveredAt");
        });
        return cmid;
    }

    @Test
    void aDelegatedServiceReceivesSendsSurvivesARestartAndIsLetGoWhenRevoked() throws Exception {
        mesh = TwoMemberMesh.start(tmp, WAIT);
        Daemon alice = mesh.alice;
        JsonNode reg = json(ok(cli(alice, "service", "register", "hook", "--type", "webhook", "--scopes", "dm:read,dm:write,topic:read",
                "--delegate", "--json")));
        assertEquals("connected", reg.path("service").path("connection").asText(), reg.toString());
        String hookKey = reg.path("service").path("servicePubkey").asText();
        await("alice's peers show her service online", WAIT, () -> online(mesh.alice, "alice/hook"));
        await("bob's peers show alice's service online", WAIT, () -> online(mesh.bob, "alice/hook"));

        // bob dms it by its bare name: it lands in the service's inbox, once, and not in alice's own.
        deliveredFromBob("hook", "hello service");
        JsonNode got = serviceInbox(alice, "hook", "--peek");
        assertEquals(1, count(got, "hello service"), got.toString());
        assertEquals("bob", got.get(0).path("from").path("name").asText(), got.toString());
        assertEquals(hookKey, got.get(0).path("session").asText(), "the row is tagged with the service key");
        assertEquals(0, count(json(ok(cli(alice, "inbox", "--peek", "--json"))).path("items"), "hello service"), "not in the member's inbox");
        assertEquals(1, serviceInbox(alice, "hook").size(), "read and marked seen");
        assertEquals(0, serviceInbox(alice, "hook", "--unread").size());

        // It sends as itself (dm:write): bob's inbox shows the sender alice/hook.
        JsonNode sent = json(ok(cli(alice, "service", "send", "hook", "bob", "from the hook", "--json")));
        assertEquals(hookKey, sent.path("servicePubkey").asText());
        assertEquals("accepted", sent.path("items").get(0).path("status").asText(), sent.toString());
        await("bob got the service's dm", WAIT, () -> {
            for (JsonNode i : json(ok(cli(mesh.bob, "inbox", "--peek", "--json"))).path("items")) {
                if ("from the hook".equals(i.path("text").asText())) return "alice/hook".equals(i.path("from").path("name").asText());
            }
            return false;
        });

        // Read scopes on the sending daemon: a dm to a service without dm:read is refused before sealing; '*' seals
        // no copy for it (it lacks topic:read) but one for hook (it has topic:read).
        ok(cli(alice, "service", "register", "writer", "--type", "bot", "--scopes", "dm:write", "--delegate"));
        await("bob sees the writer online", WAIT, () -> online(mesh.bob, "alice/writer"));
        CliResult refused = cli(mesh.bob, "send", "alice/writer", "you may not read this");
        assertEquals(ExitCodes.FAILED, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("may not receive dm messages") && refused.err().contains("lack dm:read"), refused.err());
        JsonNode all = json(ok(cli(mesh.bob, "send", "*", "to everyone", "--json")));
        StringBuilder names = new StringBuilder();
        for (JsonNode r : all.path("recipients")) names.append(r.path("name").asText()).append(' ');
        assertTrue(names.toString().contains("alice/hook") && !names.toString().contains("alice/writer"), names.toString());
        await("hook got the broadcast", WAIT, () -> count(serviceInbox(mesh.alice, "hook", "--peek"), "to everyone") == 1);
        assertEquals(0, serviceInbox(alice, "writer", "--peek").size());

        // A dm:read-only service cannot send: refused with a readable reason.
        ok(cli(alice, "service", "register", "reader", "--type", "bot", "--scopes", "dm:read", "--delegate"));
        CliResult mute = cli(alice, "service", "send", "reader", "bob", "may I?");
        assertEquals(ExitCodes.FAILED, mute.code(), mute.out() + mute.err());
        assertTrue(mute.err().contains("service 'reader' may not send dm messages") && mute.err().contains("lack dm:write"), mute.err());

        // A restart: the key file is on disk, so the service is held again and still receives.
        alice = mesh.restartAlice();
        await("the restarted daemon holds hook again", WAIT, () -> {
            for (JsonNode s : json(ok(cli(mesh.alice, "service", "list", "--json"))).path("items")) {
                if ("hook".equals(s.path("name").asText())) return "connected".equals(s.path("connection").asText());
            }
            return false;
        });
        await("bob sees it online again", WAIT, () -> online(mesh.bob, "alice/hook"));
        deliveredFromBob("alice/hook", "after the restart");
        assertEquals(1, count(serviceInbox(alice, "hook", "--peek"), "after the restart"));

        // Revoked: let go at once, gone from peers, and later dms are refused.
        ok(cli(alice, "service", "revoke", "hook", "--reason", "rotated"));
        assertNull(alice.services().connection(hookKey), "no longer held");
        CliResult gone = cli(alice, "service", "inbox", "hook");
        assertEquals(ExitCodes.NOT_FOUND, gone.code(), gone.err());
        await("bob's replica shows it revoked", WAIT, () -> {
            for (JsonNode s : json(ok(cli(mesh.bob, "service", "list", "--json"))).path("items")) {
                if ("hook".equals(s.path("name").asText())) return "revoked".equals(s.path("status").asText());
            }
            return false;
        });
        assertFalse(online(mesh.bob, "alice/hook"));
        CliResult later = cli(mesh.bob, "send", "alice/hook", "too late");
        assertEquals(ExitCodes.NOT_FOUND, later.code(), later.out() + later.err());
    }

    @Test
    void aKickTakesTheOwnersServicesDownUntilTheOwnerIsBack() throws Exception {
        mesh = TwoMemberMesh.start(tmp, WAIT);
        JsonNode reg = json(ok(cli(mesh.bob, "service", "register", "bob-bot", "--type", "bot", "--scopes", "dm:read", "--delegate", "--json")));
        String key = reg.path("service").path("servicePubkey").asText();
        assertEquals("connected", reg.path("service").path("connection").asText(), reg.toString());
        await("alice sees bob's service", WAIT, () -> online(mesh.alice, "bob/bob-bot"));

        // The coordinator closes everything of a kicked member (4001): bob's daemon lets the service go and does not
        // bring it back while bob's own link is kicked.
        ok(cli(mesh.alice, "kick", "bob"));
        await("bob's daemon let the service go", WAIT, () -> mesh.bob.services().connection(key) == null);
        assertEquals("kicked", mesh.bob.session("team").link().state().wireName());
        assertTrue(mesh.bob.services().reconcile().isEmpty(), "not held while its owner is kicked");

        // bob comes back by hand: so does his service.
        ok(cli(mesh.bob, "reconnect"));
        await("bob's daemon holds the service again", WAIT, () -> "connected".equals(mesh.bob.services().connection(key)));
        await("alice sees bob's service again", WAIT, () -> online(mesh.alice, "bob/bob-bot"));
    }
}
