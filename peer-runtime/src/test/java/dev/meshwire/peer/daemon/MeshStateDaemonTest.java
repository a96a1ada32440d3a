package dev.meshwire.peer.daemon;

import static dev.meshwire.cli.CliResult.cli;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.cli.CliResult;
import dev.meshwire.cli.ExitCodes;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.invite.Invite;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three in-process daemons against a real coordinator (SQLite): the pinned authority key, the verified
 * replica every daemon holds, {@code members} and {@code mesh log}, role, rename, revoke and expiry as
 * signed events applied everywhere, and a revoked key refused on the relay. Needs the coordinator side of
 * issue #9 (mesh_sync, system events, the new requests).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeshStateDaemonTest {
    static final long WAIT = 30_000;
    @TempDir
    static Path tmp;
    static Coordinator coord;
    static Daemon alice, bob, carol;
    static WireClient a, b, c;
    static String alicePub, bobPub, carolPub, invite;
    static final List<IpcClient.SseEvent> bobEvents = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")));
        a = WireClient.of(alice.client());
        b = WireClient.of(bob.client());
        c = WireClient.of(carol.client());
        JsonNode created = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        alicePub = created.path("mesh").path("pubkey").asText();
        invite = a.invite(null, 5, 3_600_000).path("invite").asText();
        bobPub = b.join(invite, "bob").path("mesh").path("pubkey").asText();
        carolPub = c.join(invite, "carol").path("mesh").path("pubkey").asText();
        Thread watcher = new Thread(() -> {
            try {
                b.events(ev -> {
                    bobEvents.add(ev);
                    return true;
                });
            } catch (IpcException ignored) {
                // daemon closed at the end of the class
            }
        });
        watcher.setDaemon(true);
        watcher.start();
        await("bob's SSE stream subscribed", WAIT, () -> bob.events().subscriberCount() > 0);
        for (WireClient x : List.of(a, b, c)) await("every replica verified with 4 events", WAIT, () -> verifiedAt(x, 4));
    }

    @AfterAll
    static void tearDown() {
        for (Daemon d : new Daemon[] {carol, bob, alice}) if (d != null) d.close();
        if (coord != null) coord.close();
    }

    static boolean verifiedAt(WireClient x, long minVersion) {
        JsonNode m = x.status().path("meshes").get(0);
        return m.path("stateVerified").asBoolean() && m.path("stateVersion").asLong() >= minVersion;
    }

    static JsonNode member(WireClient x, String pubkey) {
        for (JsonNode m : x.get("/v1/members").path("items")) if (pubkey.equals(m.path("pubkey").asText())) return m;
        return null;
    }

    @Test
    @Order(1)
    void everyDaemonPinnedTheSameAuthorityAndInvitesAreV2() throws Exception {
        Invite inv = Invite.decode(invite);
        assertEquals(2, inv.v());
        String authority = inv.authority();
        assertNotNull(authority);
        for (Daemon d : List.of(alice, bob, carol)) {
            var cfg = new MeshStore(d.home()).list().get(0);
            assertEquals(authority, cfg.authority(), "pinned in mesh.json of " + d.home().root());
            assertEquals(authority, WireClient.of(d.client()).status().path("meshes").get(0).path("authority").asText());
        }
    }

    @Test
    @Order(2)
    void membersAndMeshLogComeFromTheVerifiedReplica() {
        JsonNode ms = a.get("/v1/members");
        assertTrue(ms.path("stateVerified").asBoolean());
        assertEquals(3, ms.path("items").size());
        assertTrue(ms.path("items").get(0).path("self").asBoolean());
        assertEquals("owner", member(a, alicePub).path("role").asText());
        assertEquals("active", member(a, carolPub).path("status").asText());

        JsonNode log = b.get("/v1/mesh/log");
        List<String> kinds = new java.util.ArrayList<>();
        for (JsonNode e : log.path("items")) kinds.add(e.path("kind").asText());
        assertEquals(List.of("mesh_created", "member_joined", "member_joined", "member_joined"), kinds.subList(0, 4));
        assertEquals("carol", log.path("items").get(3).path("subjectName").asText());

        CliResult text = cli(carol, "members");
        assertEquals(ExitCodes.OK, text.code(), text.err());
        assertTrue(text.out().contains("(verified)") && text.out().contains("alice") && text.out().contains("(you)"), text.out());
        CliResult logText = cli(carol, "mesh", "log");
        assertEquals(ExitCodes.OK, logText.code(), logText.err());
        assertTrue(logText.out().contains("mesh_created"), logText.out());
        CliResult status = cli(carol, "status");
        assertTrue(status.out().contains("mesh state: v"), status.out());
    }

    @Test
    @Order(3)
    void roleAndRenameAreSignedEventsEveryDaemonApplies() {
        CliResult role = cli(alice, "role", "bob", "admin", "--json");
        assertEquals(ExitCodes.OK, role.code(), role.err());
        await("carol sees bob as admin", WAIT, () -> "admin".equals(member(c, bobPub).path("role").asText()));
        CliResult rename = cli(carol, "rename", "caroline");
        assertEquals(ExitCodes.OK, rename.code(), rename.err());
        await("alice sees caroline", WAIT, () -> "caroline".equals(member(a, carolPub).path("name").asText()));
        JsonNode receipt = a.send(null, "caroline", "hi caroline");
        assertEquals(carolPub, receipt.path("recipients").get(0).path("pubkey").asText());
        await("carol got it", WAIT, () -> c.inbox(null, 100).path("items").toString().contains("hi caroline"));
    }

    @Test
    @Order(4)
    void aRevokedKeyIsRefusedEverywhereAndItsLinkEndsForGood() {
        CliResult revoke = cli(bob, "revoke", "caroline", "--reason", "lost laptop", "--json"); // bob is admin now
        assertEquals(ExitCodes.OK, revoke.code(), revoke.err());
        for (WireClient x : List.of(a, b)) {
            await("revocation applied", WAIT, () -> "revoked".equals(member(x, carolPub).path("status").asText()));
        }
        assertEquals("lost laptop", member(a, carolPub).path("reason").asText());
        await("carol's link ends as revoked", WAIT, () -> "revoked".equals(c.status().path("meshes").get(0).path("state").asText()));
        await("bob's watchers hear it", WAIT, () -> bobEvents.stream().anyMatch(e -> e.event().equals("member_removed")
                && e.data().contains(carolPub) && e.data().contains("revoked")));
        assertTrue(bobEvents.stream().anyMatch(e -> e.event().equals("mesh_event") && e.data().contains("member_revoked")));

        CliResult send = cli(alice, "send", "caroline", "are you there?");
        assertEquals(ExitCodes.NOT_FOUND, send.code(), "a revoked member is no recipient: " + send.err());
        JsonNode star = a.send(null, "*", "to everyone");
        assertEquals(1, star.path("recipients").size(), "'*' excludes the revoked key");
        assertEquals(bobPub, star.path("recipients").get(0).path("pubkey").asText());
        JsonNode log = a.get("/v1/mesh/log").path("items");
        JsonNode last = log.get(log.size() - 1);
        assertEquals("member_revoked", last.path("kind").asText());
        assertEquals("bob", last.path("actorName").asText());
    }

    @Test
    @Order(5)
    void anExpiryIsEnforcedByTheClock() throws Exception {
        long at = System.currentTimeMillis() + 4_000;
        JsonNode r = a.post("/v1/expire", WireClient.map("peer", "bob", "expiresAt", at));
        assertEquals(at, r.path("expiresAt").asLong());
        await("alice knows bob's expiry", WAIT, () -> member(a, bobPub).path("expiresAt").asLong() == at);
        await("bob's membership has expired on alice's clock", WAIT, () -> "expired".equals(member(a, bobPub).path("status").asText()));
        assertFalse(alice.session("team").roster().isActive(bobPub));
        CliResult send = cli(alice, "send", "bob", "too late");
        assertEquals(ExitCodes.NOT_FOUND, send.code(), send.err());
        assertTrue(Json.MAPPER.readTree(cli(alice, "status", "--json").out()).path("meshes").get(0).has("refused"));
    }
}
