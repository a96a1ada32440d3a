package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    void leaveBansAndMeshRmNeedAJoinedMeshAndStartNoDaemon() {
        String home = tmp.toString();
        for (String[] args : new String[][] {{"leave"}, {"bans"}, {"mesh", "rm", "team"}}) {
            CliResult r = run(java.util.stream.Stream.concat(java.util.stream.Stream.of("--home", home), java.util.Arrays.stream(args))
                    .toArray(String[]::new));
            assertEquals(ExitCodes.NOT_FOUND, r.code(), String.join(" ", args) + ": " + r.err());
            assertOneLine(r);
            assertTrue(!r.err().contains("starting daemon"), r.err());
        }
        CliResult list = run("--home", home, "mesh", "list");
        assertEquals(ExitCodes.OK, list.code(), list.err());
        assertTrue(list.out().contains("no meshes joined"), list.out());
        assertEquals("{\n  \"items\" : [ ]\n}", run("--home", home, "mesh", "list", "--json").out().strip());
        CliResult rm = run("--home", home, "mesh", "rm");
        assertEquals(ExitCodes.USAGE, rm.code());
        assertOneLine(rm);
        for (String[] verb : new String[][] {{"leave"}, {"bans"}, {"mesh", "list"}, {"mesh", "rm"}}) {
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
                "--no-stun", "--turn-url", "stun:127.0.0.1:3478", "--turn-secret-file", privateFile("turn-secret", "s3cret").toString());
        assertEquals(ExitCodes.USAGE, bad.code());
        assertOneLine(bad);
        assertTrue(bad.err().contains("turn:"), bad.err());
    }

    /** A 0600 file with {@code content}. */
    private Path privateFile(String name, String content) throws java.io.IOException {
        Path f = tmp.resolve(name);
        java.nio.file.Files.writeString(f, content);
        java.nio.file.Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void badTurnServerFlagsAreUsageErrorsInBothVerbs() throws Exception {
        Path secret = privateFile("secret", "s3cret");
        String[][] cases = {
                {"--turn-relay-ports", "6000-5000", "--turn-relay-ports must look like 49152-65535"},
                {"--turn-relay-ports", "0-70000", "--turn-relay-ports must look like 49152-65535"},
                {"--turn-allow-peer", "10.0.0.0/33", "--turn-allow-peer: prefix length out of range in '10.0.0.0/33'"},
                {"--turn-deny-peer", "example.com", "--turn-deny-peer: not an IP address or CIDR: 'example.com'"},
                {"--turn-relay-ip", "relay.example", "--turn-relay-ip must be an IP address, got 'relay.example'"},
                {"--turn-external-ip", "203.0.113.0/24", "--turn-external-ip must be an IP address"},
                {"--turn-max-bps", "1GB", "--turn-max-bps must look like 262144, 512KiB or 8MiB (got '1GB')"},
                {"--turn-user-quota", "0", "--turn-user-quota must be at least 1 (got 0)"},
                {"--turn-tls-port", "5349", "--turn-tls-port needs --turn-tls-cert FILE and --turn-tls-key FILE"},
                {"--turn-tls-cert", "/nonexistent.pem", "--turn-tls-cert and --turn-tls-key need --turn-tls-port"}};
        for (String[] c : cases) {
            CliResult coord = run("--home", tmp.toString(), "coordinator", "--listen", "127.0.0.1:0", "--data", tmp.resolve("c").toString(),
                    "--turn-port", "0", c[0], c[1]);
            assertEquals(ExitCodes.USAGE, coord.code(), "coordinator " + c[0] + ": " + coord.err());
            assertOneLine(coord);
            assertTrue(coord.err().contains(c[2]), "coordinator " + c[0] + ": " + coord.err());
            CliResult turn = run("--home", tmp.toString(), "turn", "--listen", "127.0.0.1:0", "--secret-file", secret.toString(), c[0], c[1]);
            assertEquals(ExitCodes.USAGE, turn.code(), "turn " + c[0] + ": " + turn.err());
            assertOneLine(turn);
            assertTrue(turn.err().contains(c[2]), "turn " + c[0] + ": " + turn.err());
        }
    }

    @Test
    void contradictoryCoordinatorTurnFlagsAreUsageErrors() throws Exception {
        Path secret = privateFile("secret", "s3cret");
        String[][] cases = {
                {"--no-turn --turn-url turn:127.0.0.1:3478 --turn-secret-file " + secret, "--no-turn and --turn-url contradict each other"},
                {"--turn-transports quic", "unknown TURN transport 'quic' (use udp, tcp or tls)"},
                {"--turn-transports tls", "--turn-transports tls needs --turn-tls-port"},
                {"--no-turn --turn-transports tcp", "does not go with --no-turn"}};
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("--home", tmp.toString(), "coordinator", "--listen", "127.0.0.1:0",
                    "--data", tmp.resolve("c").toString(), "--turn-port", "0"));
            args.addAll(List.of(c[0].split(" ")));
            CliResult r = run(args.toArray(String[]::new));
            assertEquals(ExitCodes.USAGE, r.code(), c[0] + ": " + r.err());
            assertOneLine(r);
            assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
        }
    }

    @Test
    void turnVerbRefusesAMissingEmptyOrOpenSecretFile() throws Exception {
        CliResult none = run("--home", tmp.toString(), "turn", "--listen", "127.0.0.1:0");
        assertEquals(ExitCodes.USAGE, none.code(), none.err());
        assertOneLine(none);
        assertTrue(none.err().contains("--secret-file"), none.err());

        CliResult missing = run("--home", tmp.toString(), "turn", "--listen", "127.0.0.1:0", "--secret-file", tmp.resolve("nope").toString());
        assertEquals(ExitCodes.USAGE, missing.code());
        assertOneLine(missing);
        assertTrue(missing.err().contains("nope: no such file"), missing.err());

        Path empty = privateFile("empty", "  \n");
        CliResult e = run("--home", tmp.toString(), "turn", "--listen", "127.0.0.1:0", "--secret-file", empty.toString());
        assertEquals(ExitCodes.USAGE, e.code());
        assertOneLine(e);
        assertTrue(e.err().contains("is empty"), e.err());

        Path open = privateFile("open", "s3cret");
        java.nio.file.Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        CliResult o = run("--home", tmp.toString(), "turn", "--listen", "127.0.0.1:0", "--secret-file", open.toString());
        assertEquals(ExitCodes.USAGE, o.code());
        assertOneLine(o);
        assertTrue(o.err().contains("is open to group or others (rw-r--r--); run: chmod 600 " + open), o.err());

        CliResult badListen = run("--home", tmp.toString(), "turn", "--listen", "3478", "--secret-file", privateFile("s2", "x").toString());
        assertEquals(ExitCodes.USAGE, badListen.code());
        assertOneLine(badListen);
        assertTrue(badListen.err().contains("--listen must be HOST:PORT (got '3478')"), badListen.err());
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
    void statusWithoutDaemonExits3AndJsonIsStable() {
        CliResult r = run("--home", tmp.toString(), "status", "--json");
        assertEquals(ExitCodes.NO_DAEMON, r.code(), r.err()); // docs/cli.md: status exits 3 when the daemon is not running
        assertTrue(r.out().contains("\"running\" : false"), r.out());
        assertTrue(r.out().contains("\"meshes\""), r.out());
    }
}
