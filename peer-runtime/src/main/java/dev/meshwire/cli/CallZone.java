package dev.meshwire.cli;

import java.time.ZoneId;

/**
 * The time zone one CLI call writes its times in: the JVM's for a local run, the caller's {@code $TZ} for a call
 * forwarded to the warm daemon ({@link ForwardedCli}), whose JVM zone was fixed at its own start. {@link Main#run}
 * scopes it to the call's thread (forwarded calls run side by side, each on its own thread), so the static
 * formatters of {@link Render} need no zone parameter threaded through every verb.
 */
final class CallZone {
    private static final ThreadLocal<ZoneId> ZONE = new ThreadLocal<>();

    private CallZone() {}

    /** This call's zone. */
    static ZoneId get() {
        ZoneId z = ZONE.get();
        return z != null ? z : ZoneId.systemDefault();
    }

    /** Runs {@code body} with {@code zone} (null: the JVM's) as this thread's call zone. */
    static int with(ZoneId zone, java.util.function.IntSupplier body) {
        ZoneId before = ZONE.get();
        ZONE.set(zone);
        try {
            return body.getAsInt();
        } finally {
            if (before == null) ZONE.remove();
            else ZONE.set(before);
        }
    }
}
