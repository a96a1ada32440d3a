package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.cli;
import static dev.meshwire.cli.MeshVerbsTest.json;
import static dev.meshwire.cli.MeshVerbsTest.ok;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.SubpeersReply;
import dev.meshwire.peer.ipc.api.SubpeersRequest;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sub-peers of a delegated service through the real CLI, a real coordinator and two real daemons (docs/protocol.md §6.5):
 * the app acting as alice's {@code livekit-room} service sets {@code lk:carol}; bob's {@code peers} lists her online
 * under the service and his system feed says she joined; {@code meshwire send lk:carol} becomes a dm to the service
 * whose row names her ({@code target}); after a coordinator restart the holder publishes the set again and bob sees it;
 * an empty set makes her offline (system entry); a service that may not front sub-peers, or one this daemon does not
 * hold, is refused with a clear error; revoking the service removes her.
 */
class SubpeersTest {
    static final long WAIT = 30_000;
    @TempDir
    Path tmp;
    TwoMemberMesh mesh;
    Coordinator restarted;

    @AfterEach
    void stop() {
        if (mesh != null) mesh.close();
        if (restarted != null) restarted.close();
    }

    static JsonNode subpeer(Daemon d, String name) {
        for (JsonNode p : json(ok(cli(d, "peers", "--json"))).path("items")) {
            if (name.equals(p.path("name").asText()) && "subpeer".equals(p.path("role").asText())) return p;
        }
        return null;
    }

    static boolean online(Daemon d, String name) {
        JsonNode p = subpeer(d, name);
        return p != null && p.path("online").asBoolean();
    }

    static long systemLines(Daemon d, String text) {
        long n = 0;
        for (JsonNode i : json(ok(cli(d, "inbox", "--system", "--peek", "--limit", "500", "--json"))).path("items")) {
            if (text.equals(i.path("text").asText())) n++;
        }
        return n;
    }

