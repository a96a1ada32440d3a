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
    private final Path file;

    SidecarStore(MeshwireHome home) {
        this.file = home.daemonDir().resolve("sidecars.json");
    }

    /** The stored bridges; none if the file is absent. A file that cannot be read is an error (never silently dropped). */
    List<SidecarStartRequest> load() {
        if (!Files.exists(file)) return List.of();
        try {
            return JSON.readValue(file.toFile(), new TypeReference<List<SidecarStartRequest>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
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
