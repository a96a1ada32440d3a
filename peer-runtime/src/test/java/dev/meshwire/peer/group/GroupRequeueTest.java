package dev.meshwire.peer.group;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.WireClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group message accepted while the coordinator is down stays pending in the sender's outbox; requeued under a new
 * id, it is re-sealed from the sender's own sender-key copy (the daemon keeps no plaintext) to the same target and
 * recipients, and arrives exactly once when the coordinator is back (docs/delivery.md, docs/protocol.md §12.1).
 */
class GroupRequeueTest {
    static final long WAIT = 60_000;
    @TempDir
    Path tmp;
    Coordinator coord;
    Daemon alice, bob;

    @AfterEach
    void tearDown() {
        for (Daemon d : new Daemon[] {bob, alice}) if (d != null) d.close();
        if (coord != null) coord.close();
    }

    @Test
    void aPendingGroupMessageIsRequeuedAndDeliveredOnce() throws Exception {
        Path dir = tmp.resolve("coord");
        coord = Coordinator.start(CoordinatorConfig.defaults(dir).withListen("127.0.0.1", 0).withStunPort(-1));
        int port = coord.port();
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        WireClient a = WireClient.of(alice.client());
        WireClient b = WireClient.of(bob.client());
        a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        String bobPub = b.join(a.invite(null, 1, 3_600_000).path("invite").asText(), "bob").path("mesh").path("pubkey").asText();
        await("alice sees bob", WAIT, () -> a.seesOnline("bob"));
        a.post("/v1/groups", WireClient.map("name", "frontend"));
        a.post("/v1/groups/member", WireClient.map("group", "frontend", "member", "bob"));
        await("alice's replica has bob in @frontend", WAIT, () -> alice.session("team").roster().inGroup("frontend", bobPub));
        await("bob's replica too", WAIT, () -> bob.session("team").roster().inGroup("frontend", bobPub));

        coord.close();
        coord = null;
        JsonNode sent = a.post("/v1/send", WireClient.map("to", "@frontend", "message", "queued while down", "clientMessageId", "grp-1"));
        assertEquals("accepted_pending", sent.path("status").asText(), sent.toString());
        JsonNode rq = a.requeue("grp-1", "grp-2");
        assertEquals("grp-2", rq.path("clientMessageId").asText(), rq.toString());
        assertEquals("aborted", a.message("grp-1").path("state").asText());
        assertEquals("@frontend", a.message("grp-2").path("destination").path("ref").asText());

        coord = Coordinator.start(CoordinatorConfig.defaults(dir).withListen("127.0.0.1", port).withStunPort(-1));
        await("grp-2 is delivered", WAIT, () -> "delivered".equals(a.message("grp-2").path("delivery").asText()));
        await("bob has it", WAIT, () -> !texts(b).isEmpty());
        List<JsonNode> got = texts(b);
        assertEquals(1, got.size(), got.toString());
        assertEquals("grp-2", got.get(0).path("clientMessageId").asText());
        assertEquals("@frontend", got.get(0).path("target").asText());
    }

    static List<JsonNode> texts(WireClient c) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode m : c.inbox(null, 100, false, true).path("items")) if ("queued while down".equals(m.path("text").asText())) out.add(m);
        return out;
    }
}
