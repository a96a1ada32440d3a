package dev.meshwire.signaling;

import dev.meshwire.signaling.crypto.Identity;

/**
 * Fixed inputs and expected outputs, published in docs/test-vectors.md so an independent
 * implementation can check itself. The Ed25519 values (keys, hello and envelope signatures) and the
 * SHA-256 were cross-checked with OpenSSL 3 and sha256sum.
 */
public final class TestVectors {
    private TestVectors() {}

    public static final String ALICE_PUB = "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";
    public static final String BOB_PUB = "cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa";
    public static final String MESH = "m_0011223344556677";
    public static final String NONCE_ZERO = "0".repeat(64);
    public static final String HELLO_SIG = "71bfc5c34764d0d9a7764b18b47f234d69f3391d5dbe02f5fca888c30c6071f71b435665861a57b398d602900736690d45f1fe57aedecc4c08278f90ae222b09";
    public static final String BOX_NONCE_B64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYX";
    public static final String BOX_CIPHERTEXT_B64 = "IlZ0XB6il+zJ/iKnUBfFuB/ECreXysM4QA==";
    public static final String ENVELOPE_CANONICAL = "meshwire-envelope|v2|dm|" + BOB_PUB + "|" + ALICE_PUB
            + "|AAECAwQFBgcICQoLDA0ODxAREhMUFRYX|14a077467050c0e0c94fcaa57618e48dc72ecda00fdac995e7a876b0a84b7fab|1|"
            + "{\"clientMessageId\":\"cmid-0001\",\"createdAt\":1767225600000,\"priority\":\"now\"}";
    public static final String ENVELOPE_SIG = "c6473c8e8a495940590bff105d82daf427c3f56e1adcf62f884d7d89dd54c9bbd5dbd8b4a7293ef2afb8b52da9d8c2dc416230a969dea5deaba4c3165023c703";

    /** Seed bytes 0x01..0x20. */
    public static Identity alice() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) (i + 1);
        return Identity.fromSeed(seed);
    }

    /** Seed bytes 0x80..0x9f. */
    public static Identity bob() {
        byte[] seed = new byte[32];
        for (int i = 0; i < 32; i++) seed[i] = (byte) (0x80 + i);
        return Identity.fromSeed(seed);
    }
}
