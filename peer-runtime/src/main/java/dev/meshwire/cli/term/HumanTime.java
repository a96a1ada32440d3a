package dev.meshwire.cli.term;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Times as a person says them: "just now", "2 min ago", "3 h ago", "yesterday 14:02" and older dates in full;
 * "in 5 min" for the future; spans as "3h 12m", "2m 5s", "4d 3h" (two largest units). Pure functions of their
 * arguments (the caller passes "now"), so they are testable.
 */
public final class HumanTime {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    private HumanTime() {}

    /** {@code epochMs} relative to {@code nowMs}: "42 s ago", "2 min ago", "in 3 h", or a date beyond two days. */
    public static String ago(long epochMs, long nowMs, ZoneId zone) {
        long d = nowMs - epochMs;
        long a = Math.abs(d);
        if (a < 5_000) return "just now";
        String span;
        if (a < 60_000) span = a / 1000 + " s";
        else if (a < 3_600_000) span = a / 60_000 + " min";
        else if (a < 48 * 3_600_000L) span = a / 3_600_000 + " h";
        else return DATE.format(Instant.ofEpochMilli(epochMs).atZone(zone));
        return d >= 0 ? span + " ago" : "in " + span;
    }

    /** {@link #ago(long, long, ZoneId)} against the clock, in the local zone. */
    public static String ago(long epochMs) {
        return ago(epochMs, System.currentTimeMillis(), ZoneId.systemDefault());
    }

    /** A span: "0s", "45s", "2m 5s", "3h 12m", "4d 3h". Negative spans count as 0. */
    public static String span(long ms) {
        long s = Math.max(0, ms) / 1000;
        long days = s / 86_400, hours = s % 86_400 / 3600, mins = s % 3600 / 60, secs = s % 60;
        if (days > 0) return days + "d" + (hours > 0 ? " " + hours + "h" : "");
        if (hours > 0) return hours + "h" + (mins > 0 ? " " + mins + "m" : "");
        if (mins > 0) return mins + "m" + (secs > 0 ? " " + secs + "s" : "");
        return secs + "s";
    }

    /** Seconds with one decimal, for short waits: "2.3 s". */
    public static String seconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** The wall-clock time of day, "14:02", for recent events in a stream. */
    public static String clock(long epochMs, ZoneId zone) {
        return CLOCK.format(Instant.ofEpochMilli(epochMs).atZone(zone));
    }
}
