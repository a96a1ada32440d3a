package dev.meshwire.nattest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshwire.nattest.matrix.NatMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the quick NAT matrix as CI does -- {@code --turn meshwire}, the default: 5 cells, real daemons and the
 * coordinator with its embedded TURN server in namespaces; about 65 s -- and expects every cell OK: exact counts both
 * ways, no duplicates, outcome consistent with what the NATs allow, and the exact predicted path class. The cells
 * that must end on TURN must also show the embedded server's own evidence (allocations, and TCP clients where UDP is
 * blocked), so a TURN label cannot come from anywhere else.
 * Needs root/netns/nft (see {@link NamespaceSupport}); skipped with a reason when the packaged
 * {@code peer-runtime/target/meshwire.jar} is missing (the reactor builds nat-test independently of peer-runtime).
 * Reports go to target/matrix-report.
 */
class NatMatrixQuickTest {
    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS)
    void quickMatrixPasses() throws Exception {
        NamespaceSupport.require();
        Path jar = Path.of("../peer-runtime/target/meshwire.jar");
        assumeTrue(Files.isRegularFile(jar), jar + " missing (mvn -DskipTests package at the root): quick matrix skipped");
        int exit = NatMatrix.run(new String[] {"--jar", jar.toString(), "--classes", "target/classes",
                "--report-dir", "target/matrix-report", "--work", "target/matrix-test-work", "quick", "--turn", "meshwire"});
        assertEquals(0, exit, "quick matrix failed; see target/matrix-report/matrix-quick.md and target/matrix-test-work");
        // Beyond "agrees with physics": each cell must end on exactly the predicted path class (direct host for flat
        // hosts, direct srflx|prflx for the cones, TURN for symmetric, TURN over TCP when UDP is blocked).
        JsonNode report = new ObjectMapper().readTree(Path.of("target/matrix-report/matrix-quick.json").toFile());
        for (JsonNode cell : report.path("cells")) {
            assertTrue(cell.path("expectedMatch").asBoolean(), cell.path("id").asText() + " ended on "
                    + cell.path("pathAtoB").asText() + " / " + cell.path("pathBtoA").asText() + ", expected "
                    + cell.path("expected").asText());
        }
        assertEquals(5, report.path("cells").size());
        assertEquals("meshwire", report.path("turnServer").asText());
        for (JsonNode cell : report.path("cells")) {
            String id = cell.path("id").asText();
            if (!cell.path("pathAtoB").asText().startsWith("turn")) continue;
            assertTrue(cell.path("turnAllocations").asInt() > 0, id + ": on TURN, but the embedded server made no allocation");
            if (id.startsWith("udpblocked")) {
                assertTrue(cell.path("turnTcpClients").asInt() > 0, id + ": UDP is blocked, but the server had no TCP client");
            }
        }
    }
}
