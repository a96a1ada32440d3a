package dev.meshwire.signaling.crypto;

/** A {@code crypto_box} output: a 24-byte nonce and the ciphertext (plaintext length + 16). */
public record SealedBody(byte[] nonce, byte[] ciphertext) {}
