package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.ipc.api.PeerJoinedEvent;
import dev.meshwire.peer.ipc.api.PeerLeftEvent;
import dev.meshwire.peer.ipc.api.SessionReply;
import dev.meshwire.peer.ipc.api.SessionRequest;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous presence with real processes (issue #12, the seed's scenarios of digest C §3.8): bob's daemon is a
 * separate process frozen with {@code kill -STOP} and resumed with {@code kill -CONT}; alice (a daemon in this JVM)
 * watches bob's presence through her own coordinator link (her {@code peer_joined}/{@code peer_left} events).
 *
 * <p>The freeze lasts until a condition, never a fixed time: "short" ends as soon as the coordinator has dropped
 * bob's silent socket and holds his presence (so the socket really was lost); "long" ends when alice has been told
 * that bob left (so the lease really ran out). With the short lease (ping 1 s, dead after 2.5 s, lease 10 s):
 * <ul>
 *   <li>a freeze shorter than the lease: bob's daemon reconnects with its resume token, alice sees no leave and no
 *       join, and a dm alice sent during the freeze reaches bob exactly once;</li>
 *   <li>a freeze longer than the lease: alice sees exactly one leave and, when bob is back, exactly one join.</li>
 * </ul>
 * The same holds for a session bob's daemon holds: its own link resumes with its own token.
 * One test uses the real defaults (ping 30 s, dead after 75 s, lease 90 s): it takes about 80 s.
 */
class PresenceSleepTest {
    static final long WAIT = 60_000;

    @TempDir
    Path tmp;
    Coordinator coord;
    Daemon alice;
    ForegroundDaemon bob;
    final List<DaemonEvent> seen = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() throws Exception {
        if (bob != null) {
            if (bob.process().isAlive()) bob.signal("CONT"); // never leave a frozen process behind
            bob.destroy();
        }
        if (alice != null) alice.close();
        if (coord != null) coord.close();
    }

    /** Starts the coordinator, alice (no direct channels: every dm goes through the coordinator) and bob's process. */
    String setUp(CoordinatorConfig cfg) throws Exception {
        coord = Coordinator.start(cfg.withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withP2p(P2pSettings.defaults().withMode(P2pMode.OFF)));
        alice.events().subscribe(seen::add);
        WireClient a = WireClient.of(alice.client());
        String invite = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken()).path("invite").asText();
        bob = ForegroundDaemon.start(MeshwireHome.at(tmp.resolve("bob")), Map.of("MESHWIRE_P2P", "off"));
        String bobPub = bob.client().join(invite, "bob").path("mesh").path("pubkey").asText();
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
        await("alice was told bob joined", WAIT, () -> joins(bobPub) == 1);
        return bobPub;
    }

    long joins(String pubkey) {
        return seen.stream().filter(e -> e.data() instanceof PeerJoinedEvent j && pubkey.equals(j.pubkey())).count();
    }

    long leaves(String pubkey) {
        return seen.stream().filter(e -> e.data() instanceof PeerLeftEvent l && pubkey.equals(l.pubkey())).count();
    }

    double metric(String line) throws Exception {
        String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coord.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static CoordinatorConfig shortLease(Path dir) {
        return CoordinatorConfig.defaults(dir).withLiveness(Duration.ofSeconds(1), Duration.ofMillis(2500))
                .withPresenceLease(Duration.ofSeconds(10));
    }

    /** Freezes bob until the coordinator has dropped his silent socket and holds his presence, then thaws him. */
    void sleepUntilHeld() throws Exception {
        bob.signal("STOP");
        await("the coordinator holds bob's presence", WAIT, () -> {
            try {
                return metric("meshwire_presence_held") >= 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aSleepShorterThanTheLeaseIsNoFlapAndTheDmSentMeanwhileArrivesOnce() throws Exception {
        String bobPub = setUp(shortLease(tmp.resolve("coord")));
        WireClient a = WireClient.of(alice.client());
        sleepUntilHeld();
        assertTrue(a.seesOnline("bob"), "a held member is still online for the others");
        String text = "while you slept " + UUID.randomUUID();
        String cmid = a.send(null, "bob", text).path("clientMessageId").asText();
        await("the coordinator accepted the dm while bob was away", WAIT, () -> "done".equals(a.message(cmid).path("state").asText()));
        assertEquals("accepted", a.message(cmid).path("delivery").asText(), "queued for bob, not yet delivered");
        bob.signal("CONT");

        await("bob resumed his presence", WAIT, () -> {
            try {
                return metric("meshwire_presence_resumes_total") >= 1 && metric("meshwire_presence_held") == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("bob has the dm", WAIT, () -> ForegroundDaemon.inboxCounts(bob.client(), text).getOrDefault(text, 0) >= 1);
        await("alice learns it was delivered", WAIT, () -> "delivered".equals(a.message(cmid).path("delivery").asText()));
        assertEquals(Map.of(text, 1), ForegroundDaemon.inboxCounts(bob.client(), text), "exactly once");
        // A resumed lease is cancelled on the coordinator's event loop: no peer_left can be sent for it any more.
        assertEquals(0, metric("meshwire_presence_evictions_total{reason=\"lease_expired\"}"));
        assertEquals(0, leaves(bobPub), "alice never saw bob leave: " + seen);
        assertEquals(1, joins(bobPub), "nor join again: " + seen);
        assertTrue(a.seesOnline("bob"));
    }

    /**
     * A session held by bob's daemon sleeps with it: its own link reconnects with the session's resume token, so
     * neither bob nor his session flaps for alice, and a dm alice sent to the session meanwhile arrives once.
     */
    @Test
    void aSleepShorterThanTheLeaseKeepsADaemonHeldSessionWithoutFlap() throws Exception {
        String bobPub = setUp(shortLease(tmp.resolve("coord")));
        WireClient a = WireClient.of(alice.client());
        SessionReply session = bob.client().typed().createSession(new SessionRequest(null, "agent", null, null, null));
        String sessionPub = session.session().pubkey();
        await("alice was told bob's session joined", WAIT, () -> joins(sessionPub) == 1);
        double resumesBefore = metric("meshwire_presence_resumes_total");

        bob.signal("STOP");
        await("the coordinator holds bob's presence and his session's", WAIT, () -> {
            try {
                return metric("meshwire_presence_held") >= 2;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String text = "to the sleeping session " + UUID.randomUUID();
        String cmid = a.send(null, sessionPub, text).path("clientMessageId").asText();
        await("the coordinator accepted the dm for the held session", WAIT, () -> "done".equals(a.message(cmid).path("state").asText()));
        bob.signal("CONT");

        await("bob and his session resumed their presences", WAIT, () -> {
            try {
                return metric("meshwire_presence_resumes_total") >= resumesBefore + 2 && metric("meshwire_presence_held") == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("the session has the dm", WAIT, () -> bob.client().typed().sessionInbox(session.token(), 1000, false, true).items()
                .stream().anyMatch(i -> text.equals(i.text())));
        assertEquals(1, bob.client().typed().sessionInbox(session.token(), 1000, false, true).items().stream()
                .filter(i -> text.equals(i.text())).count(), "exactly once");
        assertEquals(0, metric("meshwire_presence_evictions_total{reason=\"lease_expired\"}"));
        assertEquals(0, leaves(sessionPub), "alice never saw the session leave: " + seen);
        assertEquals(1, joins(sessionPub), "nor join again: " + seen);
        assertEquals(0, leaves(bobPub), "nor bob: " + seen);
        assertEquals(1, joins(bobPub), seen.toString());
    }

    @Test
    void aSleepLongerThanTheLeaseIsExactlyOneLeaveAndOneJoin() throws Exception {
        String bobPub = setUp(shortLease(tmp.resolve("coord")));
        WireClient a = WireClient.of(alice.client());
        String sessionPub = bob.client().typed().createSession(new SessionRequest(null, "agent", null, null, null)).session().pubkey();
        await("alice was told bob's session joined", WAIT, () -> joins(sessionPub) == 1);
        bob.signal("STOP");
        await("alice is told bob left when his lease ran out", WAIT, () -> leaves(bobPub) == 1);
        await("and his session when its lease ran out", WAIT, () -> leaves(sessionPub) == 1);
        assertEquals(2, metric("meshwire_presence_evictions_total{reason=\"lease_expired\"}"));
        bob.signal("CONT");
        await("alice is told bob is back", WAIT, () -> joins(bobPub) == 2);
        await("alice is told his session is back", WAIT, () -> joins(sessionPub) == 2);
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
        // bob is connected (he answered), so nothing of the outage is still in flight to alice.
        await("bob's link is connected", WAIT, () -> "connected".equals(bob.client().status().path("meshes").path(0).path("state").asText()));
        String probe = "after the outage " + UUID.randomUUID();
        bob.client().send(null, "alice", probe);
        await("alice hears from bob", WAIT, () -> ForegroundDaemon.inboxCounts(a, probe).getOrDefault(probe, 0) == 1);
        assertEquals(1, leaves(bobPub), "exactly one leave: " + seen);
        assertEquals(2, joins(bobPub), "the first join and exactly one more: " + seen);
        assertEquals(1, leaves(sessionPub), "exactly one leave of the session: " + seen);
        assertEquals(2, joins(sessionPub), "and exactly one more join: " + seen);
    }

    /** {@code meshwire reconnect} hands the old link's token to the new one: the peers see nothing. */
    @Test
    void aManualReconnectContinuesThePresence() throws Exception {
        String bobPub = setUp(shortLease(tmp.resolve("coord")));
        WireClient a = WireClient.of(alice.client());
        bob.client().post("/v1/reconnect", WireClient.map("mesh", "team"));
        await("the new link continued bob's presence", WAIT, () -> {
            try {
                return metric("meshwire_presence_resumes_total") + metric("meshwire_sessions_replaced_total{token=\"valid\"}") >= 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Bob's message reaches alice on the same socket as any presence notice sent before it.
        String probe = "after reconnect " + UUID.randomUUID();
        bob.client().send(null, "alice", probe);
        await("alice hears from bob", WAIT, () -> ForegroundDaemon.inboxCounts(a, probe).getOrDefault(probe, 0) == 1);
        assertEquals(0, leaves(bobPub), "no leave: " + seen);
        assertEquals(1, joins(bobPub), "no second join: " + seen);
    }

    /** The real numbers: the coordinator drops the frozen socket at 75 s of silence and holds it until 90 s. */
    @Test
    void withTheRealNinetySecondLeaseASleepUntilTheSocketIsDroppedIsNoFlap() throws Exception {
        CoordinatorConfig real = CoordinatorConfig.defaults(tmp.resolve("coord"));
        assertEquals(Duration.ofSeconds(90), real.presenceLease());
        String bobPub = setUp(real);
        WireClient a = WireClient.of(alice.client());
        long frozen = System.currentTimeMillis();
        bob.signal("STOP");
        await("the coordinator holds bob's presence", Duration.ofSeconds(150), () -> {
            try {
                return metric("meshwire_presence_held") >= 1;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long heldAfter = System.currentTimeMillis() - frozen;
        bob.signal("CONT");
        await("bob resumed his presence", WAIT, () -> {
            try {
                return metric("meshwire_presence_resumes_total") >= 1 && metric("meshwire_presence_held") == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        System.out.printf("real lease: bob frozen %d ms until the coordinator dropped his socket, then resumed%n", heldAfter);
        assertTrue(heldAfter >= 40_000, "the coordinator waited for 75 s of silence (bob's last frame came at most 30 s before the freeze): " + heldAfter);
        assertEquals(0, metric("meshwire_presence_evictions_total{reason=\"lease_expired\"}"));
        assertEquals(0, leaves(bobPub), "no leave: " + seen);
        assertEquals(1, joins(bobPub), "no second join: " + seen);
        assertTrue(a.seesOnline("bob"));
    }
}
