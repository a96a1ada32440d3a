package dev.meshwire.peer.home;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwire.signaling.crypto.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshwireHomeTest {
    @TempDir
    Path tmp;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void explicitHomeWinsOverEnvironment() {
        assertEquals(tmp.resolve("x").toAbsolutePath(), MeshwireHome.resolve(tmp.resolve("x")).root());
    }

    @Test
    void meshRecordAndIdentityArePrivateAndRoundTrip() throws Exception {
        MeshwireHome home = MeshwireHome.at(tmp.resolve("h")).ensureLayout();
        MeshStore store = new MeshStore(home);
        Identity id = Identity.generate();
        MeshConfig cfg = new MeshConfig("m_1", "demo", "ws://127.0.0.1:1", "alice", "owner", id.publicKeyHex(), 5L);
        store.save(cfg, id);
        assertEquals("rwx------", mode(home.root()));
        assertEquals("rwx------", mode(home.meshesDir()));
        assertEquals("rwx------", mode(home.meshDir("demo")));
        assertEquals("rw-------", mode(home.meshDir("demo").resolve("identity.key")));
        assertEquals("rw-------", mode(home.meshDir("demo").resolve("mesh.json")));
        assertEquals(List.of(cfg), store.list());
        assertEquals(id.publicKeyHex(), store.load(cfg).identity().publicKeyHex());
        // The pinned authority key is kept with the record (written again without touching the identity).
        MeshConfig pinned = cfg.withAuthority(Identity.generate().publicKeyHex());
        store.save(pinned, null);
        assertEquals(List.of(pinned), store.list());
        assertEquals("rw-------", mode(home.meshDir("demo").resolve("mesh.json")));
        assertEquals(id.publicKeyHex(), store.load(pinned).identity().publicKeyHex());
        assertEquals(pinned.authority(), store.list().get(0).authority());
    }

    @Test
    void privateFilesAreCreatedPrivateEvenUnderAWideUmaskParent() throws Exception {
        Path dir = tmp.resolve("wide");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        MeshwireHome.writePrivate(dir.resolve("secret"), "s3cret");
        assertEquals("rw-------", mode(dir.resolve("secret")));
        MeshwireHome.writePrivate(dir.resolve("secret"), "again");
        assertEquals("rw-------", mode(dir.resolve("secret")));
        assertEquals("again", Files.readString(dir.resolve("secret")));
    }
}
