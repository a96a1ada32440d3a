package dev.meshwire.peer.config;

import dev.meshwire.peer.ByteSize;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.StreamLimits;
import dev.meshwire.peer.p2p.BacklogLimits;
import dev.meshwire.peer.p2p.P2pConfig;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one owner of the daemon's configuration: it resolves every {@link ConfigKey} with the precedence
 * <b>flag &gt; environment &gt; config file &gt; default</b>, remembers where each value came from, and is the only
 * place that turns settings into {@link DaemonOptions}. Flags are {@code meshwire up --set KEY=VALUE}; the
 * environment is each key's {@code MESHWIRE_*} variable; the file is {@link ConfigFile}.
 *
 * <p>Every value is checked when resolved, so a bad setting fails before the daemon opens anything, with one line
 * that names its source ({@code MESHWIRE_P2P must be auto, off or force (got 'on2')}).
 */
public final class DaemonConfig {
    /** Where a value came from, strongest first. */
    public enum Source { FLAG, ENV, FILE, DEFAULT;
        public String wireName() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** One resolved setting. */
    public record Value(ConfigKey key, String value, Source source) {}

    private final Map<ConfigKey, Value> values;
    private final ConfigFile file;

    private DaemonConfig(Map<ConfigKey, Value> values, ConfigFile file) {
        this.values = Collections.unmodifiableMap(values);
        this.file = file;
    }

    /** The home's configuration as this process sees it: its environment and the home's config file, no flags. */
    public static DaemonConfig load(MeshwireHome home) {
        return resolve(Map.of(), System.getenv(), ConfigFile.read(home));
    }

    /**
     * Resolves every key.
     *
     * @param flags {@code KEY=VALUE} settings from the command line (the strongest source)
     * @param env   the environment ({@code MESHWIRE_*} variables; blank values count as unset)
     * @param file  the config file ({@link ConfigFile#none()} for none)
     * @throws PeerException BAD_REQUEST for an invalid value, naming its source
     */
    public static DaemonConfig resolve(Map<ConfigKey, String> flags, Map<String, String> env, ConfigFile file) {
        Map<ConfigKey, Value> out = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            String flag = flags.get(k);
            String fromEnv = env.get(k.env());
            if (flag != null) {
                out.put(k, new Value(k, check(k, flag, "--set " + k.key()), Source.FLAG));
            } else if (fromEnv != null && !fromEnv.isBlank()) {
                out.put(k, new Value(k, check(k, fromEnv, k.env()), Source.ENV));
            } else if (file.get(k) != null) {
                out.put(k, new Value(k, file.get(k), Source.FILE)); // checked when the file was read
            } else {
                out.put(k, new Value(k, k.defaultValue(), Source.DEFAULT));
            }
        }
        DaemonConfig c = new DaemonConfig(out, file);
        c.checkTogether();
        return c;
    }

