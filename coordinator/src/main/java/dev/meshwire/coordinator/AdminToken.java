package dev.meshwire.coordinator;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The admin token that authorizes mesh creation: a {@link GeneratedSecret} in {@code <data>/admin-token}.
 */
final class AdminToken {
    static final String FILE = "admin-token";

    private AdminToken() {}

    static String loadOrCreate(Path dataDir) throws IOException {
        return GeneratedSecret.loadOrCreate(dataDir.resolve(FILE), "admin token");
    }
}
