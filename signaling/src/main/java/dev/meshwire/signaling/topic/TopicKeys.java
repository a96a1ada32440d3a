package dev.meshwire.signaling.topic;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.meshstate.TopicSeal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * The topic key scheme (docs/protocol.md §12.2): a random 32-byte XSalsa20-Poly1305 ({@code crypto_secretbox}) key
 * per topic and epoch, sealed to each member with {@code crypto_box}; bodies of version 4 are
 * {@code epoch (4 bytes, big-endian) || crypto_secretbox_easy(text, nonce, key)}. Stateless and thread-safe.
 */
public final class TopicKeys {
    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 24;
    public static final int MAC_BYTES = 16;
    /** The epoch prefix of a version-4 ciphertext. */
    public static final int EPOCH_BYTES = 4;
    /** Largest epoch: the prefix is an unsigned 32-bit integer. */
    public static final long MAX_EPOCH = 0xFFFF_FFFFL;

    private TopicKeys() {}

    /** A fresh random topic key. */
    public static byte[] generate() {
        return Sodium.randomBytes(KEY_BYTES);
    }

    /**
     * The key's check value, recorded in the mesh state next to the seals:
     * lowercase hex SHA-256 of {@code meshwire-topic-key|<mesh>|<topic>|<epoch>|<key hex>}. It binds the key to its
     * topic and epoch, so a member can tell that the key it opened is the one everybody else holds; a 256-bit random
     * key cannot be recovered from it.
     */
    public static String keyCheck(String mesh, String topic, long epoch, byte[] key) {
        return Canonical.sha256Hex("meshwire-topic-key|" + mesh + "|" + topic + "|" + epoch + "|" + Hex.encode(key));
    }

    /** Seals {@code key} for {@code member} with the sealer's {@code cipher} (its identity's crypto_box). */
    public static TopicSeal seal(BoxCipher cipher, String sealerPubkey, String member, byte[] key) {
        requireKey(key);
        SealedBody b = cipher.seal(PublicKey.fromHex(member), key);
        return new TopicSeal(sealerPubkey, b64(b.nonce()), b64(b.ciphertext()));
    }

    /**
     * Opens {@code seal} with the member's {@code cipher}, authenticated against the inline sealer key, and checks the
     * key against {@code keyCheck}.
     *
     * @throws CryptoException when the seal does not open for this member, or opens to a key of another check value
     */
    public static byte[] open(BoxCipher cipher, TopicSeal seal, String mesh, String topic, long epoch, String keyCheck) {
        byte[] key;
        try {
            key = cipher.open(PublicKey.fromHex(seal.sealer()), unb64(seal.nonce()), unb64(seal.box()));
        } catch (IllegalArgumentException e) {
            throw new CryptoException("topic seal is malformed: " + e.getMessage());
        }
        if (key.length != KEY_BYTES) throw new CryptoException("topic seal holds " + key.length + " bytes, not a 32-byte key");
        if (!keyCheck(mesh, topic, epoch, key).equals(keyCheck)) {
            throw new CryptoException("topic seal of #" + topic + " epoch " + epoch + " opens to a key that does not match its check value");
        }
        return key;
    }

    /** A version-4 body: {@code [nonce, ciphertext]}, both as raw bytes. */
    public record Sealed(byte[] nonce, byte[] ciphertext) {}

    /** Encrypts {@code plaintext} with the topic key of {@code epoch}, with a random nonce. */
    public static Sealed encrypt(long epoch, byte[] key, byte[] plaintext) {
        return encrypt(epoch, key, plaintext, Sodium.randomBytes(NONCE_BYTES));
    }

    /** With a caller-chosen nonce: test vectors only. Reusing a nonce with the same key breaks secretbox. */
    public static Sealed encrypt(long epoch, byte[] key, byte[] plaintext, byte[] nonce) {
        requireKey(key);
        if (epoch < 1 || epoch > MAX_EPOCH) throw new IllegalArgumentException("epoch out of range: " + epoch);
        byte[] box = new byte[plaintext.length + MAC_BYTES];
        if (!Sodium.get().cryptoSecretBoxEasy(box, plaintext, plaintext.length, nonce, key)) {
            throw new IllegalStateException("crypto_secretbox_easy failed");
        }
        ByteBuffer out = ByteBuffer.allocate(EPOCH_BYTES + box.length);
        out.putInt((int) epoch).put(box);
        return new Sealed(nonce, out.array());
    }

    /** The epoch a version-4 ciphertext was made with. @throws CryptoException when it is too short to hold one */
    public static long epochOf(byte[] ciphertext) {
        if (ciphertext.length < EPOCH_BYTES + MAC_BYTES) throw new CryptoException("topic ciphertext too short");
        long epoch = Integer.toUnsignedLong(ByteBuffer.wrap(ciphertext, 0, EPOCH_BYTES).getInt());
        if (epoch < 1) throw new CryptoException("topic ciphertext names epoch 0");
        return epoch;
    }

    /** Opens a version-4 ciphertext with the key of its epoch. @throws CryptoException if it does not authenticate */
    public static byte[] decrypt(byte[] key, byte[] nonce, byte[] ciphertext) {
        requireKey(key);
        epochOf(ciphertext);
        if (nonce.length != NONCE_BYTES) throw new CryptoException("nonce must be " + NONCE_BYTES + " bytes");
        byte[] box = Arrays.copyOfRange(ciphertext, EPOCH_BYTES, ciphertext.length);
        byte[] out = new byte[box.length - MAC_BYTES];
        if (!Sodium.get().cryptoSecretBoxOpenEasy(out, box, box.length, nonce, key)) {
            throw new CryptoException("topic message does not open with the key of its epoch (altered, or another key)");
        }
        return out;
    }

    private static void requireKey(byte[] key) {
        if (key == null || key.length != KEY_BYTES) throw new IllegalArgumentException("a topic key is 32 bytes");
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] unb64(String s) {
        if (s == null) throw new IllegalArgumentException("missing base64 field");
        return Base64.getDecoder().decode(s);
    }
}
