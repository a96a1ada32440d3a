package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.ipc.WireClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An offline member catches up: carol's daemon is down during three mutations (a role change, a
 * rename, a revocation). When it starts again its replica, rebuilt from SQLite, says hello with the
 * version it holds and gets exactly the missing events — its log stays one contiguous verified chain,
 * nothing is refused — and it refuses the revoked key before the first delivery is processed. Needs the
 * coordinator side of issue #9.
 */
class OfflineCatchUpTest {
    static final long WAIT = 30_000;
    @TempDir
    Path tmp;
    Coordinator coord;
    Daemon alice, bob, carol, dave;

    @AfterEach
    void tearDown() {
        for (Daemon d : new Daemon[] {dave, carol, bob, alice}) if (d != null) d.close();
        if (coord != null) coord.close();
    }

    static long version(WireClient c) {
        return c.status().path("meshes").get(0).path("stateVersion").asLong();
    }

    static boolean verified(WireClient c) {
        return c.status().path("meshes").get(0).path("stateVerified").asBoolean();
    }

    @Test
    void anOfflineMemberGetsExactlyTheMissingEventsAndRefusesTheRevokedKey() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")));
        dave = Daemon.start(DaemonOptions.of(tmp.resolve("dave")));
        WireClient a = WireClient.of(alice.client());
        a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        String invite = a.invite(null, 3, 3_600_000).path("invite").asText();
        String bobPub = WireClient.of(bob.client()).join(invite, "bob").path("mesh").path("pubkey").asText();
        WireClient.of(carol.client()).join(invite, "carol");
        String davePub = WireClient.of(dave.client()).join(invite, "dave").path("mesh").path("pubkey").asText();
        await("carol verified at v5", WAIT, () -> verified(WireClient.of(carol.client())) && version(WireClient.of(carol.client())) == 5);

        carol.close(); // offline from here
        carol = null;
        ok(a.post("/v1/role", WireClient.map("peer", "bob", "role", "admin")));
        ok(WireClient.of(bob.client()).post("/v1/rename", WireClient.map("name", "robert")));
        // dave writes to carol while she is offline: queued at the coordinator, then dave is revoked.
        WireClient.of(dave.client()).send(null, "carol", "from dave, queued before the revocation");
        await("dave's message accepted by the coordinator", WAIT, () -> "done".equals(
                WireClient.of(dave.client()).get("/v1/outbox?limit=10").path("items").get(0).path("state").asText()));
        ok(a.post("/v1/revoke", WireClient.map("peer", "dave", "reason", "left the company")));
        await("alice at v8", WAIT, () -> version(a) == 8);
        a.send(null, "carol", "sentinel from alice");

        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")));
        WireClient c = WireClient.of(carol.client());
        await("carol caught up and verified at v8", WAIT, () -> verified(c) && version(c) == 8);
        JsonNode log = c.get("/v1/mesh/log");
        List<Long> versions = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        for (JsonNode e : log.path("items")) {
            versions.add(e.path("version").asLong());
            kinds.add(e.path("kind").asText());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), versions, "one contiguous chain: the missing events, not a snapshot");
        assertEquals(List.of("role_changed", "member_renamed", "member_revoked"), kinds.subList(5, 8));
        assertEquals(0, c.status().path("meshes").get(0).path("stateRefusals").asLong());
        assertFalse(carol.session("team").roster().isActive(davePub));
        assertEquals("robert", carol.session("team").roster().member(bobPub).name());
        assertEquals("admin", carol.session("team").roster().member(bobPub).role());

        await("carol received alice's sentinel", WAIT, () -> c.inbox(null, 100).path("items").toString().contains("sentinel from alice"));
        String inbox = c.inbox(null, 100, false, true).path("items").toString();
        assertFalse(inbox.contains("from dave"), "nothing from the revoked key is processed: " + inbox);
    }

    static void ok(JsonNode answer) {
        assertTrue(answer.isObject() && answer.hasNonNull("pubkey"), String.valueOf(answer));
    }
}
