package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.cli.term.Style;
import dev.meshwire.peer.ipc.api.FileItem;
import dev.meshwire.peer.ipc.api.PeerRef;
import org.junit.jupiter.api.Test;

/**
 * The progress bar {@code meshwire file send|receive} redraws on a terminal (issue #13: "a progress bar with rate and
 * ETA on a TTY"): before a rate is known it says so; once two readings are in it shows the rate and an ETA consistent
 * with what is left; an offer names whom it waits for; the final line has size, time and throughput.
 */
class FileProgressTest {
    static final long MIB = 1L << 20;

    static FileItem item(String state, long size, long done, Long finishedAt) {
        return new FileItem("0123456789abcdef0123456789abcdef", "out", "team", new PeerRef("bob", "ab".repeat(32)), "big.bin", size,
                null, 262_144, state, done, done, "direct host", null, "/tmp/big.bin", null, 1_000_000L, 1_000_000L, finishedAt);
    }

    @Test
    void theBarShowsRateAndEtaOnceTwoReadingsAreIn() {
        FileProgress p = new FileProgress();
        FileItem start = item("transferring", 1024 * MIB, 0, null);
        p.sample(start.bytesDone());
        String first = p.bar(start, Style.PLAIN);
        assertTrue(first.startsWith("big.bin [........................]   0%  0 B / 1.0 GiB  starting  direct host"), first);

        // Readings until the clock has moved between two of them (no sleep: System.nanoTime advances on its own).
        FileItem half = item("transferring", 1024 * MIB, 512 * MIB, null);
        while (p.sample(half.bytesDone()) <= 0) {
            Thread.onSpinWait();
        }
        String bar = p.bar(half, Style.PLAIN);
        assertTrue(bar.startsWith("big.bin [############............]  50%  512.0 MiB / 1.0 GiB  "), bar);
        String rate = FileProgress.bytes((long) p.rate()) + "/s";
        assertTrue(bar.contains(rate + "  ETA " + FileProgress.clock(p.etaSeconds(half)) + "  direct host"), "rate and ETA: " + bar);
        assertEquals((long) Math.ceil(512 * MIB / p.rate()), p.etaSeconds(half), "the ETA is what is left at the current rate");
    }

    @Test
    void anOfferAndAVerificationSayWhatTheyWaitFor() {
        FileProgress p = new FileProgress();
        assertTrue(p.bar(item("offered", 10 * MIB, 0, null), Style.PLAIN).contains("waiting for bob to accept"));
        assertTrue(p.bar(item("verifying", 10 * MIB, 10 * MIB, null), Style.PLAIN).contains("100%  10.0 MiB / 10.0 MiB  checking SHA-256"));
    }

    @Test
    void theFinalLineHasSizeTimeAndThroughput() {
        FileProgress p = new FileProgress();
        String line = p.finalLine(item("done", 1024 * MIB, 1024 * MIB, 1_000_000L + 40_000));
        assertEquals("sent big.bin to bob: 1.0 GiB in 40.0 s (25.6 MiB/s) via direct host; /tmp/big.bin", line);
        assertEquals("1:01:01", FileProgress.clock(3661));
        assertEquals("0:25", FileProgress.clock(25));
    }
}
