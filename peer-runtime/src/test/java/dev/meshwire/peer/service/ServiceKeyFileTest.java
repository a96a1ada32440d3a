package dev.meshwire.peer.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.service.ServiceAttestation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service key file on a real file system: written 0600 where {@code service register} documents it, read back to
 * the same key, and refused — with the reason — when others may read it, when the secret is not the attested key, and
 * when it is not a key file at all; {@link ServiceKeyFile#list} skips what it refuses.
 */
class ServiceKeyFileTest {
    @TempDir
    Path tmp;

    ServiceKeyFile written(MeshwireHome home, String id) {
        Identity owner = Identity.generate();
        Identity key = Identity.generate();
        ServiceAttestation a = ServiceAttestation.sign(owner, "m_1", id, key.publicKeyHex(), "bot", "dm:read", System.currentTimeMillis() + 3_600_000,
                "ws", owner.publicKeyHex());
        return ServiceKeyFile.write(home, "team", a, key);
    }

    @Test
    void writtenPrivateReadBackAndRefusedWhenUnsafeOrWrong() throws Exception {
        MeshwireHome home = MeshwireHome.at(tmp.resolve("home"));
        ServiceKeyFile f = written(home, "hook");
        assertEquals(home.root().resolve("services/team/hook-" + f.attestation().servicePubkey().substring(0, 12) + ".json"), f.path());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(f.path()));
        ServiceKeyFile back = ServiceKeyFile.read(f.path());
        assertEquals(f.attestation(), back.attestation());
        assertEquals(f.key().publicKeyHex(), back.key().publicKeyHex());

        Files.setPosixFilePermissions(f.path(), PosixFilePermissions.fromString("rw-r--r--"));
        IOException open = assertThrows(IOException.class, () -> ServiceKeyFile.read(f.path()));
        assertTrue(open.getMessage().contains("not 0600"), open.getMessage());
        Files.setPosixFilePermissions(f.path(), PosixFilePermissions.fromString("rw-------"));

        ServiceKeyFile other = written(home, "other");
        String swapped = Files.readString(other.path()).replace(Hex.encode(other.key().secretKey()), Hex.encode(Identity.generate().secretKey()));
        MeshwireHome.writePrivate(other.path(), swapped);
        IOException wrongKey = assertThrows(IOException.class, () -> ServiceKeyFile.read(other.path()));
        assertTrue(wrongKey.getMessage().contains("not the key of servicePubkey"), wrongKey.getMessage());

        Path junk = ServiceKeyFile.dir(home, "team").resolve("junk.json");
        MeshwireHome.writePrivate(junk, "{\"hello\": 1}");
        IOException notOne = assertThrows(IOException.class, () -> ServiceKeyFile.read(junk));
        assertTrue(notOne.getMessage().contains("not a service key file"), notOne.getMessage());

        assertEquals(java.util.List.of(f.path()), ServiceKeyFile.list(home, "team").stream().map(ServiceKeyFile::path).toList(),
                "only the good file is listed");
        assertTrue(ServiceKeyFile.list(home, "no-such-mesh").isEmpty());
    }
}