    /**
     * Parses {@code KEY=VALUE} flags (as {@code up --set} takes them).
     *
     * @throws PeerException BAD_REQUEST for a malformed pair, an unknown key (with the likely key) or a bad value
     */
    public static Map<ConfigKey, String> parseFlags(List<String> pairs) {
        Map<ConfigKey, String> out = new EnumMap<>(ConfigKey.class);
        for (String p : pairs == null ? List.<String>of() : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) throw new PeerException(PeerException.BAD_REQUEST, "--set takes KEY=VALUE, like p2p.mode=off (got '" + p + "')");
            ConfigKey k = key(p.substring(0, eq));
            out.put(k, check(k, p.substring(eq + 1), "--set " + k.key()));
        }
        return out;
    }

    /** The key called {@code name}, or BAD_REQUEST "unknown config key ...; did you mean ...?". */
    public static ConfigKey key(String name) {
        return ConfigKey.byKey(name).orElseThrow(() -> new PeerException(PeerException.BAD_REQUEST, KeyNames.unknown(name)));
    }

    /** {@code value} checked for {@code k}: its canonical text, or BAD_REQUEST "{@code source} must ...". */
    public static String check(ConfigKey k, String value, String source) {
        try {
            return k.normalize(value);
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, source + " " + e.getMessage());
        }
    }

    public Value get(ConfigKey k) {
        return values.get(k);
    }

    /** Every setting in the documented order. */
    public List<Value> all() {
        return new ArrayList<>(values.values());
    }

    public ConfigFile file() {
        return file;
    }

    /** How long a command waits for a daemon it started. */
    public Duration startTimeout() {
        return dev.meshwire.peer.daemon.DaemonLauncher.startWait(text(ConfigKey.START_TIMEOUT));
    }

    public String logLevel() {
        return text(ConfigKey.LOG_LEVEL);
    }

    public long logMaxSizeBytes() {
        return bytes(ConfigKey.LOG_MAX_SIZE);
    }

    public int logKeep() {
        return Integer.parseInt(text(ConfigKey.LOG_KEEP));
    }

    /**
     * {@code base} with every setting that is not at its default applied (a default leaves what {@code base} holds, so
     * tests and embedders that set options in code keep them).
     */
    public DaemonOptions applyTo(DaemonOptions base) {
        DaemonOptions o = base;
        if (set(ConfigKey.OUTBOX_MAX_AGE)) o = o.withOutboxMaxAge(duration(ConfigKey.OUTBOX_MAX_AGE));
        if (set(ConfigKey.INBOX_RETENTION)) o = o.withInboxRetention(duration(ConfigKey.INBOX_RETENTION));
        if (set(ConfigKey.MESSAGE_MAX_BYTES)) o = o.withMaxMessageBytes((int) bytes(ConfigKey.MESSAGE_MAX_BYTES));
        o = o.withP2p(p2p(o.p2p()));
        if (set(ConfigKey.FILES_DIR) || set(ConfigKey.FILES_ACCEPT)) {
            dev.meshwire.peer.stream.FileSettings f = o.files() != null ? o.files() : dev.meshwire.peer.stream.FileSettings.defaults(o.home());
            o = o.withFiles(f.with(set(ConfigKey.FILES_DIR) && !text(ConfigKey.FILES_DIR).isEmpty() ? java.nio.file.Path.of(text(ConfigKey.FILES_DIR)) : null,
                    set(ConfigKey.FILES_ACCEPT) ? "auto".equals(text(ConfigKey.FILES_ACCEPT)) : null));
        }
        StreamLimits s = o.eventStreams();
        return o.withEventStreams(new StreamLimits(s.maxStreams(),
                set(ConfigKey.EVENTS_HIGH_WATER) ? bytes(ConfigKey.EVENTS_HIGH_WATER) : s.highWaterBytes(),
                set(ConfigKey.EVENTS_GRACE) ? duration(ConfigKey.EVENTS_GRACE) : s.grace(),
                set(ConfigKey.EVENTS_MAX_QUEUED) ? bytes(ConfigKey.EVENTS_MAX_QUEUED) : s.maxQueuedBytes()));
    }

    private P2pSettings p2p(P2pSettings base) {
        P2pSettings p = base;
        if (set(ConfigKey.P2P_MODE)) p = p.withMode(P2pMode.parse(text(ConfigKey.P2P_MODE)));
        if (set(ConfigKey.P2P_WARM)) {
            String w = text(ConfigKey.P2P_WARM);
            p = p.withWarm(w.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(w.split(","))));
        }
        P2pConfig e = p.engine();
        if (set(ConfigKey.P2P_ICE_POLICY)) e = e.withIceServers(e.iceServers(), "relay".equals(text(ConfigKey.P2P_ICE_POLICY)));
        BacklogLimits b = e.backlog();
        e = e.withBacklog(new BacklogLimits(
                set(ConfigKey.P2P_BACKLOG_MESSAGES) ? Integer.parseInt(text(ConfigKey.P2P_BACKLOG_MESSAGES)) : b.maxMessages(),
                set(ConfigKey.P2P_BACKLOG_BYTES) ? bytes(ConfigKey.P2P_BACKLOG_BYTES) : b.maxBytes(),
                set(ConfigKey.P2P_STALL_TIMEOUT) ? duration(ConfigKey.P2P_STALL_TIMEOUT) : b.stallTimeout()));
        return p.withEngine(e);
    }

    /** Rules across keys: the events high-water mark must not exceed the disconnect mark. */
    private void checkTogether() {
        long high = bytes(ConfigKey.EVENTS_HIGH_WATER);
        long max = bytes(ConfigKey.EVENTS_MAX_QUEUED);
        if (high > max) {
            throw new PeerException(PeerException.BAD_REQUEST, "events.high-water (" + high + " bytes, from " + describe(ConfigKey.EVENTS_HIGH_WATER)
                    + ") must not exceed events.max-queued (" + max + " bytes, from " + describe(ConfigKey.EVENTS_MAX_QUEUED) + ")");
        }
    }

    /** "MESHWIRE_X", "--set k", "the config file" or "the default". */
    public String describe(ConfigKey k) {
        return switch (values.get(k).source()) {
            case FLAG -> "--set " + k.key();
            case ENV -> k.env();
            case FILE -> String.valueOf(file.path());
            case DEFAULT -> "the default";
        };
    }

    private boolean set(ConfigKey k) {
        return values.get(k).source() != Source.DEFAULT;
    }

    private String text(ConfigKey k) {
        return values.get(k).value();
    }

    private long bytes(ConfigKey k) {
        return ByteSize.parse(k.key(), text(k));
    }

    private Duration duration(ConfigKey k) {
        return ConfigKey.parseDuration(text(k));
    }
}
