package dev.meshwire.signaling.envelope;

/**
 * The encrypted payload. {@code nonce} and {@code ciphertext} are standard base64 (RFC 4648 §4,
 * with padding). {@code bodyVersion} names how the ciphertext was made (docs/protocol.md §4 "Body versions");
 * a coordinator never opens a body, it only checks the version is one of {@link #KNOWN}.
 */
public record Body(String nonce, String ciphertext, int bodyVersion) {
    /** crypto_box to the recipient; the plaintext is UTF-8 text. */
    public static final int TEXT_V1 = 1;
    /** crypto_box to the recipient; the plaintext is raw bytes (stream chunks). */
    public static final int BYTES_V2 = 2;
    /** Sender key (group): a fresh 32-byte key sealed to this recipient, and the content sealed once with that key. */
    public static final int SENDER_KEY_V3 = 3;
    /** Topic key: the content sealed with the topic's current symmetric key (same ciphertext for every member). */
    public static final int TOPIC_KEY_V4 = 4;

    /** Every body version this protocol defines. */
    public static boolean known(int bodyVersion) {
        return bodyVersion >= TEXT_V1 && bodyVersion <= TOPIC_KEY_V4;
    }
}
