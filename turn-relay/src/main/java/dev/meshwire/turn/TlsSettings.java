package dev.meshwire.turn;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TURN over TLS ({@code turns:}) on its own port, with a PEM certificate chain and PKCS#8 PEM private key read from
 * files at start.
 */
public record TlsSettings(int port, Path certificateChain, Path privateKey) {
    public TlsSettings {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("TLS port must be 0..65535 (got " + port + ")");
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
    }
}
