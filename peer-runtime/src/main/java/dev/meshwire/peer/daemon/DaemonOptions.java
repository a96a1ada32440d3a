package dev.meshwire.peer.daemon;

import dev.meshwire.peer.coordinator.LinkSettings;
import java.nio.file.Path;

/**
 * How to run a daemon.
 *
 * @param home the MESHWIRE_HOME directory (created 0700 if missing)
 * @param link coordinator link timing (ping/liveness/backoff)
 */
public record DaemonOptions(Path home, LinkSettings link) {
    public static DaemonOptions of(Path home) {
        return new DaemonOptions(home, LinkSettings.defaults());
    }

    public DaemonOptions withLink(LinkSettings l) {
        return new DaemonOptions(home, l);
    }
}
