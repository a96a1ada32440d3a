package dev.meshwire.cli;

import dev.meshwire.cli.term.Style;
import dev.meshwire.peer.ipc.api.FileItem;
import java.util.Locale;

/**
 * What {@code meshwire file send|receive} print while a transfer runs: a one-line bar with rate and ETA redrawn in
 * place on a terminal, and the final line (size, time, throughput, path). The rate is a moving average over the polls
 * (a transfer's rate swings with the receiver's fsyncs), the ETA what is left at that rate.
 */
final class FileProgress {
    private static final int BAR = 24;
    private final long startNanos = System.nanoTime();
    private long lastBytes = -1;
    private long lastNanos;
    private double rate; // bytes/s, smoothed

    /** Updates the rate with a new reading and returns it (bytes/s). */
    double sample(long bytes) {
        long now = System.nanoTime();
        if (lastBytes >= 0 && now > lastNanos && bytes >= lastBytes) {
            double r = (bytes - lastBytes) / ((now - lastNanos) / 1e9);
            rate = rate == 0 ? r : rate * 0.7 + r * 0.3;
        }
        lastBytes = bytes;
        lastNanos = now;
        return rate;
    }

    double rate() {
        return rate;
    }

    /** Seconds left at the current rate, or -1 when unknown. */
    long etaSeconds(FileItem f) {
        if (rate <= 0) return -1;
        return (long) Math.ceil((f.size() - f.bytesDone()) / rate);
    }

    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** {@code big.bin [#########...........]  42%  430.1 MiB / 1.0 GiB  22.5 MiB/s  ETA 0:25  direct host}. */
    String bar(FileItem f, Style style) {
        double frac = f.size() == 0 ? 1 : Math.min(1, f.bytesDone() / (double) f.size());
        int full = (int) Math.round(frac * BAR);
        long eta = etaSeconds(f);
        String state = switch (f.state()) {
            case "offered" -> "waiting for " + who(f) + " to accept";
            case "verifying" -> "checking SHA-256";
            default -> (rate > 0 ? bytes((long) rate) + "/s  ETA " + (eta < 0 ? "?" : clock(eta)) : "starting");
        };
        return f.name() + " [" + style.green("#".repeat(full)) + ".".repeat(BAR - full) + "] "
                + String.format(Locale.ROOT, "%3d%%", (int) Math.floor(frac * 100)) + "  " + bytes(f.bytesDone()) + " / " + bytes(f.size())
                + "  " + state + (f.via() != null ? "  " + f.via() : "");
    }

    /** {@code sent big.bin to bob: 1.0 GiB in 45.2 s (22.6 MiB/s) via direct host; /path}. */
    String finalLine(FileItem f) {
        double secs = Math.max(0.001, f.finishedAt() != null ? (f.finishedAt() - f.createdAt()) / 1000.0 : elapsedSeconds());
        boolean out = "out".equals(f.direction());
        return (out ? "sent " : "received ") + f.name() + (out ? " to " : " from ") + who(f) + ": " + bytes(f.size()) + " in "
                + String.format(Locale.ROOT, "%.1f s (%s/s)", secs, bytes((long) (f.size() / secs)))
                + (f.via() != null ? " via " + f.via() : "") + (out ? "; " : "; saved as ") + f.path()
                + (out && f.bytesSent() > f.size() ? "; " + bytes(f.bytesSent() - f.size()) + " sent again after interruptions" : "");
    }

    static String who(FileItem f) {
        return f.peer().name() != null ? f.peer().name() : Render.shortKey(f.peer().pubkey());
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String clock(long seconds) {
        long h = seconds / 3600, m = seconds % 3600 / 60, s = seconds % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
