package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.TestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code install-service} writes units that {@code systemd-analyze verify} accepts without a single complaint, pinned to
 * absolute paths and hardened; {@code uninstall-service} removes only what it wrote. Nothing is started.
 */
class InstallServiceTest {
    @TempDir
    Path tmp;

    /** systemd-analyze's verdict: exit code and everything it printed (warnings too). */
    static String verify(Path unit) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(analyze)) TestSupport.skipOrFail("systemd-analyze is not installed");
        Process p = new ProcessBuilder(analyze.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theDaemonUnitVerifiesAndIsPinnedAndHardened() throws Exception {
        Path units = tmp.resolve("units");
        Path home = tmp.resolve("home");
        CliResult r = run("--home", home.toString(), "install-service", "--system", "--unit-dir", units.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        Path unit = units.resolve("meshwire.service");
        assertTrue(r.out().contains("wrote " + unit), r.out());
        assertTrue(r.out().contains("systemctl daemon-reload && systemctl enable --now meshwire.service"), r.out());
        String text = Files.readString(unit);
        String exec = text.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertTrue(exec.startsWith("ExecStart=/"), "absolute JVM path: " + exec);
        assertTrue(exec.endsWith("--home " + home + " up --foreground"), exec);
        for (String d : List.of("NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=" + home, "PrivateTmp=" + (home.startsWith("/tmp") ? "no" : "yes"),
                "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK", "CapabilityBoundingSet=\n", "UMask=0077", "User=")) {
            assertTrue(text.contains(d), d + " in\n" + text);
        }
        assertEquals("", verify(unit), "systemd-analyze has no complaint");

        CliResult down = run("--home", home.toString(), "uninstall-service", "--system", "--unit-dir", units.toString());
        assertEquals(ExitCodes.OK, down.code(), down.err());
        assertFalse(Files.exists(unit));
        CliResult again = run("--home", home.toString(), "uninstall-service", "--system", "--unit-dir", units.toString());
        assertEquals(ExitCodes.NOT_FOUND, again.code());
    }

    @Test
    void theCoordinatorUnitTakesItsFlagsAndAnAbsoluteDataDirectory() throws Exception {
        Path units = tmp.resolve("units");
        CliResult r = run("install-service", "--user", "--unit-dir", units.toString(), "--coordinator",
                "--listen", "0.0.0.0:7600", "--data", tmp.resolve("coord-data").toString(), "--public-url", "wss://example.org/ws");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        Path unit = units.resolve("meshwire-coordinator.service");
        String text = Files.readString(unit);
        assertTrue(text.contains(" coordinator --listen 0.0.0.0:7600 --data " + tmp.resolve("coord-data") + " --public-url wss://example.org/ws\n"), text);
        assertTrue(text.contains("ReadWritePaths=" + tmp.resolve("coord-data")), text);
        assertTrue(text.contains("WantedBy=default.target"), text);
        assertFalse(text.contains("User="), "a user unit runs as its user");
        assertEquals("", verify(unit));
    }

    @Test
    void aUnitNotWrittenByMeshwireIsNotRemovedAndStrayArgumentsAreRefused() throws Exception {
        Path units = Files.createDirectories(tmp.resolve("units"));
        Files.writeString(units.resolve("meshwire.service"), "[Unit]\nDescription=someone else's\n");
        CliResult r = run("uninstall-service", "--unit-dir", units.toString());
        assertEquals(ExitCodes.USAGE, r.code());
        CliErrorsTest.assertOneLine(r);
        assertTrue(Files.exists(units.resolve("meshwire.service")));
        CliResult stray = run("install-service", "--unit-dir", units.toString(), "--listen", "x");
        assertEquals(ExitCodes.USAGE, stray.code());
        CliErrorsTest.assertOneLine(stray);
    }

    @Test
    void execWordsAreQuotedForSystemd() {
        assertEquals("/opt/meshwire/meshwire.jar", ServiceUnit.quote("/opt/meshwire/meshwire.jar"));
        assertEquals("\"/opt/my dir/x.jar\"", ServiceUnit.quote("/opt/my dir/x.jar"));
        assertEquals("100%%", ServiceUnit.quote("100%"));
        assertEquals("\"a$$b \\\"c\\\"\"", ServiceUnit.quote("a$b \"c\""));
    }
}
