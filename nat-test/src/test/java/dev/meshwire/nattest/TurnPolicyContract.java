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
import dev.meshwire.nattest.turn.StunTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What any TURN server the NAT matrix hands out must do, probed by {@code TurnProbe} (its own JVM, ice4j's codec)
 * from the host of a site behind a NAT, over UDP and TCP: the REST credentials from the shared secret are accepted,
 * a wrong password and an expired username get 401, permissions towards {@link #privatePeers()} get 403 while
 * {@link #PUBLIC_PEERS} are permitted, and a second instance of the same server told to allow those peers (the
 * control) permits them, so the 403s come from the policy. A subclass starts the two servers and calls
 * {@link #probeAll}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TurnPolicyContract {
    /** The other public address of the namespace, and one that exists nowhere (the black-hole route). */
    static final List<String> PUBLIC_PEERS = List.of(TopologySpec.PUBLIC_IP_1, "203.0.113.50");
    static final int TURN_PORT = 3478;

    protected Topology topology;
    protected Topology.Site site;
    private final Map<StunTransport.Kind, JsonNode> valid = new EnumMap<>(StunTransport.Kind.class);
    private final Map<StunTransport.Kind, JsonNode> wrongPassword = new EnumMap<>(StunTransport.Kind.class);
    private final Map<StunTransport.Kind, JsonNode> expired = new EnumMap<>(StunTransport.Kind.class);
    private final Map<StunTransport.Kind, JsonNode> control = new EnumMap<>(StunTransport.Kind.class);

    /** Peers the server under test must refuse; 10.1.0.2 is the probing host's own LAN address. */
    abstract List<String> privatePeers();

    /** The REALM the server announces. */
    abstract String realm();

    /** One site, "home", behind an endpoint-independent-mapping, address-and-port-dependent-filtering NAT. */
    protected void buildTopology(String prefix) {
        SiteSpec home = new SiteSpec("home", List.of(NatBehaviour.nat(Mapping.EIM, Filtering.APDF)));
        topology = Topology.build(new TopologySpec(TopologySpec.defaultPrefix(prefix), List.of(home)));
        site = topology.site("home");
    }

    /**
     * Probes the server under test on {@link TopologySpec#PUBLIC_IP_2} with a good, a wrongly signed and an expired
     * credential, and the control on {@link TopologySpec#PUBLIC_IP_1}, over every transport.
     */
    protected void probeAll(String secret, String controlSecret) throws Exception {
        long inAnHour = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        long anHourAgo = Instant.now().minus(Duration.ofHours(1)).getEpochSecond();
        TurnProbes.Credential good = TurnProbes.Credential.of(secret, inAnHour, "alice");
        TurnProbes.Credential wrong = new TurnProbes.Credential(good.username(),
                TurnProbes.Credential.of("not-" + secret, inAnHour, "alice").password());
        // correctly signed, so the expiry is the only thing wrong with it
        TurnProbes.Credential old = TurnProbes.Credential.of(secret, anHourAgo, "alice");
        List<String> peers = new ArrayList<>(privatePeers());
        peers.addAll(PUBLIC_PEERS);
        for (StunTransport.Kind k : StunTransport.Kind.values()) {
            valid.put(k, probe(k, TopologySpec.PUBLIC_IP_2, good, peers));
            wrongPassword.put(k, probe(k, TopologySpec.PUBLIC_IP_2, wrong, List.of()));
            expired.put(k, probe(k, TopologySpec.PUBLIC_IP_2, old, List.of()));
            control.put(k, probe(k, TopologySpec.PUBLIC_IP_1, TurnProbes.Credential.of(controlSecret, inAnHour, "alice"),
                    privatePeers()));
        }
    }

    private JsonNode probe(StunTransport.Kind kind, String ip, TurnProbes.Credential c, List<String> peers) throws Exception {
        return TurnProbes.probe(topology, site.hostNs(), kind, ip, TURN_PORT, c, peers);
    }

    @AfterAll
    void tearDown() {
        if (topology != null) topology.close();
    }

    @ParameterizedTest(name = "over {0}")
    @EnumSource(StunTransport.Kind.class)
    void allocateWithValidRestCredentialGetsARelayedAddressOnTheTurnAddress(StunTransport.Kind kind) {
        JsonNode n = valid.get(kind);
        assertEquals(401, n.path("challenge").path("code").asInt(), () -> "first Allocate (no credentials) is challenged: " + n);
        assertEquals(realm(), n.path("realm").asText());
        JsonNode a = n.path("allocate");
        assertEquals(200, a.path("code").asInt(), () -> "allocate: " + a);
        assertTrue(a.path("integrity").asBoolean(), "the success carries MESSAGE-INTEGRITY made with our key");
        String relayed = a.path("relayed").asText();
        assertTrue(relayed.startsWith(TopologySpec.PUBLIC_IP_2 + ":"), "relayed address on the TURN address: " + relayed);
        int port = Integer.parseInt(relayed.substring(relayed.indexOf(':') + 1));
        assertTrue(port >= 49152 && port <= 49352, "relay port from the matrix's relay range: " + port);
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
    void createPermissionTowardsPrivatePeersIsRefusedWith403(StunTransport.Kind kind) {
        JsonNode perms = valid.get(kind).path("permissions");
        for (String peer : privatePeers()) {
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
    void theControlServerToldToAllowThosePeersPermitsThem(StunTransport.Kind kind) {
        JsonNode n = control.get(kind);
        assertEquals(200, n.path("allocate").path("code").asInt(), () -> "allocate: " + n.path("allocate"));
        JsonNode perms = n.path("permissions");
        for (String peer : privatePeers()) {
            assertEquals(200, perms.path(peer).path("code").asInt(), () -> peer + ": " + perms.path(peer));
        }
    }
}
