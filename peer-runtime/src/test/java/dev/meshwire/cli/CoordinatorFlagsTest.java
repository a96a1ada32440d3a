package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code meshwire coordinator} refuses a bad send rate limit with a clear message, before it starts anything. */
class CoordinatorFlagsTest {
    @TempDir
    Path tmp;

    @Test
    void aBadSendRateOrBurstIsRefusedByName() {
        for (String[] bad : new String[][] {{"--send-rate", "fast"}, {"--send-rate", "-1/s"}, {"--send-burst", "0"}}) {
            CliResult r = CliResult.run("coordinator", "--data", tmp.toString(), "--listen", "127.0.0.1:0", "--no-stun", "--no-turn", bad[0], bad[1]);
            assertNotEquals(0, r.code(), String.join(" ", bad));
            assertTrue(r.err().contains(bad[0]), r.err());
        }
    }
}
