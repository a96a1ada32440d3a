package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar has no NAT harness: {@code nat-test} points at the checkout's launcher, one line, exit 2. */
class NatTestCommandTest {
    @TempDir
    Path tmp;

    @Test
    void pointsAtTheCheckoutWithTheSameArguments() {
        CliResult r = run("--home", tmp.toString(), "nat-test", "--matrix", "full", "--turn", "none");
        assertEquals(ExitCodes.USAGE, r.code());
        CliErrorsTest.assertOneLine(r);
        assertTrue(r.err().contains("source checkout") && r.err().contains("./meshwire nat-test --matrix full --turn none")
                && r.err().contains("nat-test/run-matrix.sh"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void badOptionIsAUsageErrorToo() {
        CliResult r = run("nat-test", "--parallel", "many");
        assertEquals(ExitCodes.USAGE, r.code());
        CliErrorsTest.assertOneLine(r);
    }

    @Test
    void helpListsTheOptionsAndTheVerbIsListed() {
        CliResult r = run("nat-test", "--help");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        for (String o : new String[] {"--matrix", "--turn", "--only", "--messages", "--parallel", "--path-wait", "--json"}) {
            assertTrue(r.out().contains(o), o + " missing from: " + r.out());
        }
        assertTrue(run("--help").out().contains("nat-test"));
    }
}
