package dev.meshwire.peer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.service.ServiceAttestation;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's key file — the one owner of its format and place: {@code $MESHWIRE_HOME/services/<mesh>/<serviceId>-<first
 * 12 hex of the key>.json}, mode 0600 in 0700 directories, {@code {"attestation": {…}, "secretKey": "<128 hex>"}}.
 * {@code service register} writes it; the daemon reads the files of its delegated services to hold them.
 */
public record ServiceKeyFile(Path path, ServiceAttestation attestation, Identity key) {
    private static final Logger log = LoggerFactory.getLogger(ServiceKeyFile.class);
    /** A key file is at most this large (an attestation and a key are about 1 KiB). */
    static final long MAX_BYTES = 16 * 1024;
    /** Files already reported as unusable (the daemon looks every few seconds: one warning per file). */
    private static final Set<Path> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The directory of a mesh's service key files. */
    public static Path dir(MeshwireHome home, String meshName) {
        return home.root().resolve("services").resolve(meshName);
    }

    /** Where the key file of {@code a} goes. */
    public static Path pathFor(MeshwireHome home, String meshName, ServiceAttestation a) {
        return dir(home, meshName).resolve(a.serviceId() + "-" + a.servicePubkey().substring(0, 12) + ".json");
    }

    /** Writes the key file of {@code a} with the service's secret (0600 in a 0700 directory) and returns it. */
    public static ServiceKeyFile write(MeshwireHome home, String meshName, ServiceAttestation a, Identity key) {
        Path file = pathFor(home, meshName, a);
        MeshwireHome.ensureDir(file.getParent().getParent());
        MeshwireHome.ensureDir(file.getParent());
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("attestation", Json.MAPPER.valueToTree(a));
        n.put("secretKey", Hex.encode(key.secretKey()));
        try {
            MeshwireHome.writePrivate(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
        } catch (JsonProcessingException e) {
            throw new PeerException(PeerException.INTERNAL, "cannot write the service key file: " + e.getOriginalMessage());
        }
        return new ServiceKeyFile(file, a, key);
    }

    /**
     * Reads one key file. Refuses (with the reason) a file others may read, one over {@link #MAX_BYTES}, one that is
     * not the format above, and one whose secret key is not the attestation's {@code servicePubkey}.
     */
    public static ServiceKeyFile read(Path file) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
            throw new IOException("mode is " + java.nio.file.attribute.PosixFilePermissions.toString(mode) + ", not 0600: refusing a secret others may read");
        }
        if (Files.size(file) > MAX_BYTES) throw new IOException("larger than " + MAX_BYTES + " bytes");
        JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
        if (n == null || !n.path("attestation").isObject() || !n.path("secretKey").isTextual()) {
            throw new IOException("not a service key file (needs 'attestation' and 'secretKey')");
        }
        ServiceAttestation a = Json.MAPPER.treeToValue(n.get("attestation"), ServiceAttestation.class);
        String problem = a.problem();
        if (problem != null) throw new IOException("attestation: " + problem);
        Identity key;
        try {
            key = Identity.fromSecretKey(Hex.decode(n.get("secretKey").asText(), 64, "secretKey"));
        } catch (IllegalArgumentException e) {
            throw new IOException("secretKey: " + e.getMessage());
        }
        if (!key.publicKeyHex().equals(a.servicePubkey())) throw new IOException("secretKey is not the key of servicePubkey");
        return new ServiceKeyFile(file, a, key);
    }

    /** Every readable key file of {@code meshName}; unusable ones are logged (once per file and process) and skipped. */
    public static List<ServiceKeyFile> list(MeshwireHome home, String meshName) {
        Path dir = dir(home, meshName);
        List<ServiceKeyFile> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                try {
                    out.add(read(f));
                } catch (IOException | RuntimeException e) {
                    if (WARNED.add(f)) log.warn("service key file {} is not used: {}", f, e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("cannot list {}: {}", dir, e.getMessage());
        }
        return out;
    }

    /** Deletes the file (best effort: a key nobody recorded, or a revoked one). */
    public void deleteQuietly() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
