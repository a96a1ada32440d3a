package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CDS training run that every {@code package} executes: its verbs reach the canned in-process answerer (so
 * the archive holds the IPC path), it starts no daemon, and it leaves no temp home behind.
 */
class StartupTrainingTest {
    static List<Path> trainingHomes() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("meshwire-cds-training")).sorted().toList();
        }
    }

    static long daemonsOfTrainingHomes() {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments().map(a -> String.join(" ", a)).orElse("").contains("meshwire-cds-training"))
                .count();
    }

    @Test
    void runsTheVerbsWithoutARealDaemonAndCleansUp() throws Exception {
        List<Path> before = trainingHomes();
        int answered = StartupTraining.ANSWERED.get();
        StartupTraining.main(new String[0]);
        // health checks, status (twice), peers (twice), send (twice), inbox and the event stream
        assertTrue(StartupTraining.ANSWERED.get() - answered >= 8,
                "the verbs reached the canned daemon: " + (StartupTraining.ANSWERED.get() - answered) + " requests");
        assertEquals(before, trainingHomes(), "the training's temp home is deleted");
        assertEquals(0, daemonsOfTrainingHomes(), "no daemon was started for the training home");
    }
}
