package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.store.SqliteCoordinatorStore;
import dev.meshwire.coordinator.store.SqliteFileLock;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A SQLite database serves one coordinator (docs/storage.md): the store keeps queue facts in memory that hold only
 * while it is the file's only writer. A second coordinator on the same data directory — in this JVM or in another
 * process — is refused at start with one line naming the database, and starts once the first is gone, including
 * after the first was killed with SIGKILL (the operating system drops the lock with the process).
 */
class OneCoordinatorPerSqliteFileTest {

    private static CoordinatorConfig config(Path dir) {
        return CoordinatorConfig.defaults(dir).withListen("127.0.0.1", 0).withStunPort(-1);
    }

    @Test
    void aSecondCoordinatorInTheSameJvmIsRefusedUntilTheFirstCloses() throws Exception {
        Path dir = Files.createTempDirectory("mw-one-per-file");
        Coordinator first = Coordinator.start(config(dir));
        try {
            var e = assertThrows(CoordinatorStartException.class, () -> Coordinator.start(config(dir)));
            assertTrue(e.getMessage().contains("in use by another coordinator"), e.getMessage());
            assertTrue(e.getMessage().contains(dir.resolve(Coordinator.DB_FILE).toString()), "names the database: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
            assertTrue(e.getMessage().contains("its own --data directory"), "names the flag that gives a coordinator its own database: " + e.getMessage());
            assertTrue(StoreMeshes.await(first.store().schemaVersion()) > 0, "the refused start leaves the first coordinator's store open");
        } finally {
            first.close();
        }
        try (Coordinator second = Coordinator.start(config(dir))) {
            assertTrue(StoreMeshes.await(second.store().schemaVersion()) > 0, "starts once the first is closed");
        }
        Path lock = SqliteFileLock.lockFileOf(dir.resolve(Coordinator.DB_FILE));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)), "the lock file is private like its directory");
    }

    @Test
    void aCoordinatorInAnotherProcessHoldsTheFileUntilItIsKilled() throws Exception {
        Path dir = Files.createTempDirectory("mw-one-per-file");
        String url = "jdbc:sqlite:" + dir.resolve(Coordinator.DB_FILE);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), Holder.class.getName(), url)
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("holder.err").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line = in.readLine(); // blocks until the holder opened the store (no deadline needed: EOF if it dies)
            assertEquals("READY", line, "the holder opened the store: " + Files.readString(dir.resolve("holder.err")));
            var e = assertThrows(CoordinatorStartException.class, () -> Coordinator.start(config(dir)));
            assertTrue(e.getMessage().contains("in use by another coordinator"), e.getMessage());

            Process k = new ProcessBuilder("kill", "-KILL", Long.toString(holder.pid())).inheritIO().start();
            assertTrue(k.waitFor(60, TimeUnit.SECONDS) && k.exitValue() == 0, "kill -KILL");
            assertTrue(holder.waitFor(60, TimeUnit.SECONDS), "the holder is gone");
        } finally {
            if (holder.isAlive()) holder.destroyForcibly();
        }
        try (Coordinator after = Coordinator.start(config(dir))) {
            assertTrue(StoreMeshes.await(after.store().schemaVersion()) > 0, "a killed coordinator leaves no stale lock");
        }
    }

    /** A process that opens the store on the URL in args[0], says READY and waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            Vertx vertx = Vertx.vertx();
            SqliteCoordinatorStore.open(vertx, args[0]);
            System.out.println("READY");
            System.out.flush();
            Thread.currentThread().join(); // holds the store until the test kills this process
        }
    }
}
