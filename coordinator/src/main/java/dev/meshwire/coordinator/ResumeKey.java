package dev.meshwire.coordinator;

import dev.meshwire.signaling.crypto.Identity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The key that signs presence resume tokens: an Ed25519 key whose 32-byte seed is a {@link GeneratedSecret} in
 * {@code <data>/resume-key} (0600, generated on the first start). It is the coordinator's own, never a mesh key:
 * a token says "this coordinator held this presence", which only this coordinator checks. Deleting the file
 * invalidates every outstanding token (clients then do a fresh hello, which costs one leave/join at most).
 */
final class ResumeKey {
    static final String FILE = "resume-key";

    private ResumeKey() {}

    static Identity loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        String secret = GeneratedSecret.loadOrCreate(file, "resume key");
        byte[] seed;
        try {
            seed = Base64.getUrlDecoder().decode(secret);
        } catch (IllegalArgumentException e) {
            seed = null;
        }
        if (seed == null || seed.length != 32) {
            throw new IOException("resume key file " + file + " does not hold 32 base64url bytes; delete it to generate a new one");
        }
        return Identity.fromSeed(seed);
    }
}
