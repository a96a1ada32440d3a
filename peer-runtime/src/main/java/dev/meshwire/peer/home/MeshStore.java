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

    public JoinedMesh load(MeshConfig cfg) {
        Path key = home.meshDir(cfg.name()).resolve("identity.key");
        String hex = MeshwireHome.readTrimmed(key);
        if (hex == null) throw new IllegalStateException("identity key missing for mesh " + cfg.name() + " (" + key + ")");
        return new JoinedMesh(cfg, Identity.fromSecretKey(Hex.decode(hex, 64, "identity key")));
    }

    public boolean exists(String meshName) {
        return Files.isRegularFile(home.meshDir(meshName).resolve("mesh.json"));
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

    /**
     * The last known member list ({@code roster.json}, 0600), so names resolve after a daemon restart
     * while the coordinator is unreachable. Entries are loaded as offline; the next hello_ack replaces them.
     */
    public void saveRoster(String meshName, java.util.Collection<dev.meshwire.signaling.frame.Frames.PeerInfo> roster) {
        Path dir = home.meshDir(meshName);
        if (!Files.isDirectory(dir)) return;
        try {
            java.util.List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
            for (var p : roster) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("pubkey", p.pubkey());
                m.put("name", p.name());
                m.put("role", p.role());
                out.add(m);
            }
            MeshwireHome.writePrivate(dir.resolve("roster.json"), Json.MAPPER.writeValueAsString(out));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public java.util.List<dev.meshwire.signaling.frame.Frames.PeerInfo> loadRoster(String meshName) {
        String text = MeshwireHome.readTrimmed(home.meshDir(meshName).resolve("roster.json"));
        java.util.List<dev.meshwire.signaling.frame.Frames.PeerInfo> out = new java.util.ArrayList<>();
        if (text == null || text.isEmpty()) return out;
        try {
            for (var n : Json.MAPPER.readTree(text)) {
                String pk = n.path("pubkey").asText(null);
                if (pk == null || !Hex.isHex(pk, 64)) continue;
                out.add(new dev.meshwire.signaling.frame.Frames.PeerInfo(pk, n.path("name").asText(null),
                        n.path("role").asText("member"), false, null, null));
            }
        } catch (java.io.IOException | RuntimeException e) {
            return new java.util.ArrayList<>(); // a damaged cache is only a cache
        }
        return out;
    }
}
