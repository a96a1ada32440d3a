package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.signaling.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code up} spawns a real detached daemon process; {@code status} sees it; {@code down} stops it. */
class DetachedDaemonTest {
    @TempDir
    Path tmp;

    @Test
    void upStatusDown() throws Exception {
        String home = tmp.resolve("home").toString();
        CliResult up = CliResult.run("--home", home, "up");
        assertEquals(ExitCodes.OK, up.code(), up.err());
        assertTrue(up.out().contains("daemon started"), up.out());
        // not silence while it boots: what is happening, then how long it took
        assertTrue(up.err().contains("meshwire: starting daemon…"), up.err());
        assertTrue(up.err().matches("(?s).*meshwire: daemon started in \\d+\\.\\d s\n.*"), up.err());
        long pid = Long.parseLong(Files.readString(MeshwireHome.at(Path.of(home)).pidFile()).trim());
        try {
            assertTrue(pid != ProcessHandle.current().pid());
            CliResult again = CliResult.run("--home", home, "up");
            assertTrue(again.out().contains("already running"), again.out());
            CliResult st = CliResult.run("--home", home, "status", "--json");
            JsonNode j = Json.MAPPER.readTree(st.out());
            assertTrue(j.path("daemon").path("running").asBoolean());
            assertEquals(pid, j.path("daemon").path("pid").asLong());
            CliResult down = CliResult.run("--home", home, "down");
            assertEquals(ExitCodes.OK, down.code(), down.err());
            await("daemon process exits", 15_000, () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertFalse(Files.exists(MeshwireHome.at(Path.of(home)).portFile()));
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
    }
}
