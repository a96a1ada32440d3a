package dev.meshwire.signaling.crypto;

/** A message could not be authenticated or decrypted. The message names the reason, never a secret. */
public class CryptoException extends RuntimeException {
    public CryptoException(String message) {
        super(message);
    }
}
