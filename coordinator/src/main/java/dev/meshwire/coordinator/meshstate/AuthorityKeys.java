package dev.meshwire.coordinator.meshstate;

import dev.meshwire.coordinator.store.AuthorityKey;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;

/** Creating mesh authority keys and turning a stored one back into a signing identity. */
public final class AuthorityKeys {
    private AuthorityKeys() {}

    /** A fresh Ed25519 authority key for {@code meshId}, current (not retired). */
    public static AuthorityKey generate(String meshId, long now) {
        Identity id = Identity.generate();
        return new AuthorityKey(meshId, id.publicKeyHex(), Hex.encode(id.secretKey()), now, null);
    }

    /** The signing identity of a stored key. */
    public static Identity identity(AuthorityKey key) {
        return Identity.fromSecretKey(Hex.decode(key.secretKey(), 64, "authority secret key"));
    }
}
