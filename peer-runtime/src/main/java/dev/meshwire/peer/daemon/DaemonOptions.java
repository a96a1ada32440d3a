package dev.meshwire.peer.daemon;

import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.ipc.StreamLimits;
import dev.meshwire.peer.outbox.DrainWorker;
import dev.meshwire.peer.outbox.DurableOutbox;
import dev.meshwire.peer.p2p.BacklogLimits;
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
 * @param eventStreams   bounds of the {@code /v1/events} streams (docs/ipc.md; env {@code MESHWIRE_EVENTS_HIGH_WATER},
 *                       {@code MESHWIRE_EVENTS_MAX_QUEUED}, {@code MESHWIRE_EVENTS_GRACE})
 */
public record DaemonOptions(Path home, LinkSettings link, Duration outboxMaxAge, Duration inboxRetention, int drainWindow,
                            boolean holdAcks, P2pSettings p2p, int maxMessageBytes, StreamLimits eventStreams) {
    public static final Duration DEFAULT_INBOX_RETENTION = Duration.ofDays(30);

    public static DaemonOptions of(Path home) {
        return new DaemonOptions(home, LinkSettings.defaults(), DrainWorker.DEFAULT_MAX_AGE, DEFAULT_INBOX_RETENTION,
                DrainWorker.DEFAULT_WINDOW, false, P2pSettings.defaults(),
                DurableOutbox.DEFAULT_MAX_MESSAGE_BYTES, StreamLimits.defaults());
    }

    public DaemonOptions withLink(LinkSettings l) {
        return new DaemonOptions(home, l, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p2p, maxMessageBytes, eventStreams);
    }

    public DaemonOptions withOutboxMaxAge(Duration d) {
        return new DaemonOptions(home, link, d, inboxRetention, drainWindow, holdAcks, p2p, maxMessageBytes, eventStreams);
    }

    public DaemonOptions withInboxRetention(Duration d) {
        return new DaemonOptions(home, link, outboxMaxAge, d, drainWindow, holdAcks, p2p, maxMessageBytes, eventStreams);
    }

    public DaemonOptions withDrainWindow(int w) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, w, holdAcks, p2p, maxMessageBytes, eventStreams);
    }

    /** TEST ONLY (see the record comment). */
    public DaemonOptions withHoldAcks(boolean h) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, h, p2p, maxMessageBytes, eventStreams);
    }

    public DaemonOptions withP2p(P2pSettings p) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p, maxMessageBytes, eventStreams);
    }

    public DaemonOptions withMaxMessageBytes(int n) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p2p, n, eventStreams);
    }

    public DaemonOptions withEventStreams(StreamLimits l) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p2p, maxMessageBytes, l);
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
        o = o.withP2p(o.p2p().withEngine(o.p2p().engine().withBacklog(backlogLimits(o.p2p().engine().backlog(), env))));
        v = env.get("MESHWIRE_MAX_MESSAGE_BYTES");
        if (v != null && !v.isBlank()) o = o.withMaxMessageBytes(parseBytes("MESHWIRE_MAX_MESSAGE_BYTES", v));
        return o.withEventStreams(streamLimits(o.eventStreams(), env));
    }

    /**
     * The direct-channel backlog limits (docs/p2p.md): {@code MESHWIRE_P2P_BACKLOG_MESSAGES} (1..1000000),
     * {@code MESHWIRE_P2P_BACKLOG_BYTES} (like 32MiB) and {@code MESHWIRE_P2P_STALL_TIMEOUT} (like 30s) over {@code base}.
     */
    static BacklogLimits backlogLimits(BacklogLimits base, java.util.Map<String, String> env) {
        int messages = base.maxMessages();
        long bytes = base.maxBytes();
        Duration stall = base.stallTimeout();
        String v = env.get("MESHWIRE_P2P_BACKLOG_MESSAGES");
        if (v != null && !v.isBlank()) {
            if (!v.trim().matches("\\d{1,7}") || Integer.parseInt(v.trim()) < 1 || Integer.parseInt(v.trim()) > 1_000_000) {
                throw new IllegalArgumentException("MESHWIRE_P2P_BACKLOG_MESSAGES must be an integer between 1 and 1000000 (got '" + v + "')");
            }
            messages = Integer.parseInt(v.trim());
        }
        v = env.get("MESHWIRE_P2P_BACKLOG_BYTES");
        if (v != null && !v.isBlank()) bytes = parseBytes("MESHWIRE_P2P_BACKLOG_BYTES", v);
        v = env.get("MESHWIRE_P2P_STALL_TIMEOUT");
        if (v != null && !v.isBlank()) {
            stall = parseDuration("MESHWIRE_P2P_STALL_TIMEOUT", v);
            if (stall.isZero()) throw new IllegalArgumentException("MESHWIRE_P2P_STALL_TIMEOUT must be positive (got '" + v + "')");
        }
        return new BacklogLimits(messages, bytes, stall);
    }

    /**
     * The event-stream limits (docs/ipc.md): {@code MESHWIRE_EVENTS_HIGH_WATER} and {@code MESHWIRE_EVENTS_MAX_QUEUED}
     * (like 256KiB, 4MiB) and {@code MESHWIRE_EVENTS_GRACE} (like 10s) over {@code base}.
     */
    static StreamLimits streamLimits(StreamLimits base, java.util.Map<String, String> env) {
        long high = base.highWaterBytes();
        long max = base.maxQueuedBytes();
        Duration grace = base.grace();
        String v = env.get("MESHWIRE_EVENTS_HIGH_WATER");
        if (v != null && !v.isBlank()) high = parseBytes("MESHWIRE_EVENTS_HIGH_WATER", v);
        v = env.get("MESHWIRE_EVENTS_MAX_QUEUED");
        if (v != null && !v.isBlank()) max = parseBytes("MESHWIRE_EVENTS_MAX_QUEUED", v);
        v = env.get("MESHWIRE_EVENTS_GRACE");
        if (v != null && !v.isBlank()) grace = parseDuration("MESHWIRE_EVENTS_GRACE", v);
        if (high > max) {
            throw new IllegalArgumentException("MESHWIRE_EVENTS_HIGH_WATER (" + high + " bytes) must not exceed MESHWIRE_EVENTS_MAX_QUEUED ("
                    + max + " bytes)");
        }
        return new StreamLimits(base.maxStreams(), high, grace, max);
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