    @Test
    void aServicesSubpeersAreListedAddressedAndGoneWithIt() throws Exception {
        mesh = TwoMemberMesh.start(tmp, WAIT);
        JsonNode reg = json(ok(cli(mesh.alice, "service", "register", "lk", "--type", "livekit-room", "--scopes", "dm:read,dm:write",
                "--delegate", "--json")));
        String lkKey = reg.path("service").path("servicePubkey").asText();
        await("bob sees alice/lk online", WAIT, () -> DelegatedServiceTest.online(mesh.bob, "alice/lk"));

        SubpeersReply set = mesh.alice.client().serviceSubpeers("lk", new SubpeersRequest(null, List.of("lk:carol")));
        assertTrue(set.published(), set.toString());
        assertEquals(List.of("lk:carol"), set.names());
        assertEquals("1 sub-peer", set.detail());

        // bob: listed under the service, online; the human table says whose it is; the system feed says she joined.
        await("bob's peers show lk:carol online", WAIT, () -> online(mesh.bob, "lk:carol"));
        JsonNode row = subpeer(mesh.bob, "lk:carol");
        assertEquals(lkKey, row.path("pubkey").asText(), "a dm to her goes to the service key");
        assertEquals(lkKey, row.path("parent").asText());
        String table = ok(cli(mesh.bob, "peers")).out();
        assertTrue(table.lines().anyMatch(l -> l.contains("lk:carol") && l.contains("subpeer") && l.contains("online") && l.contains("via alice/lk")),
                table);
        await("bob's system feed says she joined", WAIT, () -> systemLines(mesh.bob, "lk:carol joined the room via alice/lk") == 1);

        // send lk:carol: one dm to the service, naming her in meta.subpeer (the service inbox row's target), text unprefixed.
        JsonNode sent = json(ok(cli(mesh.bob, "send", "lk:carol", "hi carol", "--json")));
        assertEquals("lk:carol via alice/lk", sent.path("recipients").get(0).path("name").asText(), sent.toString());
        assertEquals(lkKey, sent.path("recipients").get(0).path("pubkey").asText());
        await("the service inbox has it, addressed to lk:carol", WAIT, () -> {
            for (JsonNode i : DelegatedServiceTest.serviceInbox(mesh.alice, "lk", "--peek")) {
                if ("hi carol".equals(i.path("text").asText())) return "lk:carol".equals(i.path("target").asText());
            }
            return false;
        });
        // A file for a participant goes to her service over the stream channel, but only to a service that may answer
        // a transfer (stream:write; this one was registered without it): one clear line (FileToParticipantTest: the rest).
        Path file = tmp.resolve("notes.txt");
        java.nio.file.Files.writeString(file, "notes");
        CliResult fileRefused = cli(mesh.bob, "file", "send", "lk:carol", file.toString());
        assertEquals(ExitCodes.USAGE, fileRefused.code(), fileRefused.out() + fileRefused.err());
        assertTrue(fileRefused.err().contains("files cannot be sent to lk:carol: alice/lk takes no files (its scopes lack stream:write)"), fileRefused.err());
        CliResult nobody = cli(mesh.bob, "send", "lk:nobody", "hello?");
        assertEquals(ExitCodes.NOT_FOUND, nobody.code(), nobody.out() + nobody.err());
        assertTrue(nobody.err().contains("unknown peer 'lk:nobody'"), nobody.err());

        // A coordinator restart forgets every set: the holder publishes it again on the service's new connection, and
        // bob (reconnected) hears it after his hello_ack. Nothing changed, so nothing new in the feed.
        int port = URI.create(mesh.coord.publicUrl()).getPort();
        mesh.coord.close();
        await("bob sees the link down", WAIT, () -> !json(ok(cli(mesh.bob, "peers", "--json"))).path("meshes").get(0).path("connected").asBoolean());
        restarted = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", port).withStunPort(-1));
        await("bob's peers show lk:carol online again", WAIT, () -> online(mesh.bob, "lk:carol"));
        assertEquals(1, systemLines(mesh.bob, "lk:carol joined the room via alice/lk"), "a reconnect is not news");

        // Nobody left: offline, and a system entry.
        assertEquals(List.of(), mesh.alice.client().serviceSubpeers("lk", new SubpeersRequest(null, List.of())).names());
        await("bob's peers show lk:carol offline", WAIT, () -> {
            JsonNode p = subpeer(mesh.bob, "lk:carol");
            return p != null && !p.path("online").asBoolean();
        });
        await("bob's system feed says she left", WAIT, () -> systemLines(mesh.bob, "lk:carol left the room via alice/lk") == 1);

        // Who may not publish: a service of another type (refused before anything is sent), one not held here, bad names.
        ok(cli(mesh.alice, "service", "register", "bot", "--type", "bot", "--scopes", "dm:read,dm:write", "--delegate"));
        IpcException type = assertThrows(IpcException.class,
                () -> mesh.alice.client().serviceSubpeers("bot", new SubpeersRequest(null, List.of("lk:x"))));
        assertEquals("scope_refused", type.code());
        assertEquals("service 'bot' is of type bot; only livekit, livekit-room services may front sub-peers", type.getMessage());
        IpcException notHeld = assertThrows(IpcException.class,
                () -> mesh.bob.client().serviceSubpeers("lk", new SubpeersRequest(null, List.of("lk:x"))));
        assertEquals("unknown_service", notHeld.code());
        IpcException badName = assertThrows(IpcException.class,
                () -> mesh.alice.client().serviceSubpeers("lk", new SubpeersRequest(null, List.of("carol"))));
        assertEquals("bad_request", badName.code());
        assertTrue(badName.getMessage().contains("must be <kind>:<local>"), badName.getMessage());

        // Revoked: the service fronts nobody any more.
        mesh.alice.client().serviceSubpeers("lk", new SubpeersRequest(null, List.of("lk:carol")));
        await("online again", WAIT, () -> online(mesh.bob, "lk:carol"));
        ok(cli(mesh.alice, "service", "revoke", "lk", "--reason", "done"));
        await("bob no longer lists lk:carol", WAIT, () -> subpeer(mesh.bob, "lk:carol") == null);
        await("bob's system feed says why she is offline", WAIT, () -> systemLines(mesh.bob, "lk:carol is offline: alice/lk revoked") == 1);
        CliResult gone = cli(mesh.bob, "send", "lk:carol", "still there?");
        assertEquals(ExitCodes.NOT_FOUND, gone.code(), gone.out() + gone.err());
        assertFalse(gone.out().contains("accepted"), gone.out());
    }
}
