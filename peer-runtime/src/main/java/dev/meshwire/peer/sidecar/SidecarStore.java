package dev.meshwire.peer.sidecar;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.api.SidecarStartRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The managed bridges a daemon runs, kept in {@code daemon/sidecars.json} (0600, written atomically) so that they come
 * back after a daemon restart. It holds command lines only: secrets stay in the files those name.
 */
final class SidecarStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SidecarStore.class);
    private final Path file;

    SidecarStore(MeshwireHome home) {
        this.file = home.daemonDir().resolve("sidecars.json");
    }

    /**
     * The stored bridges; none if the file is absent. A file that cannot be parsed does not stop the daemon: it is moved
     * aside to {@code sidecars.json.bad-<ms>} (kept for the operator, not overwritten by the next save) with an error in
     * the log, and no bridge starts.
     */
    List<SidecarStartRequest> load() {
        if (!Files.exists(file)) return List.of();
        try {
            return JSON.readValue(file.toFile(), new TypeReference<List<SidecarStartRequest>>() {});
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".bad-" + System.currentTimeMillis());
            try {
                Files.move(file, aside);
            } catch (IOException moveFailed) {
                throw new UncheckedIOException("cannot read " + file + " (" + e.getMessage() + ") nor move it aside: " + moveFailed.getMessage(), moveFailed);
            }
            LOG.error("side-cars: {} cannot be read ({}); moved to {}, no managed bridge started", file, e.getMessage(), aside);
            return List.of();
        }
    }

    void save(List<SidecarStartRequest> all) {
        try {
            MeshwireHome.writePrivate(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
