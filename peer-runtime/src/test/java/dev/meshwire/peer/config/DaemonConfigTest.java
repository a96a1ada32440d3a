package dev.meshwire.peer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.p2p.P2pMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The precedence flag &gt; environment &gt; config file &gt; default, checked values, and the defaults the daemon really uses. */
class DaemonConfigTest {
    @TempDir
    Path tmp;

    MeshwireHome home(String json) throws Exception {
        MeshwireHome h = MeshwireHome.at(tmp.resolve("h")).ensureLayout();
        if (json != null) Files.writeString(ConfigFile.pathOf(h), json);
        return h;
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        ConfigFile file = ConfigFile.read(home("{\"p2p.mode\": \"force\", \"log.level\": \"debug\", \"outbox.max-age\": \"3d\", \"log.keep\": 7}"));
        Map<String, String> env = Map.of("MESHWIRE_P2P", "auto", "MESHWIRE_LOG_LEVEL", "warn");
        DaemonConfig c = DaemonConfig.resolve(DaemonConfig.parseFlags(List.of("p2p.mode=off")), env, file);
        assertEquals(new DaemonConfig.Value(ConfigKey.P2P_MODE, "off", DaemonConfig.Source.FLAG), c.get(ConfigKey.P2P_MODE));
        assertEquals(new DaemonConfig.Value(ConfigKey.LOG_LEVEL, "warn", DaemonConfig.Source.ENV), c.get(ConfigKey.LOG_LEVEL));
        assertEquals(new DaemonConfig.Value(ConfigKey.OUTBOX_MAX_AGE, "3d", DaemonConfig.Source.FILE), c.get(ConfigKey.OUTBOX_MAX_AGE));
        assertEquals(7, c.logKeep());
        assertEquals(DaemonConfig.Source.DEFAULT, c.get(ConfigKey.INBOX_RETENTION).source());

        DaemonOptions o = c.applyTo(DaemonOptions.of(tmp));
        assertEquals(P2pMode.OFF, o.p2p().mode());
        assertEquals(Duration.ofDays(3), o.outboxMaxAge());
        // without the flag, the environment wins over the file
        assertEquals(P2pMode.AUTO, DaemonConfig.resolve(Map.of(), env, file).applyTo(DaemonOptions.of(tmp)).p2p().mode());
        // without both, the file
        assertEquals(P2pMode.FORCE, DaemonConfig.resolve(Map.of(), Map.of(), file).applyTo(DaemonOptions.of(tmp)).p2p().mode());
        // a blank environment variable counts as unset
        assertEquals(P2pMode.FORCE, DaemonConfig.resolve(Map.of(), Map.of("MESHWIRE_P2P", " "), file).applyTo(DaemonOptions.of(tmp)).p2p().mode());
    }

    @Test
    void everyFormerEnvironmentVariableIsAKeyAndReachesTheOptions() {
        Map<String, String> env = Map.ofEntries(Map.entry("MESHWIRE_P2P", "force"), Map.entry("MESHWIRE_P2P_WARM", " bob , carol "),
                Map.entry("MESHWIRE_P2P_ICE_POLICY", "relay"), Map.entry("MESHWIRE_P2P_BACKLOG_MESSAGES", "77"),
                Map.entry("MESHWIRE_P2P_BACKLOG_BYTES", "2MiB"), Map.entry("MESHWIRE_P2P_STALL_TIMEOUT", "9s"),
                Map.entry("MESHWIRE_OUTBOX_MAX_AGE", "2h"), Map.entry("MESHWIRE_INBOX_RETENTION", "5d"),
                Map.entry("MESHWIRE_MAX_MESSAGE_BYTES", "512KiB"), Map.entry("MESHWIRE_EVENTS_HIGH_WATER", "128KiB"),
                Map.entry("MESHWIRE_EVENTS_MAX_QUEUED", "1MiB"), Map.entry("MESHWIRE_EVENTS_GRACE", "3s"),
                Map.entry("MESHWIRE_START_TIMEOUT", "90s"));
        DaemonConfig c = DaemonConfig.resolve(Map.of(), env, ConfigFile.none());
        DaemonOptions o = c.applyTo(DaemonOptions.of(tmp));
        assertEquals(P2pMode.FORCE, o.p2p().mode());
        assertEquals(Set.of("bob", "carol"), o.p2p().warm());
        assertTrue(o.p2p().engine().relayOnly());
        assertEquals(77, o.p2p().engine().backlog().maxMessages());
        assertEquals(2L << 20, o.p2p().engine().backlog().maxBytes());
        assertEquals(Duration.ofSeconds(9), o.p2p().engine().backlog().stallTimeout());
        assertEquals(Duration.ofHours(2), o.outboxMaxAge());
        assertEquals(Duration.ofDays(5), o.inboxRetention());
        assertEquals(512 * 1024, o.maxMessageBytes());
        assertEquals(128 * 1024, o.eventStreams().highWaterBytes());
        assertEquals(1L << 20, o.eventStreams().maxQueuedBytes());
        assertEquals(Duration.ofSeconds(3), o.eventStreams().grace());
        assertEquals(Duration.ofSeconds(90), c.startTimeout());
        for (ConfigKey k : ConfigKey.values()) {
            if (k.key().startsWith("log.")) continue; // new keys, not read from the environment before
            if (k.key().startsWith("files.")) continue; // new keys, exercised by FileSettingsConfigTest
            assertTrue(env.containsKey(k.env()), k.env() + " is exercised here");
        }
    }

