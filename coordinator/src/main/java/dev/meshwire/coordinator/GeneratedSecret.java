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
 * A secret the coordinator makes for itself: 32 random bytes (base64url) generated once into a file created with
 * mode 0600 from the start (never chmod-ed later, so it is never readable by others even briefly), and reused on
 * later starts. The admin token and the embedded TURN server's shared secret are kept this way.
 */
final class GeneratedSecret {
    private GeneratedSecret() {}

    /**
     * The secret in {@code file}, generating it when the file does not exist. An existing file with a looser mode is
     * tightened to 0600.
     *
     * @param what names the secret in the error for an empty file
     */
    static String loadOrCreate(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(Sodium.randomBytes(32));
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, secret + "\n", StandardCharsets.UTF_8);
                return secret;
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: fall through and read it
            }
        }
        PrivateFiles.tightenIfExists(file); // an older release or a hand-made file may be wider
        String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (secret.isEmpty()) throw new IOException(what + " file " + file + " is empty; delete it to generate a new one");
        return secret;
    }
}
