package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one line on stderr and a documented non-zero exit code, without a daemon. */
class CliErrorsTest {
    @TempDir
    Path tmp;


    static void assertOneLine(CliResult r) {
        String e = r.err().strip();
        assertTrue(!e.isEmpty(), "expected an error line");
        assertEquals(1, e.lines().count(), "stderr should be one line: " + r.err());
        assertTrue(e.startsWith("meshwire: "), e);
        assertTrue(!e.contains("Exception") && !e.contains("\tat "), "no stack traces: " + e);
    }

    @Test
    void meshStateVerbsRefuseBadInputWithoutADaemon() {
        String home = tmp.toString();
        for (String[] args : new String[][] {{"expire", "bob"}, {"expire", "bob", "--in", "7d", "--never"}, {"revoke"},
                {"role", "bob"}, {"rename"}}) {
            CliResult r = run(java.util.stream.Stream.concat(java.util.stream.Stream.of("--home", home), java.util.Arrays.stream(args))
                    .toArray(String[]::new));
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", args) + ": " + r.err());
            assertOneLine(r);
        }
        CliResult at = run("--home", home, "expire", "bob", "--at", "next tuesday");
        assertEquals(ExitCodes.USAGE, at.code());
        assertTrue(at.err().contains("ISO 8601"), at.err());
        for (String[] args : new String[][] {{"members"}, {"mesh", "log"}, {"revoke", "bob"}, {"rename", "bobby"}}) {
            CliResult r = run(java.util.stream.Stream.concat(java.util.stream.Stream.of("--home", home), java.util.Arrays.stream(args))
                    .toArray(String[]::new));
            assertEquals(ExitCodes.NOT_FOUND, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains("no meshes joined"), r.err());
        }
        for (String[] verb : new String[][] {{"members"}, {"mesh", "log"}, {"revoke"}, {"role"}, {"expire"}, {"rename"}}) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(verb), java.util.stream.Stream.of("--help"))
                    .toArray(String[]::new);
            CliResult r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().contains("Usage: meshwire " + String.join(" ", verb)), r.out());
        }
    }

    @Test
    void sendWithNoMeshesJoined() {
        CliResult r = run("--home", tmp.toString(), "send", "bob", "hi");
        assertEquals(ExitCodes.NOT_FOUND, r.code());
        assertOneLine(r);
        assertTrue(r.err().contains("no meshes joined"), r.err());
    }

    @Test
    void turnWithoutSecretOrWithBadUrlIsAUsageError() throws Exception {
        CliResult r = run("--home", tmp.toString(), "coordinator", "--listen", "127.0.0.1:0", "--data", tmp.resolve("c").toString(),
                "--no-stun", "--turn-url", "turn:127.0.0.1:3478");
        assertEquals(ExitCodes.USAGE, r.code());
        assertOneLine(r);
        assertTrue(r.err().contains("shared secret"), r.err());
        CliResult bad = run("--home", tmp.toString(), "coordinator", "--listen", "127.0.0.1:0", "--data", tmp.resolve("c").toString(),
                "--no-stun", "--turn-url", "stun:127.0.0.1:3478", "--turn-secret-file",
                java.nio.file.Files.writeString(tmp.resolve("turn-secret"), "s3cret").toString());
        assertEquals(ExitCodes.USAGE, bad.code());
        assertOneLine(bad);
        assertTrue(bad.err().contains("turn:"), bad.err());
    }

    @Test
    void badAdmissionFlagsAreUsageErrors() {
        String[][] cases = {
                {"--max-unauthenticated", "0", "maxUnauthenticated must be at least 1 (got 0)"},
                {"--max-unauthenticated-per-address", "-3", "maxPerAddress must be at least 1 (got -3)"},
                {"--auth-timeout", "5x", "duration must look like"},
                {"--health-listen", "nohost", "--health-listen must be HOST:PORT (got 'nohost')"},
                {"--health-max-connections", "0", "healthMaxConnections must be at least 1 (got 0)"}};
        for (String[] c : cases) {
            CliResult r = run("--home", tmp.toString(), "coordinator", "--listen", "127.0.0.1:0", "--data", tmp.resolve("c").toString(),
                    "--no-stun", c[0], c[1]);
            assertEquals(ExitCodes.USAGE, r.code(), c[0] + ": " + r.err());
            assertOneLine(r);
            assertTrue(r.err().contains(c[2]), c[0] + ": " + r.err());
        }
    }

    @Test
    void everyVerbAnswersHelpWithItsUsage() {
        // usage errors say "see 'meshwire send --help'", so that must work for every verb and sub-verb
        for (String[] verb : new String[][] {{"send"}, {"inbox"}, {"peers"}, {"mesh", "create"}, {"outbox", "requeue"}, {"join"}}) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(verb), java.util.stream.Stream.of("--help"))
                    .toArray(String[]::new);
            CliResult r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().contains("Usage: meshwire " + String.join(" ", verb)), r.out());
        }
    }

    @Test
    void badPriority() {
        CliResult r = run("--home", tmp.toString(), "send", "bob", "hi", "--priority", "urgent");
        assertEquals(ExitCodes.USAGE, r.code());
        assertOneLine(r);
        assertTrue(r.err().contains("now, next, low"), r.err());
    }

    @Test
    void unknownOptionAndMissingArgument() {
        CliResult r = run("--home", tmp.toString(), "send", "--bogus");
        assertEquals(ExitCodes.USAGE, r.code());
        assertOneLine(r);
        CliResult r2 = run("--home", tmp.toString(), "send");
        assertEquals(ExitCodes.USAGE, r2.code());
        assertOneLine(r2);
    }

    @Test
    void corruptInvite() {
        CliResult r = run("--home", tmp.toString(), "join", "mw1.not-an-invite");
        assertEquals(ExitCodes.USAGE, r.code());
        assertOneLine(r);
        CliResult r2 = run("--home", tmp.toString(), "join", "hello");
        assertEquals(ExitCodes.USAGE, r2.code());
        assertTrue(r2.err().contains("not a meshwire invite"), r2.err());
    }

    @Test
    void badMeshNameAndCoordinatorUrl() {
        CliResult r = run("--home", tmp.toString(), "mesh", "create", "Bad Name!", "--coordinator", "ws://127.0.0.1:1");
        assertEquals(ExitCodes.USAGE, r.code());
        assertOneLine(r);
        CliResult r2 = run("--home", tmp.toString(), "mesh", "create", "good", "--coordinator", "ftp://x");
        assertEquals(ExitCodes.USAGE, r2.code());
        assertOneLine(r2);
    }

    @Test
    void badInviteExpiry() {
        CliResult r = run("--home", tmp.toString(), "invite", "--expires", "soon");
        assertEquals(ExitCodes.USAGE, r.code());
        assertOneLine(r);
    }

    @Test
    void statusWithoutDaemonIsFineAndJsonIsStable() {
        CliResult r = run("--home", tmp.toString(), "status", "--json");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertTrue(r.out().contains("\"running\" : false"), r.out());
        assertTrue(r.out().contains("\"meshes\""), r.out());
    }
}
