package dev.meshwire.nattest;

import dev.meshwire.nattest.topology.Topology;
import dev.meshwire.nattest.topology.TopologySpec;
import dev.meshwire.nattest.turn.Coturn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * coturn started exactly as the NAT matrix starts it ({@link Coturn#start(Topology, String, int, Path)}) holds the
 * {@link TurnPolicyContract}: {@code denied-peer-ip} refuses private and CGNAT peers with 403, and a second coturn
 * without {@code denied-peer-ip} (the control) allows them, so the 403s are the setting's doing.
 * Needs root/netns/nft and coturn (see {@link NamespaceSupport}).
 */
class CoturnPolicyNamespaceTest extends TurnPolicyContract {

    @Override
    List<String> privatePeers() {
        return List.of("10.1.0.2", "100.64.0.1", "172.16.0.1", "192.168.1.1");
    }

    @Override
    String realm() {
        return Coturn.REALM;
    }

    @BeforeAll
    void startCoturnAndProbe() throws Exception {
        NamespaceSupport.require();
        NamespaceSupport.requireCommand("turnserver", "apt-get install -y --no-install-recommends coturn");
        buildTopology("turn");
        Files.createDirectories(Path.of("target"));
        Path dir = Files.createTempDirectory(Path.of("target"), "coturn-policy-");
        Coturn coturn = Coturn.start(topology, TopologySpec.PUBLIC_IP_2, TURN_PORT, dir.resolve("matrix"));
        Coturn open = Coturn.start(topology, topology.publicNs(), TopologySpec.PUBLIC_IP_1, TURN_PORT, dir.resolve("control"),
                List.of());
        probeAll(coturn.secret(), open.secret());
    }
}
