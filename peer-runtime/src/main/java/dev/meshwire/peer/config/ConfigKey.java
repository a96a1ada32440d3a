package dev.meshwire.peer.config;

import dev.meshwire.peer.ByteSize;
import dev.meshwire.peer.outbox.DurableOutbox;
import dev.meshwire.peer.p2p.P2pMode;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every daemon setting a user may change, with its config-file key, its environment variable, its default and how
 * a value is checked. {@link DaemonConfig} resolves them (flag &gt; environment &gt; config file &gt; default); this enum
 * only describes them. A value is checked by {@link #normalize}, which returns the canonical text or throws
 * {@link IllegalArgumentException} with a message that starts at "must" (the caller names the source).
 *
 * <p>Test hooks ({@code MESHWIRE_TEST_*}) are deliberately not keys: a test hook persisted in a config file would
 * silently change a real daemon's behaviour. They stay environment-only (see DaemonOptions and P2pSettings).
 */
public enum ConfigKey {
    P2P_MODE("p2p.mode", "MESHWIRE_P2P", "auto", "direct peer-to-peer channels: auto, off or force", ConfigKey::p2pMode),
    P2P_WARM("p2p.warm", "MESHWIRE_P2P_WARM", "", "peers (name or public key, comma separated) connected directly as soon as they are online",
            ConfigKey::list),
    P2P_ICE_POLICY("p2p.ice-policy", "MESHWIRE_P2P_ICE_POLICY", "all", "ICE candidates: all, or relay (TURN only)",
            v -> oneOf(v, "all", "relay")),
    P2P_BACKLOG_MESSAGES("p2p.backlog-messages", "MESHWIRE_P2P_BACKLOG_MESSAGES", "1024",
            "unacknowledged messages one direct channel may hold (1..1000000)", v -> integer(v, 1, 1_000_000)),
    P2P_BACKLOG_BYTES("p2p.backlog-bytes", "MESHWIRE_P2P_BACKLOG_BYTES", "32MiB", "unacknowledged bytes one direct channel may hold",
            ConfigKey::bufferBytes),
    P2P_STALL_TIMEOUT("p2p.stall-timeout", "MESHWIRE_P2P_STALL_TIMEOUT", "30s",
            "a direct channel whose peer acknowledges nothing for this long is closed", v -> duration(v, true)),
    OUTBOX_MAX_AGE("outbox.max-age", "MESHWIRE_OUTBOX_MAX_AGE", "7d", "an undelivered message is given up after this long",
            v -> duration(v, true)),
    INBOX_RETENTION("inbox.retention", "MESHWIRE_INBOX_RETENTION", "30d", "received messages older than this are deleted",
            v -> duration(v, true)),
    MESSAGE_MAX_BYTES("message.max-bytes", "MESHWIRE_MAX_MESSAGE_BYTES", "8MiB", "largest message this daemon sends",
            ConfigKey::messageBytes),
    EVENTS_HIGH_WATER("events.high-water", "MESHWIRE_EVENTS_HIGH_WATER", "256KiB",
            "queued bytes above which a slow /v1/events reader gets a grace period", ConfigKey::bufferBytes),
    EVENTS_MAX_QUEUED("events.max-queued", "MESHWIRE_EVENTS_MAX_QUEUED", "4MiB",
            "queued bytes at which a slow /v1/events reader is disconnected", ConfigKey::bufferBytes),
    EVENTS_GRACE("events.grace", "MESHWIRE_EVENTS_GRACE", "10s", "how long a /v1/events reader may stay above the high-water mark",
            v -> duration(v, true)),
    FILES_DIR("files.dir", "MESHWIRE_FILES_DIR", "", "where accepted files are saved unless 'file receive --save-dir' says otherwise "
            + "(an absolute directory; empty: $MESHWIRE_HOME/files)", ConfigKey::absoluteDirOrEmpty),
    FILES_ACCEPT("files.accept", "MESHWIRE_FILES_ACCEPT", "ask", "offered files: ask (wait for 'meshwire file receive') or auto "
            + "(accept every offer into files.dir)", v -> oneOf(v, "ask", "auto")),
    LOG_LEVEL("log.level", "MESHWIRE_LOG_LEVEL", "info", "daemon log level: error, warn, info, debug or trace",
            v -> oneOf(v, "error", "warn", "info", "debug", "trace")),
    LOG_MAX_SIZE("log.max-size", "MESHWIRE_LOG_MAX_SIZE", "10MiB", "daemon.log is rotated when it grows past this (at least 1KiB)",
            v -> logSize(v)),
    LOG_KEEP("log.keep", "MESHWIRE_LOG_KEEP", "5", "rotated daemon logs kept (daemon.log.1 .. daemon.log.N, 1..20)", v -> integer(v, 1, 20)),
    START_TIMEOUT("daemon.start-timeout", "MESHWIRE_START_TIMEOUT", "60s",
            "how long a command waits for a daemon it started to answer (read by the CLI, not the daemon)", ConfigKey::startTimeout);

    private static final Pattern DURATION = Pattern.compile("^(\\d{1,12})(ms|s|m|h|d)$");

    private final String key;
    private final String env;
    private final String defaultValue;
    private final String description;
    private final UnaryOperator<String> check;

    ConfigKey(String key, String env, String defaultValue, String description, UnaryOperator<String> check) {
        this.key = key;
        this.env = env;
        this.defaultValue = defaultValue;
        this.description = description;
        this.check = check;
    }

    /** The config-file key, e.g. {@code p2p.mode}. */
    public String key() { return key; }

    /** The environment variable, e.g. {@code MESHWIRE_P2P}. */
    public String env() { return env; }

    /** The default, in canonical text. */
    public String defaultValue() { return defaultValue; }

    public String description() { return description; }

    /**
     * The canonical text of a valid value (trimmed; enums lower-cased).
     *
     * @throws IllegalArgumentException "must ... (got '...')" when the value is not valid for this key
     */
    public String normalize(String value) {
        return check.apply(value == null ? "" : value.trim());
    }

    /** The key named {@code name} (as written in a file or on the command line). */
    public static Optional<ConfigKey> byKey(String name) {
        return Arrays.stream(values()).filter(k -> k.key.equals(name == null ? null : name.trim())).findFirst();
    }

    /** Every key, comma separated: the list an "unknown key" error shows. */
    public static String allKeys() {
        return Arrays.stream(values()).map(ConfigKey::key).collect(Collectors.joining(", "));
    }

    /** Parses a canonical duration ({@code 500ms}, {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d}). */
    public static Duration parseDuration(String v) {
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) throw new IllegalArgumentException("must look like 500ms, 30s, 15m, 12h or 7d (got '" + v + "')");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static String absoluteDirOrEmpty(String v) {
        if (v.isEmpty()) return v;
        if (!v.startsWith("/")) throw new IllegalArgumentException("must be an absolute path, or empty for $MESHWIRE_HOME/files (got '" + v + "')");
        return v;
    }

    private static String p2pMode(String v) {
        try {
            return P2pMode.parse(v).wireName();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be auto, off or force (got '" + v + "')");
        }
    }

    private static String list(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).collect(Collectors.joining(","));
    }

    private static String oneOf(String v, String... allowed) {
        String lower = v.toLowerCase(Locale.ROOT);
        for (String a : allowed) if (a.equals(lower)) return a;
        String choices = allowed.length == 2 ? allowed[0] + " or " + allowed[1]
                : String.join(", ", Arrays.copyOf(allowed, allowed.length - 1)) + " or " + allowed[allowed.length - 1];
        throw new IllegalArgumentException("must be " + choices + " (got '" + v + "')");
    }

    private static String integer(String v, int min, int max) {
        if (!v.matches("\\d{1,9}") || Integer.parseInt(v) < min || Integer.parseInt(v) > max) {
            throw new IllegalArgumentException("must be an integer between " + min + " and " + max + " (got '" + v + "')");
        }
        return Integer.toString(Integer.parseInt(v));
    }

    private static String duration(String v, boolean positive) {
        Duration d = parseDuration(v);
        if (positive && d.isZero()) throw new IllegalArgumentException("must be more than 0 (got '" + v + "')");
        return v;
    }

    private static String messageBytes(String v) {
        long n = bytes(v);
        if (n < 1 || n > DurableOutbox.HARD_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("must be between 1 and " + DurableOutbox.HARD_MAX_MESSAGE_BYTES + " bytes (got '" + v + "')");
        }
        return v;
    }

    /** A buffer bound (not a message size): 1 byte .. 1 GiB. */
    private static String bufferBytes(String v) {
        long n = bytes(v);
        if (n < 1 || n > (1L << 30)) throw new IllegalArgumentException("must be between 1 and 1073741824 bytes (1GiB) (got '" + v + "')");
        return v;
    }

    private static String logSize(String v) {
        long n = bytes(v);
        if (n < 1024) throw new IllegalArgumentException("must be at least 1KiB (got '" + v + "')");
        return v;
    }

    private static long bytes(String v) {
        try {
            return ByteSize.parse("x", v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must look like 262144, 512KiB or 8MiB (got '" + v + "')");
        }
    }

    private static String startTimeout(String v) {
        // the same forms DaemonLauncher.startWait accepts (a bare number means seconds)
        if (!v.matches("\\d{1,9}(ms|s|m)?") || v.matches("0+(ms|s|m)?")) {
            throw new IllegalArgumentException("must look like 60s, 1500ms or 2m and be more than 0 (got '" + v + "')");
        }
        return v;
    }
}
