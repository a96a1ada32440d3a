package dev.meshwire.peer.daemon;

import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.ipc.StreamLimits;
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
 *                       (default 7 d; config {@code outbox.max-age})
 * @param inboxRetention inbox rows older than this are pruned (default 30 d; config {@code inbox.retention})
 * @param drainWindow    sends outstanding at once towards the coordinators (default 256)
 * @param holdAcks       TEST ONLY: store deliveries but never send {@code client_ack}
 *                       (also env {@code MESHWIRE_TEST_HOLD_ACKS=1}); see docs/delivery.md §8
 * @param p2p            direct channels: {@code auto | off | force}, warm peers, engine timers (docs/p2p.md;
 *                       config {@code p2p.*})
 * @param maxMessageBytes plaintext limit of one message (default 8 MiB; config {@code message.max-bytes});
 *                        messages too big for the relay go direct only
 * @param eventStreams   bounds of the {@code /v1/events} streams (docs/ipc.md; config {@code events.*})
 * @param files          file transfer settings (docs/channels.md; config {@code files.*}); null = the defaults for the home
 *
 * <p>Users set these through {@link dev.meshwire.peer.config.DaemonConfig} (flag, environment, config file).
 */
public record DaemonOptions(Path home, LinkSettings link, Duration outboxMaxAge, Duration inboxRetention, int drainWindow,
                            boolean holdAcks, P2pSettings p2p, int maxMessageBytes, StreamLimits eventStreams,
                            dev.meshwire.peer.stream.FileSettings files) {
    public static final Duration DEFAULT_INBOX_RETENTION = Duration.ofDays(30);

    public static DaemonOptions of(Path home) {
        return new DaemonOptions(home, LinkSettings.defaults(), DrainWorker.DEFAULT_MAX_AGE, DEFAULT_INBOX_RETENTION,
                DrainWorker.DEFAULT_WINDOW, false, P2pSettings.defaults(),
                DurableOutbox.DEFAULT_MAX_MESSAGE_BYTES, StreamLimits.defaults(), null);
    }

    public DaemonOptions withLink(LinkSettings l) {
        return new DaemonOptions(home, l, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p2p, maxMessageBytes, eventStreams, files);
    }

    public DaemonOptions withOutboxMaxAge(Duration d) {
        return new DaemonOptions(home, link, d, inboxRetention, drainWindow, holdAcks, p2p, maxMessageBytes, eventStreams, files);
    }

    public DaemonOptions withInboxRetention(Duration d) {
        return new DaemonOptions(home, link, outboxMaxAge, d, drainWindow, holdAcks, p2p, maxMessageBytes, eventStreams, files);
    }

    public DaemonOptions withDrainWindow(int w) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, w, holdAcks, p2p, maxMessageBytes, eventStreams, files);
    }

    public DaemonOptions withFiles(dev.meshwire.peer.stream.FileSettings f) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p2p, maxMessageBytes, eventStreams, f);
    }

    /** TEST ONLY (see the record comment). */
    public DaemonOptions withHoldAcks(boolean h) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, h, p2p, maxMessageBytes, eventStreams, files);
    }

    public DaemonOptions withP2p(P2pSettings p) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p, maxMessageBytes, eventStreams, files);
    }

    public DaemonOptions withMaxMessageBytes(int n) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p2p, n, eventStreams, files);
    }

    public DaemonOptions withEventStreams(StreamLimits l) {
        return new DaemonOptions(home, link, outboxMaxAge, inboxRetention, drainWindow, holdAcks, p2p, maxMessageBytes, l, files);
    }

    /**
     * Applies the environment-only test hook {@code MESHWIRE_TEST_HOLD_ACKS=1} and the p2p test hooks
     * ({@link P2pSettings#withTestHooks}). Settings users change are resolved by
     * {@link dev.meshwire.peer.config.DaemonConfig}, not here.
     */
    public DaemonOptions withTestHooks(java.util.Map<String, String> env) {
        DaemonOptions o = this;
        if ("1".equals(env.get("MESHWIRE_TEST_HOLD_ACKS"))) o = o.withHoldAcks(true);
        return o.withP2p(o.p2p().withTestHooks(env));
    }
}
