package dev.meshwire.nattest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.nattest.topology.Filtering;
import dev.meshwire.nattest.topology.Mapping;
import dev.meshwire.nattest.topology.NatBehaviour;
import dev.meshwire.nattest.topology.SiteSpec;
import dev.meshwire.nattest.topology.Topology;
import dev.meshwire.nattest.topology.TopologySpec;
import dev.meshwire.nattest.turn.Coturn;
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
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * coturn started exactly as the NAT matrix starts it ({@link Coturn#start(Topology, String, int, Path)}), probed
 * by a TURN client ({@code TurnProbe}, its own JVM) in the host namespace of a site behind a NAT, over UDP and TCP:
 * REST API credentials are checked (valid accepted, wrong password and expired username refused with 401), and
 * {@code denied-peer-ip} refuses permissions towards private and CGNAT peers with 403 while a public peer is allowed;
 * a second coturn without {@code denied-peer-ip} allows those peers, so the 403s are the setting's doing.
 * Needs root/netns/nft and coturn (see {@link NamespaceSupport}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoturnPolicyNamespaceTest {
    /** One address from each denied range; 10.1.0.2 is the probing host's own LAN address. */
    static final List<String> PRIVATE_PEERS = List.of("10.1.0.2", "100.64.0.1", "172.16.0.1", "192.168.1.1");
    /** The coordinator's address in the public namespace, and one that exists nowhere (the black-hole route). */
    static final List<String> PUBLIC_PEERS = List.of(TopologySpec.PUBLIC_IP_1, "203.0.113.50");

    private Topology topology;
    private Coturn coturn;
    private Topology.Site site;
    private final Map<StunTransport.Kind, JsonNode> valid = new EnumMap<>(StunTransport.Kind.class);
    private final Map<StunTransport.Kind, JsonNode> wrongPassword = new EnumMap<>(StunTransport.Kind.class);
    private final Map<StunTransport.Kind, JsonNode> expired = new EnumMap<>(StunTransport.Kind.class);
    private final Map<StunTransport.Kind, JsonNode> control = new EnumMap<>(StunTransport.Kind.class);

    @BeforeAll
    void startCoturnAndProbe() throws Exception {
        NamespaceSupport.require();
        NamespaceSupport.requireCommand("turnserver", "apt-get install -y --no-install-recommends coturn");
        SiteSpec home = new SiteSpec("home", List.of(NatBehaviour.nat(Mapping.EIM, Filtering.APDF)));
        topology = Topology.build(new TopologySpec(TopologySpec.defaultPrefix("turn"), List.of(home)));
        site = topology.site("home");
        Files.createDirectories(Path.of("target"));
        Path dir = Files.createTempDirectory(Path.of("target"), "coturn-policy-");
        coturn = Coturn.start(topology, TopologySpec.PUBLIC_IP_2, 3478, dir.resolve("matrix"));
        // Control: the same coturn without denied-peer-ip (on the other public address, so relay ports cannot clash).
        // When it allows the private peers, the first one's 403s are the setting's doing, not a coturn default.
        Coturn open = Coturn.start(topology, topology.publicNs(), TopologySpec.PUBLIC_IP_1, 3478, dir.resolve("control"),
                List.of());

        long inAnHour = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        long anHourAgo = Instant.now().minus(Duration.ofHours(1)).getEpochSecond();
        TurnProbes.Credential good = TurnProbes.Credential.of(coturn.secret(), inAnHour, "alice");
        TurnProbes.Credential wrong = new TurnProbes.Credential(good.username(),
                TurnProbes.Credential.of("not-" + coturn.secret(), inAnHour, "alice").password());
        // correctly signed, so the expiry is the only thing wrong with it
        TurnProbes.Credential old = TurnProbes.Credential.of(coturn.secret(), anHourAgo, "alice");
        List<String> peers = new ArrayList<>(PRIVATE_PEERS);
        peers.addAll(PUBLIC_PEERS);
        for (StunTransport.Kind k : StunTransport.Kind.values()) {
            valid.put(k, probe(k, coturn, good, peers));
            wrongPassword.put(k, probe(k, coturn, wrong, List.of()));
            expired.put(k, probe(k, coturn, old, List.of()));
            control.put(k, probe(k, open, TurnProbes.Credential.of(open.secret(), inAnHour, "alice"), PRIVATE_PEERS));
        }
    }

    @AfterAll
    void tearDown() {
        if (topology != null) topology.close();
    }

    /** Runs the probe against {@code server} from the site's host namespace (behind its NAT); its JSON line. */
    private JsonNode probe(StunTransport.Kind kind, Coturn server, TurnProbes.Credential c, List<String> peers)
            throws Exception {
        return TurnProbes.probe(topology, site.hostNs(), kind, server.ip(), server.port(), c, peers);
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void allocateWithValidRestCredentialGetsARelayedAddressOnTheTurnServer(StunTransport.Kind kind) {
        JsonNode n = valid.get(kind);
        assertEquals(401, n.path("challenge").path("code").asInt(), "first Allocate (no credentials) is challenged");
        assertEquals(Coturn.REALM, n.path("realm").asText());
        JsonNode a = n.path("allocate");
        assertEquals(200, a.path("code").asInt(), () -> "allocate: " + a);
        assertTrue(a.path("integrity").asBoolean(), "the success carries MESSAGE-INTEGRITY made with our key");
        String relayed = a.path("relayed").asText();
        assertTrue(relayed.startsWith(coturn.ip() + ":"), "relayed address in the public range on coturn: " + relayed);
        int port = Integer.parseInt(relayed.substring(relayed.indexOf(':') + 1));
        assertTrue(port >= 49152 && port <= 49352, "relay port from min-port..max-port: " + port);
        // the request really came through the site's NAT: coturn saw the router's WAN address, not 10.1.0.2
        assertTrue(a.path("mapped").asText().startsWith(site.publicIp() + ":"), "mapped: " + a.path("mapped"));
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void allocateWithWrongPasswordIsRefusedWith401(StunTransport.Kind kind) {
        JsonNode n = wrongPassword.get(kind);
        assertEquals(401, n.path("challenge").path("code").asInt());
        assertEquals(401, n.path("allocate").path("code").asInt(), () -> "allocate: " + n.path("allocate"));
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void allocateWithExpiredUsernameIsRefusedWith401(StunTransport.Kind kind) {
        JsonNode n = expired.get(kind);
        assertEquals(401, n.path("challenge").path("code").asInt());
        assertEquals(401, n.path("allocate").path("code").asInt(), () -> "allocate: " + n.path("allocate"));
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void createPermissionTowardsPrivateAndCgnatPeersIsRefusedWith403(StunTransport.Kind kind) {
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
    void withoutDeniedPeerIpTheSameCoturnAllowsThosePeers(StunTransport.Kind kind) {
        JsonNode n = control.get(kind);
        assertEquals(200, n.path("allocate").path("code").asInt(), () -> "allocate: " + n.path("allocate"));
        JsonNode perms = n.path("permissions");
        for (String peer : PRIVATE_PEERS) {
            assertEquals(200, perms.path(peer).path("code").asInt(), () -> peer + ": " + perms.path(peer));
        }
    }
}
