package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.ipc.WireClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #17 item 5: reconnect waits have full jitter, and a link in a (long) backoff reconnects as
 * soon as the coordinator answers {@code /health} again instead of sleeping out its ladder.
 */
class BackoffResetTest {
    @TempDir
    Path tmp;

    @Test
    void backoffHasFullJitter() {
        LinkSettings s = LinkSettings.defaults();
        Random r = new Random(17);
        for (int attempt = 0; attempt < 10; attempt++) {
            long ceiling = s.backoffCeiling(attempt).toMillis();
            Set<Long> seen = new HashSet<>();
            long sum = 0;
            for (int i = 0; i < 500; i++) {
                long d = s.backoffFor(attempt, r).toMillis();
                assertTrue(d >= 0 && d <= ceiling, "attempt " + attempt + ": " + d + " within [0, " + ceiling + "]");
                seen.add(d);
                sum += d;
            }
            assertTrue(seen.size() > 100, "waits are spread, not one value: " + seen.size() + " distinct");
            double mean = sum / 500.0;
            assertTrue(mean > ceiling * 0.35 && mean < ceiling * 0.65, "uniform over [0, ceiling]: mean " + mean + " of " + ceiling);
        }
        assertEquals(30_000, s.backoffCeiling(99).toMillis(), "the ladder still tops out at 30 s");
        for (int i = 0; i < 200; i++) {
            long p = s.probeDelayMillis(r);
            assertTrue(p >= 250 && p <= 750, "probe every 500 ms ±50 %: " + p);
        }
    }

    @Test
    void linksReconnectWhenTheCoordinatorIsHealthyAgainNotAtTheEndOfTheirBackoff() throws Exception {
        // A 10-minute ladder: without the health probe, a link would wait up to 10 minutes.
        LinkSettings slow = new LinkSettings(Duration.ofMillis(500), Duration.ofSeconds(5), List.of(Duration.ofMinutes(10)),
                Duration.ofSeconds(10), Duration.ofSeconds(5));
        CoordinatorConfig cfg = CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1);
        Coordinator coord = Coordinator.start(cfg);
        int port = coord.port();
        Daemon alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withLink(slow));
        Daemon bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")).withLink(slow));
        try {
            WireClient a = WireClient.of(alice.client());
            WireClient b = WireClient.of(bob.client());
            String invite = a.createMesh("ops", coord.publicUrl(), "alice", coord.adminToken()).path("invite").asText();
            b.join(invite, "bob");
            await("bob connected", 30_000, () -> "connected".equals(ReconnectTest.state(b)));

            coord.close();
            await("alice notices", 30_000, () -> !"connected".equals(ReconnectTest.state(a)));
            await("bob notices", 30_000, () -> !"connected".equals(ReconnectTest.state(b)));
            coord = Coordinator.start(cfg.withListen("127.0.0.1", port));
            // generous for a loaded machine, and still far below the 10-minute ladder
            await("alice reconnected", 60_000, () -> "connected".equals(ReconnectTest.state(a)));
            await("bob reconnected", 60_000, () -> "connected".equals(ReconnectTest.state(b)));
            a.send(null, "bob", "after restart");
            await("bob got it", 30_000, () -> ReconnectTest.inboxHas(b, "after restart"));
        } finally {
            bob.close();
            alice.close();
            coord.close();
        }
    }
}
