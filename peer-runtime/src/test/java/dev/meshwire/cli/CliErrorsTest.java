package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one line on stderr and a documented non-zero exit code, without a daemon. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertOneLine(Result r) {
        String e = r.err().strip();
        assertTrue(!e.isEmpty(), "expected an error line");
        assertEquals(1, e.lines().count(), "stderr should be one line: " + r.err());
        assertTrue(e.startsWith("meshwire: "), e);
        assertTrue(!e.contains("Exception") && !e.contains("\tat "), "no stack traces: " + e);
    }

    @Test
    void sendWithNoMeshesJoined() {
        Result r = run("--home", tmp.toString(), "send", "bob", "hi");
        assertEquals(Main.NOT_FOUND, r.code());
        assertOneLine(r);
        assertTrue(r.err().contains("no meshes joined"), r.err());
    }

    @Test
    void badPriority() {
        Result r = run("--home", tmp.toString(), "send", "bob", "hi", "--priority", "urgent");
        assertEquals(Main.USAGE, r.code());
        assertOneLine(r);
        assertTrue(r.err().contains("now, next, low"), r.err());
    }

    @Test
    void unknownOptionAndMissingArgument() {
        Result r = run("--home", tmp.toString(), "send", "--bogus");
        assertEquals(Main.USAGE, r.code());
        assertOneLine(r);
        Result r2 = run("--home", tmp.toString(), "send");
        assertEquals(Main.USAGE, r2.code());
        assertOneLine(r2);
    }

    @Test
    void corruptInvite() {
        Result r = run("--home", tmp.toString(), "join", "mw1.not-an-invite");
        assertEquals(Main.USAGE, r.code());
        assertOneLine(r);
        Result r2 = run("--home", tmp.toString(), "join", "hello");
        assertEquals(Main.USAGE, r2.code());
        assertTrue(r2.err().contains("not a meshwire invite"), r2.err());
    }

    @Test
    void badMeshNameAndCoordinatorUrl() {
        Result r = run("--home", tmp.toString(), "mesh", "create", "Bad Name!", "--coordinator", "ws://127.0.0.1:1");
        assertEquals(Main.USAGE, r.code());
        assertOneLine(r);
        Result r2 = run("--home", tmp.toString(), "mesh", "create", "good", "--coordinator", "ftp://x");
        assertEquals(Main.USAGE, r2.code());
        assertOneLine(r2);
    }

    @Test
    void badInviteExpiry() {
        Result r = run("--home", tmp.toString(), "invite", "--expires", "soon");
        assertEquals(Main.USAGE, r.code());
        assertOneLine(r);
    }

    @Test
    void statusWithoutDaemonIsFineAndJsonIsStable() {
        Result r = run("--home", tmp.toString(), "status", "--json");
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("\"running\" : false"), r.out());
        assertTrue(r.out().contains("\"meshes\""), r.out());
    }
}
