package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.outbox.DurableOutbox;
import dev.meshwire.peer.outbox.OutboxStore;
import dev.meshwire.peer.p2p.ChannelPayload;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.SessionState;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants with real daemons, a real coordinator and real WebRTC (docs/protocol.md §6.3): bob blocks alice; an
 * envelope alice writes straight into her open data channel (as a modified client would) is refused by bob's
 * daemon (acked, dropped, counted as {@code refused.grants}); a {@code meshwire send} from alice goes through the
 * relay (never direct), the coordinator drops it silently (counted), alice's copy ends {@code done}/{@code accepted}
 * and never {@code delivered}; after bob grants {@code dm} again, alice's messages arrive.
 */
class DirectGrantsTest {
    static final long WAIT = 30_000;
    static final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path tmp;
    Coordinator coord;
    Daemon alice, bob;

    @AfterEach
    void tearDown() {
        for (Daemon d : new Daemon[] {bob, alice}) if (d != null) d.close();
        if (coord != null) coord.close();
    }

    double metric(String name, String label) throws Exception {
        String url = coord.publicUrl().replaceFirst("^ws", "http").replaceFirst("/ws$", "") + "/metrics";
        String body = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(label)) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
        return 0;
    }

    static List<JsonNode> from(WireClient c, String pubkey) {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (JsonNode m : c.inbox(null, 1000, false, true).path("items")) if (pubkey.equals(m.path("from").path("pubkey").asText())) out.add(m);
        return out;
    }

    @Test
    void aBlockedSenderReachesNothingOnAnyPath() throws Exception {
        TestSupport.requireWebRtc();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        WireClient a = WireClient.of(alice.client());
        WireClient b = WireClient.of(bob.client());
        JsonNode created = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        String meshId = created.path("mesh").path("meshId").asText();
        String alicePub = created.path("mesh").path("pubkey").asText();
        String bobPub = b.join(a.invite(null, 1, 3_600_000).path("invite").asText(), "bob").path("mesh").path("pubkey").asText();
        await("bob holds a verified replica knowing alice", WAIT, () -> bob.session("team").roster().isActive(alicePub)
                && bob.session("team").roster().replica().current());
        await("alice sees bob online", WAIT, () -> {
            Frames.PeerInfo p = alice.session("team").roster().peer(bobPub);
            return p != null && p.online();
        });

        // bob blocks alice; both replicas apply the grant_set event.
        JsonNode g = b.post("/v1/grant", WireClient.map("peer", "alice", "caps", ""));
        assertTrue(g.path("caps").isArray() && g.path("caps").isEmpty(), g.toString());
        await("alice's replica knows bob blocks her", WAIT,
                () -> !alice.session("team").roster().grantedBy(bobPub, dev.meshwire.signaling.envelope.Channel.DM));
        await("bob's replica knows it", WAIT,
                () -> bob.session("team").roster().grantRefusal(alicePub, dev.meshwire.signaling.envelope.Channel.DM) != null);

        // 1. The direct data channel: an envelope written straight into alice's engine is refused by bob's daemon.
        await("alice's engine exists", WAIT, () -> alice.direct().get(meshId) != null);
        MeshDirect ad = alice.direct().get(meshId);
        await("direct channel open", WAIT, () -> {
            ad.engine().connect(bobPub);
            return ad.engine().state(bobPub) == SessionState.OPEN;
        });
        for (int i = 0; i < 3; i++) {
            List<OutboxStore.NewCopy> copy = DurableOutbox.seal(alice.session("team"), List.of(new Frames.PeerInfo(bobPub, "bob", "member", true, null, null)),
                    null, "direct-" + i, Priority.NEXT, null, null, ("direct-" + i).getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
            Envelope env = Json.MAPPER.readValue(copy.get(0).envelopeJson(), Envelope.class);
            ad.engine().send(bobPub, ChannelPayload.envelope(env)).get(10, TimeUnit.SECONDS); // acked by bob (acked and dropped)
        }
        assertEquals(3, bob.session("team").roster().refused().grants.get(), "bob refused the three direct frames");
        assertEquals(3, b.status().path("meshes").get(0).path("refused").path("grants").asInt(), "status shows it");

        // 2. meshwire send: via the relay (not direct), dropped by the coordinator, counted; the copy stays 'accepted'.
        double relayDrops = metric("meshwire_grant_dropped_total", "path=\"relay\"");
        String cmid = a.send("team", "bob", "through the outbox").path("clientMessageId").asText();
        await("the blocked send is done", WAIT, () -> "done".equals(a.message(cmid).path("state").asText()));
        JsonNode msg = a.message(cmid);
        assertEquals("accepted", msg.path("delivery").asText(), "never 'delivered': " + msg);
        assertEquals(relayDrops + 1, metric("meshwire_grant_dropped_total", "path=\"relay\""));

        // 3. bob grants dm again: alice's next message arrives.
        b.post("/v1/grant", WireClient.map("peer", "alice", "caps", "dm"));
        await("alice's replica knows the grant", WAIT,
                () -> alice.session("team").roster().grantedBy(bobPub, dev.meshwire.signaling.envelope.Channel.DM));
        a.send("team", "bob", "allowed again");
        await("bob gets the allowed message", WAIT, () -> from(b, alicePub).stream().anyMatch(m -> "allowed again".equals(m.path("text").asText())));
        List<JsonNode> got = from(b, alicePub);
        assertEquals(1, got.size(), "nothing sent while blocked was ever stored: " + got);
    }
}
