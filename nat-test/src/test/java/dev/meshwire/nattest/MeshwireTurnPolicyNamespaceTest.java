package dev.meshwire.nattest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.nattest.matrix.CoordinatorProcess;
import dev.meshwire.nattest.matrix.TurnChoice;
import dev.meshwire.nattest.matrix.TurnEvidence;
import dev.meshwire.nattest.topology.Filtering;
import dev.meshwire.nattest.topology.Mapping;
import dev.meshwire.nattest.topology.NatBehaviour;
import dev.meshwire.nattest.topology.SiteSpec;
import dev.meshwire.nattest.topology.Topology;
import dev.meshwire.nattest.topology.TopologySpec;
import dev.meshwire.nattest.turn.StunTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * meshwire's own TURN server, embedded in the coordinator and started exactly as the NAT matrix starts it with
 * {@code --turn meshwire} (no TURN flag but the port and relay range), probed by the TURN client {@code TurnProbe} (its
 * own JVM, ice4j's codec) from a host behind a NAT, over UDP and TCP: the REST credentials the coordinator's
 * generated secret yields are accepted, a wrong password and an expired username get 401, and the default peer
 * policy refuses permissions towards private, CGNAT, loopback and link-local peers with 403 while public peers are
 * permitted -- with no configuration, where coturn needs {@code denied-peer-ip} ({@link CoturnPolicyNamespaceTest}).
 * A second coordinator with {@code --turn-allow-peer} for those blocks (and {@code --turn-allow-loopback-peers})
 * permits the same peers, so the 403s are the policy's doing and the overrides work.
 * Needs root/netns/nft (see {@link NamespaceSupport}); skipped when {@code peer-runtime/target/meshwire.jar} is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeshwireTurnPolicyNamespaceTest {
    /** One address from each block the default policy refuses; 10.1.0.2 is the probing host's own LAN address. */
    static final List<String> PRIVATE_PEERS = List.of("10.1.0.2", "100.64.0.1", "172.16.0.1", "192.168.1.1", "127.0.0.1",
            "169.254.1.1");
    static final List<String> ALLOW_FLAGS = List.of("--turn-allow-peer", "10.0.0.0/8", "--turn-allow-peer", "100.64.0.0/10",
            "--turn-allow-peer", "172.16.0.0/12", "--turn-allow-peer", "192.168.0.0/16", "--turn-allow-peer", "169.254.0.0/16",
            "--turn-allow-loopback-peers");
    /** The other public address of the namespace, and one that exists nowhere (the black-hole route). */
    static final List<String> PUBLIC_PEERS = List.of(TopologySpec.PUBLIC_IP_1, "203.0.113.50");
    static final int TURN_PORT = 3478, COORD_PORT = 7600;
    static final String RELAY_PORTS = "49152-49352";

    private Topology topology;
    private Topology.Site site;
    private CoordinatorProcess coordinator;
    private String metricsAfter;
    private final Map<StunTransport.Kind, JsonNode> valid = new EnumMap<>(StunTransport.Kind.class);
    private final Map<StunTransport.Kind, JsonNode> wrongPassword = new EnumMap<>(StunTransport.Kind.class);
    private final Map<StunTransport.Kind, JsonNode> expired = new EnumMap<>(StunTransport.Kind.class);
    private final Map<StunTransport.Kind, JsonNode> control = new EnumMap<>(StunTransport.Kind.class);

    @BeforeAll
    void startCoordinatorsAndProbe() throws Exception {
        NamespaceSupport.require();
        Path jar = Path.of("../peer-runtime/target/meshwire.jar").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(jar), jar + " missing (mvn -DskipTests package at the root): test skipped");
        SiteSpec home = new SiteSpec("home", List.of(NatBehaviour.nat(Mapping.EIM, Filtering.APDF)));
        topology = Topology.build(new TopologySpec(TopologySpec.defaultPrefix("mwturn"), List.of(home)));
        site = topology.site("home");
        Files.createDirectories(Path.of("target"));
        Path dir = Files.createTempDirectory(Path.of("target"), "meshwire-turn-policy-").toAbsolutePath();
        List<String> matrixFlags = CoordinatorProcess.iceFlags(TurnChoice.MESHWIRE, TURN_PORT, RELAY_PORTS, -1, List.of(), null);
        coordinator = CoordinatorProcess.start(topology, topology.publicNs(), jar, TopologySpec.PUBLIC_IP_2, COORD_PORT,
                dir.resolve("matrix"), matrixFlags);
        // Control: the same server with the overrides, on the other public address (its relay ports cannot clash).
        List<String> openFlags = new ArrayList<>(matrixFlags);
        openFlags.addAll(ALLOW_FLAGS);
        CoordinatorProcess open = CoordinatorProcess.start(topology, topology.publicNs(), jar, TopologySpec.PUBLIC_IP_1,
                COORD_PORT, dir.resolve("control"), openFlags);

        long inAnHour = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        long anHourAgo = Instant.now().minus(Duration.ofHours(1)).getEpochSecond();
        String secret = coordinator.turnSecret();
        TurnProbes.Credential good = TurnProbes.Credential.of(secret, inAnHour, "alice");
        TurnProbes.Credential wrong = new TurnProbes.Credential(good.username(),
                TurnProbes.Credential.of("not-" + secret, inAnHour, "alice").password());
        // correctly signed, so the expiry is the only thing wrong with it
        TurnProbes.Credential old = TurnProbes.Credential.of(secret, anHourAgo, "alice");
        List<String> peers = new ArrayList<>(PRIVATE_PEERS);
        peers.addAll(PUBLIC_PEERS);
        for (StunTransport.Kind k : StunTransport.Kind.values()) {
            valid.put(k, probe(k, TopologySpec.PUBLIC_IP_2, good, peers));
            wrongPassword.put(k, probe(k, TopologySpec.PUBLIC_IP_2, wrong, List.of()));
            expired.put(k, probe(k, TopologySpec.PUBLIC_IP_2, old, List.of()));
            control.put(k, probe(k, TopologySpec.PUBLIC_IP_1, TurnProbes.Credential.of(open.turnSecret(), inAnHour, "alice"),
                    PRIVATE_PEERS));
        }
        metricsAfter = coordinator.metrics(topology, topology.publicNs(), Path.of("target/classes").toAbsolutePath());
    }

    @AfterAll
    void tearDown() {
        if (topology != null) topology.close();
    }

    private JsonNode probe(StunTransport.Kind kind, String ip, TurnProbes.Credential c, List<String> peers) throws Exception {
        return TurnProbes.probe(topology, site.hostNs(), kind, ip, TURN_PORT, c, peers);
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void allocateWithTheCoordinatorsRestCredentialGetsARelayedAddressOnTheTurnAddress(StunTransport.Kind kind) {
        JsonNode n = valid.get(kind);
        assertEquals(401, n.path("challenge").path("code").asInt(), () -> "first Allocate (no credentials) is challenged: " + n);
        assertEquals("meshwire", n.path("realm").asText(), "the default realm");
        JsonNode a = n.path("allocate");
        assertEquals(200, a.path("code").asInt(), () -> "allocate: " + a);
        assertTrue(a.path("integrity").asBoolean(), "the success carries MESSAGE-INTEGRITY made with our key");
        String relayed = a.path("relayed").asText();
        assertTrue(relayed.startsWith(TopologySpec.PUBLIC_IP_2 + ":"), "relayed address on the TURN address: " + relayed);
        int port = Integer.parseInt(relayed.substring(relayed.indexOf(':') + 1));
        assertTrue(port >= 49152 && port <= 49352, "relay port from --turn-relay-ports: " + port);
        // the request really came through the site's NAT: the server saw the router's WAN address, not 10.1.0.2
        assertTrue(a.path("mapped").asText().startsWith(site.publicIp() + ":"), "mapped: " + a.path("mapped"));
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void allocateWithWrongPasswordIsRefusedWith401(StunTransport.Kind kind) {
        JsonNode n = wrongPassword.get(kind);
        assertEquals(401, n.path("challenge").path("code").asInt(), n::toString);
        assertEquals(401, n.path("allocate").path("code").asInt(), () -> "allocate: " + n.path("allocate"));
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void allocateWithExpiredUsernameIsRefusedWith401(StunTransport.Kind kind) {
        JsonNode n = expired.get(kind);
        assertEquals(401, n.path("challenge").path("code").asInt(), n::toString);
        assertEquals(401, n.path("allocate").path("code").asInt(), () -> "allocate: " + n.path("allocate"));
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void createPermissionTowardsPrivateCgnatLoopbackAndLinkLocalPeersIsRefusedWith403ByDefault(StunTransport.Kind kind) {
        JsonNode perms = valid.get(kind).path("permissions");
        for (String peer : PRIVATE_PEERS) {
            assertEquals(403, perms.path(peer).path("code").asInt(), () -> peer + ": " + perms.path(peer));
        }
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void createPermissionTowardsPublicPeersSucceeds(StunTransport.Kind kind) {
        JsonNode perms = valid.get(kind).path("permissions");
        for (String peer : PUBLIC_PEERS) {
            assertEquals(200, perms.path(peer).path("code").asInt(), () -> peer + ": " + perms.path(peer));
            assertTrue(perms.path(peer).path("integrity").asBoolean(), peer + ": success is integrity-protected");
        }
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void withTurnAllowPeerTheSameServerPermitsThosePeers(StunTransport.Kind kind) {
        JsonNode n = control.get(kind);
        assertEquals(200, n.path("allocate").path("code").asInt(), () -> "allocate: " + n.path("allocate"));
        JsonNode perms = n.path("permissions");
        for (String peer : PRIVATE_PEERS) {
            assertEquals(200, perms.path(peer).path("code").asInt(), () -> peer + ": " + perms.path(peer));
        }
    }

    /** The server's own account agrees: two allocations (UDP, TCP), and every refused peer counted as such. */
    @Test
    void metricsCountTheAllocationsAndTheRefusedPeers() {
        assertNotNull(metricsAfter, "the coordinator's /metrics could be read");
        assertEquals(2, TurnEvidence.fromMetrics(metricsAfter).allocations(), metricsAfter);
        long peerDenied = metricsAfter.lines()
                .filter(l -> l.startsWith("meshwire_turn_refusals_total{") && l.contains("\"peer_denied\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertEquals(2L * PRIVATE_PEERS.size(), peerDenied, metricsAfter);
    }
}
