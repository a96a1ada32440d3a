package dev.meshwire.peer.daemon;

import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.outbox.DrainWorker;
import dev.meshwire.peer.outbox.DurableOutbox;
import dev.meshwire.peer.p2p.P2pSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run a daemon.
 *
 * @param home           the MESHWIRE_HOME directory (created 0700 if missing)
 * @param link           coordinator link timing (ping/liveness/backoff)
 * @param outboxMaxAge   an undelivered message dies ({@code max_age}) this long after it was accepted
 *                       (default 7 d; env {@code MESHWIRE_OUTBOX_MAX_AGE}, e.g. {@code 3d})
 * @param inboxRetention inbox rows older than this are pruned (default 30 d; env {@code MESHWIRE_INBOX_RETENTION})
 * @param drainWindow    sends outstanding at once towards the coordinators (default 256)
 * @param holdAcks       TEST ONLY: store deliveries but never send {@code client_ack}
 *                       (also env {@code MESHWIRE_TEST_HOLD_ACKS=1}); see docs/delivery.md §8
 * @param p2p            direct channels: {@code auto | off | force}, warm peers, engine timers (docs/p2p.md;
 *                       env {@code MESHWIRE_P2P}, {@code MESHWIRE_P2P_WARM})
 * @param maxMessageBytes plaintext limit of one message (default 8 MiB; env {@code MESHWIRE_MAX_MESSAGE_BYTES},
 *                        bytes or {@code 512KiB}/{@code 8MiB}); messages too big for the relay go direct only
 */
public record DaemonOptions(Path home, LinkSettings link, Duration outboxMaxAge, Duration inboxRetention, int drainWindow,
                            boolean holdAcks, P2pSettings p2p, int maxMessageBytes) {
    public static final Duration DEFAULT_INBOX_RETENTION = Duration.ofDays(30);

    public static DaemonOptions of(Path home) {
        return new DaemonOptions(home, LinkSettings.defaults(), DrainWorker.DEFAULT_MAX_AGE, DEFAULT_INBOX_RETENTION,
                DrainWorker.DEFAULT_WINDOW, false, P2pSettings.defaults(),
                DurableOutbox.DEFAULT_MAX_MESSAGE_BYTES);
    }

    public DaemonOptions withLink(LinkSettings l) {
        return new DaemonOptions(home, l, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p2p, maxMessageBytes);
    }

    public DaemonOptions withOutboxMaxAge(Duration d) {
        return new DaemonOptions(home, link, d, inboxRetention, drainWindow, holdAcks, p2p, maxMessageBytes);
    }

    public DaemonOptions withInboxRetention(Duration d) {
        return new DaemonOptions(home, link, outboxMaxAge, d, drainWindow, holdAcks, p2p, maxMessageBytes);
    }

    public DaemonOptions withDrainWindow(int w) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, w, holdAcks, p2p, maxMessageBytes);
    }

    /** TEST ONLY (see the record comment). */
    public DaemonOptions withHoldAcks(boolean h) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, h, p2p, maxMessageBytes);
    }

    public DaemonOptions withP2p(P2pSettings p) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p, maxMessageBytes);
    }

    public DaemonOptions withMaxMessageBytes(int n) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p2p, n);
    }

    /** Applies the documented environment variables on top of these options. */
    public DaemonOptions withEnvironment(java.util.Map<String, String> env) {
        DaemonOptions o = this;
        String v = env.get("MESHWIRE_OUTBOX_MAX_AGE");
        if (v != null && !v.isBlank()) o = o.withOutboxMaxAge(parseDuration("MESHWIRE_OUTBOX_MAX_AGE", v));
        v = env.get("MESHWIRE_INBOX_RETENTION");
        if (v != null && !v.isBlank()) o = o.withInboxRetention(parseDuration("MESHWIRE_INBOX_RETENTION", v));
        if ("1".equals(env.get("MESHWIRE_TEST_HOLD_ACKS"))) o = o.withHoldAcks(true);
        o = o.withP2p(o.p2p().withEnvironment(env));
        v = env.get("MESHWIRE_MAX_MESSAGE_BYTES");
        if (v != null && !v.isBlank()) o = o.withMaxMessageBytes(parseBytes("MESHWIRE_MAX_MESSAGE_BYTES", v));
        return o;
    }

    /** {@code 262144}, {@code 512KiB}, {@code 8MiB}; at most {@link DurableOutbox#HARD_MAX_MESSAGE_BYTES}. */
    static int parseBytes(String what, String v) {
        long n = dev.meshwire.peer.ByteSize.parse(what, v);
        if (n < 1 || n > DurableOutbox.HARD_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException(what + " must be between 1 and " + DurableOutbox.HARD_MAX_MESSAGE_BYTES + " bytes (got '" + v + "')");
        }
        return (int) n;
    }

    /** {@code 500ms}, {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d}. */
    static Duration parseDuration(String what, String v) {
        var m = java.util.regex.Pattern.compile("^(\\d+)(ms|s|m|h|d)$").matcher(v.trim());
        if (!m.matches()) throw new IllegalArgumentException(what + " must look like 500ms, 30s, 15m, 12h or 7d (got '" + v + "')");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
