package dev.meshwire.peer.stream;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.config.ConfigFile;
import dev.meshwire.peer.config.DaemonConfig;
import dev.meshwire.peer.daemon.DaemonOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config keys {@code files.dir} and {@code files.accept} reach the daemon's file settings, and bad values are refused. */
class FileSettingsConfigTest {
    @TempDir
    Path home;

    @Test
    void filesKeysReachTheOptions() {
        DaemonOptions none = DaemonConfig.resolve(Map.of(), Map.of(), ConfigFile.none()).applyTo(DaemonOptions.of(home));
        assertNull(none.files(), "nothing set: the daemon uses FileSettings.defaults(home)");
        assertEquals(home.resolve("files"), FileSettings.defaults(home).saveDir());
        assertFalse(FileSettings.defaults(home).autoAccept(), "offers wait for the user by default");

        DaemonOptions set = DaemonConfig.resolve(Map.of(), Map.of("MESHWIRE_FILES_DIR", "/srv/incoming", "MESHWIRE_FILES_ACCEPT", "auto"),
                ConfigFile.none()).applyTo(DaemonOptions.of(home));
        assertEquals(Path.of("/srv/incoming"), set.files().saveDir());
        assertTrue(set.files().autoAccept());
        assertEquals(FileSettings.DEFAULT_CHUNK, set.files().chunkSize());
    }

    @Test
    void badValuesAreRefusedNamingTheirSource() {
        PeerException rel = assertThrows(PeerException.class,
                () -> DaemonConfig.resolve(Map.of(), Map.of("MESHWIRE_FILES_DIR", "downloads"), ConfigFile.none()));
        assertEquals("MESHWIRE_FILES_DIR must be an absolute path, or empty for $MESHWIRE_HOME/files (got 'downloads')", rel.getMessage());
        PeerException accept = assertThrows(PeerException.class,
                () -> DaemonConfig.resolve(Map.of(), Map.of("MESHWIRE_FILES_ACCEPT", "yes"), ConfigFile.none()));
        assertTrue(accept.getMessage().startsWith("MESHWIRE_FILES_ACCEPT must be"), accept.getMessage());
    }
}
