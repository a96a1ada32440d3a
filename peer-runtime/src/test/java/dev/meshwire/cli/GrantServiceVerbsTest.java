package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.cli;
import static dev.meshwire.cli.MeshVerbsTest.json;
import static dev.meshwire.cli.MeshVerbsTest.ok;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.signaling.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grant}, {@code block}, {@code grants} and {@code service register|list|revoke} through the real CLI entry
 * point, against a real coordinator and real daemons: names resolve as for {@code send}, the other member's replica
 * learns the grant, the service key file is 0600 and holds a valid attestation, and a revoked service shows as such.
 */
class GrantServiceVerbsTest {
    static final long WAIT = 30_000;
    @TempDir
    Path tmp;
    TwoMemberMesh mesh;

    @AfterEach
    void stop() {
        if (mesh != null) mesh.close();
    }

    @Test
    void grantBlockGrantsAndServices() throws Exception {
        mesh = TwoMemberMesh.start(tmp, WAIT);
        Daemon alice = mesh.alice;
        Daemon bob = mesh.bob;

        JsonNode blocked = json(ok(cli(alice, "block", "bob", "--json")));
        assertTrue(blocked.path("caps").isArray() && blocked.path("caps").isEmpty(), blocked.toString());
        assertEquals("bob", blocked.path("peer").path("name").asText());
        String text = ok(cli(alice, "grant", "bob", "dm,broadcast")).out();
        assertTrue(text.contains("bob") && text.contains("broadcast, dm"), text);
        ok(cli(alice, "grant", "*", ""));
        JsonNode mine = json(ok(cli(alice, "grants", "--json")));
        assertEquals(2, mine.path("items").size(), mine.toString());
        await("bob's replica shows alice's grants for him", WAIT,
                () -> json(ok(cli(bob, "grants", "--json"))).path("toYou").size() == 1);
        assertTrue(ok(cli(bob, "grants")).out().contains("others let you:"));
        CliResult bad = cli(alice, "grant", "bob", "dm,fly");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("unknown capability 'fly'"), bad.err());
        ok(cli(alice, "grant", "bob", "--reset"));
        ok(cli(alice, "grant", "*", "--reset"));
        assertEquals(0, json(ok(cli(alice, "grants", "--json"))).path("items").size());

        JsonNode reg = json(ok(cli(alice, "service", "register", "hook-1", "--type", "webhook", "--scopes", "dm:read,dm:write", "--ttl", "7d",
                "--json")));
        Path keyFile = Path.of(reg.path("keyFile").asText());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keyFile));
        JsonNode stored = Json.MAPPER.readTree(Files.readString(keyFile));
        assertEquals(128, stored.path("secretKey").asText().length());
        var attestation = Json.MAPPER.treeToValue(stored.path("attestation"), dev.meshwire.signaling.service.ServiceAttestation.class);
        assertTrue(attestation.signatureValid(), "the file holds the attestation the owner signed");
        assertEquals("http-webhook", attestation.transport());
        CliResult twice = cli(alice, "service", "register", "hook-1", "--type", "webhook", "--scopes", "dm:read");
        assertNotEquals(0, twice.code());
        assertTrue(twice.err().contains("revoke it first"), twice.err());
        try (var files = Files.list(keyFile.getParent())) {
            assertEquals(1, files.count(), "the refused registration left no key file behind");
        }
        await("bob's replica lists the service", WAIT, () -> json(ok(cli(bob, "service", "list", "--json"))).path("items").size() == 1);
        String log = ok(cli(alice, "mesh", "log")).out();
        assertTrue(log.contains("grant_set") && log.contains("blocked") && log.contains("caps=broadcast,dm") && log.contains("grants reset"), log);
        assertTrue(log.contains("service=hook-1 type=webhook scopes=dm:read,dm:write"), log);
        assertTrue(ok(cli(alice, "service", "revoke", "hook-1", "--reason", "rotated")).out().contains("revoked service hook-1"));
        await("bob's replica shows it revoked", WAIT,
                () -> "revoked".equals(json(ok(cli(bob, "service", "list", "--json"))).path("items").get(0).path("status").asText()));

        // A delegated service: this daemon's key holds the secret; a livekit service is reached over livekit.
        JsonNode del = json(ok(cli(alice, "service", "register", "room-bot", "--type", "livekit", "--scopes", "topic:write,dm:write",
                "--delegate", "--json")));
        assertEquals(alice.session("team").selfPubkey(), del.path("service").path("delegate").asText());
        assertEquals("livekit", del.path("attestation").path("transport").asText());
        assertEquals("dm:write,topic:write", del.path("attestation").path("scopes").asText(), "scopes are sorted before signing");
        String listed = ok(cli(alice, "service", "list")).out();
        assertTrue(listed.contains("hook-1") && listed.contains("revoked") && listed.contains("room-bot") && listed.contains("active"), listed);
    }
}
