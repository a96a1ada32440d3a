package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.coordinator.store.SqliteCoordinatorStore;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Group commit keeps the durability promise (docs/delivery.md): a send is answered only after the transaction that
 * stored it committed, so a coordinator killed with SIGKILL in the middle of group commits — sends, acks and claims
 * in flight together — loses no send it answered. A real {@link dev.meshwire.coordinator.queue.QueueService} on real
 * SQLite runs in a separate process ({@link GroupCommitCrashChild}); after the kill the database is opened again and
 * every answered send is found, as a queued row or, once acked by the recipient, as its dedupe record, under the
 * message id the sender was given. The child merges recent dedupe records in small generations, so the kill also
 * lands among merges; the store opened afterwards moves what was left recent.
 */
class GroupCommitCrashTest {
    /** Answered sends to see before the kill: many groups in, with one surely in flight. */
    static final int ACKED_BEFORE_KILL = 3_000;

    @Test
    void aKillInTheMiddleOfGroupCommitsLosesNoAnsweredSend() throws Exception {
        Path dir = Files.createTempDirectory("mw-group-crash");
        String url = "jdbc:sqlite:" + dir.resolve("coordinator.db");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), GroupCommitCrashChild.class.getName(), url)
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child.err").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Map<String, String> acked = new LinkedHashMap<>(); // cmid -> messageId the sender was given
        String[] ready;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = in.readLine();
            assertTrue(line != null && line.startsWith("READY "), "the child starts: " + line + " " + Files.readString(dir.resolve("child.err")));
            ready = line.split(" ");
            while ((line = in.readLine()) != null && acked.size() < ACKED_BEFORE_KILL) {
                String[] p = line.split(" ");
                if (p[0].equals("ACKED")) acked.put(p[1], p[2]);
            }
            assertEquals(ACKED_BEFORE_KILL, acked.size(), "the child answered sends: " + Files.readString(dir.resolve("child.err")));
            // SIGKILL while sends keep arriving: the group in flight dies uncommitted.
            Process k = new ProcessBuilder("kill", "-KILL", Long.toString(child.pid())).inheritIO().start();
            assertTrue(k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0, "kill -KILL");
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child is gone");
            // Lines already written before the kill are answers too: read to the end.
            while ((line = in.readLine()) != null) {
                String[] p = line.split(" ");
                if (p[0].equals("ACKED") && p.length == 3 && p[2].length() == 28) acked.put(p[1], p[2]); // not a line cut by the kill
            }
        } finally {
            if (child.isAlive()) child.destroyForcibly();
        }

        Vertx vertx = Vertx.vertx();
        SqliteCoordinatorStore store = SqliteCoordinatorStore.open(vertx, url);
        try {
            String mesh = ready[1], sender = ready[2], recipient = ready[3];
            int queued = 0, delivered = 0;
            for (Map.Entry<String, String> e : acked.entrySet()) {
                Optional<Queued.Existing> found = StoreMeshes.await(store.findQueued(mesh, sender, recipient, e.getKey()));
                assertTrue(found.isPresent(), "answered send " + e.getKey() + " survived the kill");
                assertEquals(e.getValue(), found.get().messageId(), "under the message id its sender was given");
                if (found.get().truncated()) delivered++;
                else queued++;
            }
            assertTrue(delivered > 0, "acks were committed in the groups too (" + delivered + " delivered, " + queued + " still queued)");
        } finally {
            store.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
