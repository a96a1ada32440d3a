package dev.meshwire.coordinator;

import static dev.meshwire.coordinator.Conditions.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.admission.AdmissionLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Admission control with real sockets from distinct loopback source addresses (on Linux all of 127/8 is local):
 * 127.0.0.2 and .3 play strangers, 127.0.0.1 the legitimate side.
 */
class AdmissionTest {
    static final String STRANGER = "127.0.0.2";
    static final String OTHER_STRANGER = "127.0.0.3";
    static final String LEGIT = "127.0.0.1";
    static final Duration LONG = Duration.ofSeconds(60);

    private static CoordinatorFixture coordinator(AdmissionLimits limits) throws Exception {
        return new CoordinatorFixture(c -> c.withAdmission(limits));
    }

    private static AdmissionLimits limits(Duration request, Duration idle, Duration auth, int total, int perAddress) {
        return AdmissionLimits.defaults().withTimeouts(request, idle, auth).withBudget(total, perAddress);
    }

    /** A metric's value from the in-process registry (a scrape over HTTP would count its own connection). */
    static double metric(CoordinatorFixture fx, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(fx.coordinator.metrics().scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static double unauthenticated(CoordinatorFixture fx) {
        return metric(fx, "meshwire_connections_unauthenticated{listener=\"main\"}");
    }

    private static List<RawWebSocket> silent(String source, int port, int n) throws Exception {
        List<RawWebSocket> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(RawWebSocket.tcp(source, port));
        return out;
    }

    private static void closeAll(List<RawWebSocket> sockets) throws Exception {
        for (RawWebSocket s : sockets) s.close();
    }

    @Test
    void theDefaultTotalFollowsTheDescriptorLimit() {
        assertEquals(112, AdmissionLimits.derivedMaxUnauthenticated(1024));
        assertEquals(16, AdmissionLimits.derivedMaxUnauthenticated(200));
        assertEquals(250, AdmissionLimits.derivedMaxUnauthenticated(2128));
        assertEquals(4096, AdmissionLimits.derivedMaxUnauthenticated(1 << 20));
        assertTrue(AdmissionLimits.defaults().maxUnauthenticated() >= 16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AdmissionLimits.defaults().withBudget(0, 4));
        assertEquals("maxUnauthenticated must be at least 1 (got 0)", e.getMessage());
    }

    @Test
    void overThePerAddressLimitOnlyTheNewcomerIsRefused() throws Exception {
        try (CoordinatorFixture fx = coordinator(limits(LONG, LONG, LONG, 50, 3))) {
            List<RawWebSocket> held = silent(STRANGER, fx.port(), 3);
            await("3 unauthenticated", () -> unauthenticated(fx) == 3);
            try (RawWebSocket fourth = RawWebSocket.tcp(STRANGER, fx.port())) {
                assertTrue(fourth.awaitEof(), "the 4th connection from one address was not closed");
            }
            assertEquals(1, metric(fx, "meshwire_connections_refused_total{listener=\"main\",reason=\"per_address\"}"));
            // other addresses are untouched, and so are the three held ones
            assertEquals(200, RawWebSocket.httpGet(LEGIT, fx.port(), "/health").status());
            try (RawWebSocket ws = RawWebSocket.upgraded(OTHER_STRANGER, fx.port())) {
                assertTrue(ws.readFrame().text().contains("challenge"));
            }
            for (RawWebSocket s : held) {
                s.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(s.readHead().startsWith("HTTP/1.1 200"));
            }
            closeAll(held);
            await("the budget empties", () -> unauthenticated(fx) == 0);
        }
    }

    @Test
    void aFullBudgetEvictsFromTheBusiestAddressNotTheNewcomer() throws Exception {
        try (CoordinatorFixture fx = coordinator(limits(LONG, LONG, LONG, 4, 4))) {
            List<RawWebSocket> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(RawWebSocket.tcp(STRANGER, fx.port()));
                int n = i + 1;
                await(n + " unauthenticated", () -> unauthenticated(fx) == n); // keeps the order of arrival
            }
            // a newcomer from another address gets in; the stranger's oldest connection makes room
            try (RawWebSocket newcomer = RawWebSocket.upgraded(OTHER_STRANGER, fx.port())) {
                assertTrue(newcomer.readFrame().text().contains("challenge"));
                assertTrue(held.get(0).awaitEof(), "the oldest connection of the busiest address was not evicted");
                assertEquals(1, metric(fx, "meshwire_connections_refused_total{listener=\"main\",reason=\"evicted\"}"));
                // the stranger (3 held) cannot push out the newcomer (1 held): it is refused instead
                try (RawWebSocket more = RawWebSocket.tcp(STRANGER, fx.port())) {
                    assertTrue(more.awaitEof());
                }
                assertEquals(1, metric(fx, "meshwire_connections_refused_total{listener=\"main\",reason=\"total\"}"));
                for (int i = 1; i < 4; i++) {
                    RawWebSocket s = held.get(i);
                    s.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertTrue(s.readHead().startsWith("HTTP/1.1 200"), "held connection " + i + " was disturbed");
                }
            }
            closeAll(held);
        }
    }

    @Test
    void deadlinesCloseSilentPartialSlowAndIdleConnectionsButNotAuthenticatedOnes() throws Exception {
        Duration second = Duration.ofSeconds(1);
        try (CoordinatorFixture fx = coordinator(limits(second, Duration.ofSeconds(2), second, 100, 100))) {
            Meshes.Mesh m = Meshes.create(fx, "deadline");
            try (TestPeer member = Meshes.owner(fx, m)) {
                try (RawWebSocket quiet = RawWebSocket.tcp(STRANGER, fx.port());
                     RawWebSocket partial = RawWebSocket.tcp(STRANGER, fx.port());
                     RawWebSocket slowBody = RawWebSocket.tcp(STRANGER, fx.port());
                     RawWebSocket keepAlive = RawWebSocket.tcp(STRANGER, fx.port());
                     RawWebSocket upgraded = RawWebSocket.upgraded(STRANGER, fx.port())) {
                    partial.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    slowBody.write(("POST /v1/meshes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 100\r\n\r\n{\"name\":").getBytes(StandardCharsets.US_ASCII));
                    keepAlive.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertTrue(keepAlive.readHead().startsWith("HTTP/1.1 200"));

                    assertTrue(quiet.awaitEof(), "a connection that never sent a request stayed open");
                    assertTrue(partial.awaitEof(), "a connection with unfinished request headers stayed open");
                    assertTrue(slowBody.awaitEof(), "a request whose body never completed stayed open");
                    assertTrue(keepAlive.awaitEof(), "an idle keep-alive connection stayed open");
                    RawWebSocket.Frame challenge = upgraded.readFrame();
                    assertTrue(challenge.text().contains("challenge"));
                    RawWebSocket.Frame error = upgraded.readFrame();
                    assertTrue(error.text().contains("not_authenticated"), error.text());
                    assertEquals(4010, upgraded.readFrame().closeCode());
                    assertTrue(upgraded.awaitEof(), "a silent WebSocket stayed open after its close frame");
                }
                assertTrue(metric(fx, "meshwire_connections_timed_out_total{listener=\"main\",phase=\"request\"}") >= 3);
                // (the test's own HTTP client, which created the mesh, may have idled out too)
                assertTrue(metric(fx, "meshwire_connections_timed_out_total{listener=\"main\",phase=\"idle\"}") >= 1);
                // the member, quiet through all of it (longer than every deadline above), is still connected
                member.sync("still-here");
                await("no unauthenticated connection left", () -> unauthenticated(fx) == 0);
            }
        }
    }

    @Test
    void theHealthListenerAnswersWhileBothBudgetsAreFull() throws Exception {
        AdmissionLimits l = limits(LONG, LONG, LONG, 2, 2).withHealthListener(LEGIT, 0, 2);
        try (CoordinatorFixture fx = coordinator(l)) {
            int health = fx.coordinator.healthPort();
            assertTrue(health > 0);
            List<RawWebSocket> flood = new ArrayList<>(silent(STRANGER, fx.port(), 2));
            flood.addAll(silent(STRANGER, health, 2));
            await("both budgets full", () -> unauthenticated(fx) == 2
                    && metric(fx, "meshwire_connections_unauthenticated{listener=\"health\"}") == 2);
            // a monitor keeps one connection, as Prometheus does
            try (RawWebSocket monitor = RawWebSocket.tcp(LEGIT, health)) {
                RawWebSocket.HttpAnswer up = monitor.get("/health");
                assertEquals(200, up.status());
                assertTrue(up.body().contains("\"up\""), up.body());
                assertEquals(200, monitor.get("/health/ready").status());
                String metrics = monitor.get("/metrics").body();
                assertTrue(metrics.contains("meshwire_connections_unauthenticated"));
                assertTrue(metrics.contains("meshwire_limit{name=\"max_unauthenticated_per_address\"}"), "the admission limits are shown");
                RawWebSocket.HttpAnswer other = monitor.get("/v1/meshes");
                assertEquals(404, other.status());
                assertTrue(other.body().contains("the health listener serves /health, /health/ready and /metrics"), other.body());
            }
            assertEquals(200, RawWebSocket.httpGet(LEGIT, fx.port(), "/health").status());
            assertTrue(metric(fx, "meshwire_connections_refused_total{listener=\"health\",reason=\"evicted\"}") >= 1);
            closeAll(flood);
        }
    }
}
