package dev.meshwire.nattest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshwire.nattest.matrix.CoordinatorProcess;
import dev.meshwire.nattest.matrix.TurnChoice;
import dev.meshwire.nattest.matrix.TurnEvidence;
import dev.meshwire.nattest.topology.TopologySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * meshwire's own TURN server, embedded in the coordinator and started exactly as the NAT matrix starts it with
 * {@code --turn meshwire} (no TURN flag but the port and relay range), holds the {@link TurnPolicyContract} with the
 * REST credentials of the coordinator's generated secret: its default peer policy refuses private, CGNAT, loopback
 * and link-local peers with 403 with no configuration, where coturn needs {@code denied-peer-ip}
 * ({@link CoturnPolicyNamespaceTest}).
 * A second coordinator with {@code --turn-allow-peer} for those blocks (and {@code --turn-allow-loopback-peers})
 * permits the same peers, so the 403s are the policy's doing and the overrides work.
 * Needs root/netns/nft (see {@link NamespaceSupport}); skipped when {@code peer-runtime/target/meshwire.jar} is missing.
 */
class MeshwireTurnPolicyNamespaceTest extends TurnPolicyContract {
    static final List<String> ALLOW_FLAGS = List.of("--turn-allow-peer", "10.0.0.0/8", "--turn-allow-peer", "100.64.0.0/10",
            "--turn-allow-peer", "172.16.0.0/12", "--turn-allow-peer", "192.168.0.0/16", "--turn-allow-peer", "169.254.0.0/16",
            "--turn-allow-loopback-peers");
    static final int COORD_PORT = 7600;
    static final String RELAY_PORTS = "49152-49352";

    private String metricsAfter;

    /** One address from each block the default policy refuses, loopback and link-local included. */
    @Override
    List<String> privatePeers() {
        return List.of("10.1.0.2", "100.64.0.1", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.1.1");
    }

    @Override
    String realm() {
        return "meshwire";
    }

    @BeforeAll
    void startCoordinatorsAndProbe() throws Exception {
        NamespaceSupport.require();
        Path jar = Path.of("../peer-runtime/target/meshwire.jar").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(jar), jar + " missing (mvn -DskipTests package at the root): test skipped");
        buildTopology("mwturn");
        Files.createDirectories(Path.of("target"));
        Path dir = Files.createTempDirectory(Path.of("target"), "meshwire-turn-policy-").toAbsolutePath();
        List<String> matrixFlags = CoordinatorProcess.iceFlags(TurnChoice.MESHWIRE, TURN_PORT, RELAY_PORTS, -1, List.of(), null);
        CoordinatorProcess coordinator = CoordinatorProcess.start(topology, topology.publicNs(), jar, TopologySpec.PUBLIC_IP_2,
                COORD_PORT, dir.resolve("matrix"), matrixFlags);
        // Control: the same server with the overrides, on the other public address (its relay ports cannot clash).
        List<String> openFlags = new ArrayList<>(matrixFlags);
        openFlags.addAll(ALLOW_FLAGS);
        CoordinatorProcess open = CoordinatorProcess.start(topology, topology.publicNs(), jar, TopologySpec.PUBLIC_IP_1,
                COORD_PORT, dir.resolve("control"), openFlags);
        probeAll(coordinator.turnSecret(), open.turnSecret());
        metricsAfter = coordinator.metrics(topology, topology.publicNs(), Path.of("target/classes").toAbsolutePath());
    }

    /** The server's own account agrees: two allocations (UDP, TCP), and every refused peer counted as such. */
    @Test
    void metricsCountTheAllocationsAndTheRefusedPeers() {
        assertNotNull(metricsAfter, "the coordinator's /metrics could be read");
        assertEquals(2, TurnEvidence.fromMetrics(metricsAfter).allocations(), metricsAfter);
        long peerDenied = metricsAfter.lines()
                .filter(l -> l.startsWith("meshwire_turn_refusals_total{") && l.contains("\"peer_denied\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertEquals(2L * privatePeers().size(), peerDenied, metricsAfter);
    }
}
