package dev.meshwire.coordinator.store;

/**
 * A mesh authority key as stored: the Ed25519 key pair that signs the mesh's events (hex; the secret
 * key is libsodium's 64-byte layout). The current key has {@code retiredAt == null}; a rotation retires
 * the previous row and keeps it. The secret key never leaves the store except to sign, and is never logged.
 */
public record AuthorityKey(String meshId, String publicKey, String secretKey, long createdAt, Long retiredAt) {
    @Override
    public String toString() {
        return "AuthorityKey[" + meshId + ", " + publicKey + ", retiredAt=" + retiredAt + "]"; // no secret in logs
    }
}
