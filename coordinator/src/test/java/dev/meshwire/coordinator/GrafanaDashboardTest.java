package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.Frames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker/grafana/meshwire-coordinator.json queries only metrics a live coordinator exports: every metric name in every
 * panel query (and every fixed label value, such as {@code quantile="0.99"}) is found in {@code /metrics} of a real
 * coordinator with its embedded TURN server, after real traffic (a mesh, a join, a relayed and acked message, a refused
 * frame) has made the lazily registered counters appear.
 */
class GrafanaDashboardTest {
    static final Path DASHBOARD = Path.of("..", "docker", "grafana", "meshwire-coordinator.json");
    static final Pattern METRIC = Pattern.compile("\\b((?:meshwire|jvm)_[a-z0-9_]+)(\\{[^}]*})?");
    static final Pattern FIXED_LABEL = Pattern.compile("(\\w+)=\"([^\"$]+)\"");

    @Test
    void everyQueriedMetricExistsInALiveCoordinator() throws Exception {
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(DASHBOARD));
        assertEquals("meshwire-coordinator", dashboard.get("uid").asText());
        List<String> queries = new ArrayList<>();
        collectQueries(dashboard, queries);
        assertTrue(queries.size() >= 20, "panel queries found: " + queries);

        // name -> fixed label matchers used with it (name="value", not $variables or regexes)
        Map<String, TreeSet<String>> wanted = new TreeMap<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                TreeSet<String> labels = wanted.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                if (m.group(2) != null) {
                    Matcher l = FIXED_LABEL.matcher(m.group(2));
                    while (l.find()) labels.add(l.group(1) + "=\"" + l.group(2) + "\"");
                }
            }
        }
        assertTrue(wanted.keySet().stream().anyMatch(n -> n.startsWith("meshwire_turn_")), "the dashboard shows the embedded TURN server");

        String scrape;
        try (CoordinatorFixture fx = new CoordinatorFixture(c -> c.withStunPort(0))) {
            traffic(fx);
            scrape = fx.get("/metrics").text();
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, TreeSet<String>> w : wanted.entrySet()) {
            List<String> series = scrape.lines().filter(l -> !l.startsWith("#"))
                    .filter(l -> l.startsWith(w.getKey() + "{") || l.startsWith(w.getKey() + " ")).toList();
            if (series.isEmpty()) {
                missing.add(w.getKey());
                continue;
            }
            for (String label : w.getValue()) {
                if (series.stream().noneMatch(s -> s.contains(label))) missing.add(w.getKey() + "{" + label + "}");
            }
        }
        assertTrue(missing.isEmpty(), "the dashboard queries series the coordinator does not export: " + missing + "\n" + scrape);
    }

    /** Every string under a panel's {@code expr} (panel targets), anywhere in the dashboard. */
    private static void collectQueries(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("expr") && e.getValue().isTextual()) out.add(e.getValue().asText());
                else collectQueries(e.getValue(), out);
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectQueries(n, out));
        }
    }

    /** A mesh, an owner and a joiner, a relayed and acknowledged dm, and a connection refused for a bad first frame. */
    private static void traffic(CoordinatorFixture fx) throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "dash");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            Envelope env = alice.dm(bobId, "hello bob");
            alice.send(new Frames.Send("s1", bob.pubkey(), env));
            Frames.Ack ack = alice.await(Frames.Ack.class);
            Frames.Deliver d = bob.await(Frames.Deliver.class);
            bob.send(new Frames.ClientAck(d.messageId(), ack.clientMessageId(), alice.pubkey()));
            bob.send(new Frames.ListPeers("lp"));
            bob.await(Frames.Peers.class); // after the ack: frames are handled in order
        }
        try (TestPeer stranger = fx.peer()) {
            stranger.sendRaw("{\"type\":\"ping\",\"id\":\"p\"}");
            assertEquals("not_authenticated", stranger.await(Frames.Error.class).code());
            assertEquals(4010, stranger.awaitClose());
        }
        assertFalse(fx.get("/metrics").text().isEmpty());
    }
}
