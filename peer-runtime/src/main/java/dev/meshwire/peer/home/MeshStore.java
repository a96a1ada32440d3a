package dev.meshwire.peer.home;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Reads and writes joined-mesh records and their identities under {@link MeshwireHome#meshesDir()}. */
public final class MeshStore {
    private final MeshwireHome home;

    public MeshStore(MeshwireHome home) {
        this.home = home;
    }

    /** A mesh record with its identity, as the daemon needs it to connect. */
    public record JoinedMesh(MeshConfig config, Identity identity) {}

    public List<MeshConfig> list() {
        Path dir = home.meshesDir();
        if (!Files.isDirectory(dir)) return List.of();
        List<MeshConfig> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path json = p.resolve("mesh.json");
                if (Files.isRegularFile(json)) {
                    out.add(Json.MAPPER.readValue(Files.readString(json), MeshConfig.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read meshes under " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * True if at least one mesh is joined (has a {@code mesh.json}), like {@code !list().isEmpty()} but without
     * parsing any: a CLI verb asks this before every daemon call, and JSON binding costs a cold JVM tens of ms.
     */
    public boolean any() {
        Path dir = home.meshesDir();
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> Files.isRegularFile(p.resolve("mesh.json")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read meshes under " + dir + ": " + e.getMessage(), e);
        }
    }

    public JoinedMesh load(MeshConfig cfg) {
        Path key = home.meshDir(cfg.name()).resolve("identity.key");
        String hex = MeshwireHome.readTrimmed(key);
        if (hex == null) throw new IllegalStateException("identity key missing for mesh " + cfg.name() + " (" + key + ")");
        return new JoinedMesh(cfg, Identity.fromSecretKey(Hex.decode(hex, 64, "identity key")));
    }

    public boolean exists(String meshName) {
        return Files.isRegularFile(home.meshDir(meshName).resolve("mesh.json"));
    }

    /**
     * Deletes {@code meshes/<name>/}: mesh.json first (so a listed mesh always has its key), then the identity key
     * and whatever else is in the directory.
     */
    public void remove(String meshName) {
        Path dir = home.meshDir(meshName);
        try {
            Files.deleteIfExists(dir.resolve("mesh.json"));
            if (!Files.isDirectory(dir)) return;
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes the identity first, then mesh.json, so a listed mesh always has its key. */
    public void save(MeshConfig cfg, Identity identity) {
        Path dir = home.meshDir(cfg.name());
        MeshwireHome.ensureDir(dir);
        if (identity != null) MeshwireHome.writePrivate(dir.resolve("identity.key"), Hex.encode(identity.secretKey()));
        try {
            MeshwireHome.writePrivate(dir.resolve("mesh.json"),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