    @Test
    void theDocumentedDefaultsAreTheOnesTheDaemonUses() {
        Map<ConfigKey, String> allDefaults = new java.util.EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) allDefaults.put(k, k.defaultValue());
        // applying every default explicitly (as flags) must give the options a daemon gets with nothing set
        DaemonOptions explicit = DaemonConfig.resolve(allDefaults, Map.of(), ConfigFile.none()).applyTo(DaemonOptions.of(tmp));
        DaemonOptions none = DaemonOptions.of(tmp);
        assertEquals(none.p2p().mode(), explicit.p2p().mode());
        assertEquals(none.p2p().warm(), explicit.p2p().warm());
        assertEquals(none.p2p().engine().relayOnly(), explicit.p2p().engine().relayOnly());
        assertEquals(none.p2p().engine().backlog(), explicit.p2p().engine().backlog());
        assertEquals(none.outboxMaxAge(), explicit.outboxMaxAge());
        assertEquals(none.inboxRetention(), explicit.inboxRetention());
        assertEquals(none.maxMessageBytes(), explicit.maxMessageBytes());
        assertEquals(none.eventStreams(), explicit.eventStreams());
        assertEquals(dev.meshwire.peer.daemon.DaemonLauncher.DEFAULT_START_WAIT,
                DaemonConfig.resolve(Map.of(), Map.of(), ConfigFile.none()).startTimeout());
    }

    @Test
    void badValuesAndUnknownKeysFailWithOneLineNamingTheirSource() throws Exception {
        PeerException env = assertThrows(PeerException.class, () -> DaemonConfig.resolve(Map.of(), Map.of("MESHWIRE_P2P", "sometimes"), ConfigFile.none()));
        assertEquals("MESHWIRE_P2P must be auto, off or force (got 'sometimes')", env.getMessage());
        PeerException flag = assertThrows(PeerException.class, () -> DaemonConfig.parseFlags(List.of("log.level=loud")));
        assertEquals("--set log.level must be error, warn, info, debug or trace (got 'loud')", flag.getMessage());
        PeerException pair = assertThrows(PeerException.class, () -> DaemonConfig.parseFlags(List.of("p2p.mode")));
        assertTrue(pair.getMessage().contains("KEY=VALUE"), pair.getMessage());
        PeerException typo = assertThrows(PeerException.class, () -> DaemonConfig.key("p2p.mod"));
        assertEquals("unknown config key 'p2p.mod'; did you mean p2p.mode? (all keys: meshwire config list)", typo.getMessage());
        PeerException far = assertThrows(PeerException.class, () -> DaemonConfig.key("colour"));
        assertTrue(far.getMessage().startsWith("unknown config key 'colour'; the keys are: p2p.mode, p2p.warm,"), far.getMessage());

        MeshwireHome h = home("{\"p2p.mod\": \"off\"}");
        PeerException inFile = assertThrows(PeerException.class, () -> ConfigFile.read(h));
        assertTrue(inFile.getMessage().contains("did you mean p2p.mode?") && inFile.getMessage().contains(ConfigFile.pathOf(h).toString()),
                inFile.getMessage());
        Files.writeString(ConfigFile.pathOf(h), "{\"inbox.retention\": \"forever\"}");
        PeerException badValue = assertThrows(PeerException.class, () -> ConfigFile.read(h));
        assertEquals("inbox.retention in " + ConfigFile.pathOf(h) + " must look like 500ms, 30s, 15m, 12h or 7d (got 'forever')",
                badValue.getMessage());
        Files.writeString(ConfigFile.pathOf(h), "p2p.mode = off");
        assertTrue(assertThrows(PeerException.class, () -> ConfigFile.read(h)).getMessage().contains("is not valid JSON"));
        PeerException together = assertThrows(PeerException.class, () -> DaemonConfig.resolve(Map.of(),
                Map.of("MESHWIRE_EVENTS_HIGH_WATER", "8MiB"), ConfigFile.none()));
        assertTrue(together.getMessage().startsWith("events.high-water (8388608 bytes, from MESHWIRE_EVENTS_HIGH_WATER) must not exceed"),
                together.getMessage());
    }

    @Test
    void aMissingFileIsEmptyAndAWrittenFileIsPrivateAndReadsBack() throws Exception {
        MeshwireHome h = home(null);
        assertEquals(DaemonConfig.Source.DEFAULT, DaemonConfig.resolve(Map.of(), Map.of(), ConfigFile.read(h)).get(ConfigKey.P2P_MODE).source());
        ConfigFile.read(h).with(ConfigKey.P2P_MODE, "off").with(ConfigKey.LOG_MAX_SIZE, "1MiB").write();
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(ConfigFile.pathOf(h))));
        ConfigFile back = ConfigFile.read(h);
        assertEquals("off", back.get(ConfigKey.P2P_MODE));
        assertEquals(1L << 20, DaemonConfig.resolve(Map.of(), Map.of(), back).logMaxSizeBytes());
        assertEquals(null, back.with(ConfigKey.P2P_MODE, null).get(ConfigKey.P2P_MODE));
    }
}
