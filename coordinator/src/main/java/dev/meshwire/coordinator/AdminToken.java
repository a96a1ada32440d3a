package dev.meshwire.coordinator;

import dev.meshwire.signaling.crypto.Sodium;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/**
 * The admin token that authorizes mesh creation. Generated once (32 random bytes, base64url) into a
 * file created with mode 0600 from the start (never chmod-ed later, so it is never readable by others
 * even briefly), and reused on later starts.
 */
final class AdminToken {
    static final String FILE = "admin-token";

    private AdminToken() {}

    static String loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(Sodium.randomBytes(32));
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
                return token;
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: fall through and read it
            }
        }
        PrivateFiles.tightenIfExists(file); // an older release or a hand-made file may be wider
        String token = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (token.isEmpty()) throw new IOException("admin token file " + file + " is empty; delete it to generate a new token");
        return token;
    }
}
