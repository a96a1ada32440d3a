package dev.meshwire.peer.group;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.SessionState;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group copy takes the direct path when a WebRTC data channel to its recipient is open (docs/protocol.md §12.1):
 * real coordinator, two real daemons, a real data channel; the copy is a sender-key (v3) envelope to {@code @frontend},
 * stored once by the receiver with its target and acknowledged on the channel ({@code delivered}).
 */
class GroupDirectTest {
    static final long WAIT = 30_000;
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
    void aGroupCopyGoesDirectWhenAChannelIsOpen() throws Exception {
        TestSupport.requireWebRtc();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        WireClient a = WireClient.of(alice.client());
        WireClient b = WireClient.of(bob.client());
        JsonNode created = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        String meshId = created.path("mesh").path("meshId").asText();
        String bobPub = b.join(a.invite(null, 1, 3_600_000).path("invite").asText(), "bob").path("mesh").path("pubkey").asText();
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
        a.post("/v1/groups", WireClient.map("name", "frontend"));
        a.post("/v1/groups/member", WireClient.map("group", "frontend", "member", "bob"));
        await("bob's replica has him in @frontend", WAIT, () -> bob.session("team").roster().inGroup("frontend", bobPub));
        await("alice's replica too", WAIT, () -> alice.session("team").roster().inGroup("frontend", bobPub));

        await("alice's engine exists", WAIT, () -> alice.direct().get(meshId) != null);
        MeshDirect ad = alice.direct().get(meshId);
        await("direct channel open", WAIT, () -> {
            ad.engine().connect(bobPub);
            return ad.engine().state(bobPub) == SessionState.OPEN;
        });

        String cmid = a.send(null, "@frontend", "over the data channel").path("clientMessageId").asText();
        await("the copy is delivered", WAIT, () -> "delivered".equals(a.message(cmid).path("delivery").asText()));
        JsonNode got = await("bob stored it", java.time.Duration.ofMillis(WAIT), () -> {
            for (JsonNode m : b.inbox(null, 10, false, true).path("items")) if (cmid.equals(m.path("clientMessageId").asText())) return m;
            return null;
        });
        assertEquals("@frontend", got.path("target").asText());
        assertTrue(got.path("path").asText().startsWith("direct"), "went over the data channel: " + got);
        assertEquals("over the data channel", got.path("text").asText());
    }
}
