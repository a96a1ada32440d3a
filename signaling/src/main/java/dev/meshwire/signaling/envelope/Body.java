package dev.meshwire.signaling.envelope;

/**
 * The encrypted payload. {@code nonce} and {@code ciphertext} are standard base64 (RFC 4648 §4,
 * with padding). {@code bodyVersion} 1 means: the plaintext is UTF-8 text sealed with crypto_box.
 */
public record Body(String nonce, String ciphertext, int bodyVersion) {
    public static final int TEXT_V1 = 1;
}
