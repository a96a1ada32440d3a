package dev.meshwire.turn.server.transport;

import dev.meshwire.turn.TlsSettings;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Files;

/** The server TLS context of a {@link TlsSettings}: a PEM certificate chain and a PKCS#8 PEM key. */
public final class TlsContext {
    private TlsContext() {}

    /** @throws IOException naming the file when the chain or key cannot be read or do not form a key pair */
    public static SslContext load(TlsSettings tls) throws IOException {
        if (!Files.isReadable(tls.certificateChain())) throw new IOException("cannot read TLS certificate chain " + tls.certificateChain());
        if (!Files.isReadable(tls.privateKey())) throw new IOException("cannot read TLS private key " + tls.privateKey());
        try {
            return SslContextBuilder.forServer(tls.certificateChain().toFile(), tls.privateKey().toFile()).build();
        } catch (Exception e) {
            throw new IOException("cannot load TLS certificate " + tls.certificateChain() + " with key " + tls.privateKey()
                    + " (expected PEM chain and unencrypted PKCS#8 PEM key): " + e.getMessage(), e);
        }
    }
}
