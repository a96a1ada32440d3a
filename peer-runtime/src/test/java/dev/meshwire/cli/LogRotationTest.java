package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link LogSetup#toFile}: the log rotates by size and keeps N files; java.util.logging (ice4j's) lands in the same
 * file; the configured level holds for meshwire's loggers while other libraries stay at warn.
 */
class LogRotationTest {
    @TempDir
    Path tmp;

    @AfterEach
    void backToQuiet() {
        LogSetup.quiet();
    }

    @Test
    void rotatesBySizeKeepingNFiles() throws Exception {
        Path log = tmp.resolve("daemon.log");
        LogSetup.toFile("info", log, 2048, 3);
        org.slf4j.Logger l = LoggerFactory.getLogger("dev.meshwire.test.Rotation");
        String line = "x".repeat(200);
        long[] n = {0};
        // logback checks the size at most every few milliseconds: log until the window is full, with a deadline
        await("daemon.log.3 exists", 30_000, () -> {
            for (int i = 0; i < 50; i++) l.info("line {} {}", n[0]++, line);
            return Files.exists(tmp.resolve("daemon.log.3"));
        });
        for (int i = 0; i < 200; i++) l.info("more {} {}", n[0]++, line);
        assertTrue(Files.exists(log));
        assertTrue(Files.exists(tmp.resolve("daemon.log.1")) && Files.exists(tmp.resolve("daemon.log.2")));
        assertFalse(Files.exists(tmp.resolve("daemon.log.4")), "only 3 rotated files are kept");
        // a rotated file is about the limit, not the whole history
        assertTrue(Files.size(tmp.resolve("daemon.log.1")) < 64 * 1024, "rotated file size " + Files.size(tmp.resolve("daemon.log.1")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tmp.resolve("daemon.log.1"))), "a rotated file keeps the log's mode");
    }

    @Test
    void julRecordsAndLevelsGoThroughTheSameLogger() throws Exception {
        Path log = tmp.resolve("coordinator.log");
        LogSetup.toFile("debug", log, 10 << 20, 2);
        java.util.logging.Logger.getLogger("org.ice4j.stack.StunStack").warning("jul warning reaches the file");
        java.util.logging.Logger.getLogger("org.ice4j.stack.StunStack").info("jul info stays out (libraries at warn)");
        LoggerFactory.getLogger("dev.meshwire.test.Levels").debug("meshwire debug is in");
        LoggerFactory.getLogger("io.vertx.core.Whatever").info("library info stays out");
        String text = Files.readString(log);
        assertTrue(text.contains("WARN  org.ice4j.stack.StunStack - jul warning reaches the file"), text);
        assertTrue(text.contains("meshwire debug is in"), text);
        assertFalse(text.contains("jul info stays out"), text);
        assertFalse(text.contains("library info stays out"), text);
        assertFalse(java.util.logging.Logger.getLogger("org.ice4j.x").isLoggable(Level.INFO), "JUL levels follow logback's (no cost when off)");
    }

    @Test
    void aCoordinatorProcessLogsToItsLogFileAndRefusesBadLogFlags() throws Exception {
        CliResult keep = CliResult.run("coordinator", "--data", tmp.resolve("d").toString(), "--log-keep", "50", "--log-file", tmp.resolve("x.log").toString());
        assertEquals(ExitCodes.USAGE, keep.code());
        CliErrorsTest.assertOneLine(keep);
        assertTrue(keep.err().contains("--log-keep must be between 1 and 20 (got 50)"), keep.err());
        CliResult level = CliResult.run("coordinator", "--data", tmp.resolve("d").toString(), "--log-level", "loud");
        assertEquals(ExitCodes.USAGE, level.code());
        assertTrue(level.err().contains("--log-level must be error, warn, info, debug or trace (got 'loud')"), level.err());

        Path log = tmp.resolve("coordinator.log");
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(jvm, "-cp", System.getProperty("java.class.path"), "dev.meshwire.cli.Main", "coordinator",
                "--listen", "127.0.0.1:0", "--no-stun", "--data", tmp.resolve("coord").toString(), "--log-file", log.toString(),
                "--log-max-size", "4KiB", "--log-keep", "2").redirectErrorStream(true).redirectOutput(tmp.resolve("coord.out").toFile()).start();
        try {
            await("the coordinator's start line is in its log file", 60_000, () -> {
                try {
                    return Files.exists(log) && Files.readString(log).contains("coordinator.Coordinator - meshwire coordinator");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertFalse(Files.readString(tmp.resolve("coord.out")).contains(" INFO "), "logs go to the file, not stderr");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        } finally {
            p.destroy();
            p.waitFor();
        }
    }
}
