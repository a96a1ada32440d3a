package dev.meshwire.coordinator.relay;

import dev.meshwire.signaling.crypto.Sodium;

/**
 * The coordinator's message ids ({@code msg_} + 24 lowercase hex, 96 random bits; docs/protocol.md §6): unpredictable
 * and, with 96 bits, unique in practice, exactly as when each id took its own 12 bytes from libsodium.
 *
 * <p>Why a pool: one JNA call into {@code randombytes_buf} per relayed message (and a {@code getrandom} system call
 * behind it) was one of the event loop's per-message costs. The bytes now come from the same CSPRNG in 4 KiB refills
 * (341 ids per call); each byte is handed out once and the pool is overwritten by the next refill, never reused. An id
 * is no more predictable than before: the pool is process memory, where the coordinator's signing keys also live.
 * {@code java.security.SecureRandom} was the alternative; libsodium keeps one source of randomness for every id,
 * nonce and key the coordinator makes.
 *
 * <p>Thread-safe (one lock, uncontended on an event loop); the pool is shared by every event loop of the process.
 */
public final class MessageIds {
    static final String PREFIX = "msg_";
    static final int ID_BYTES = 12;
    /** 4 KiB rounded down to whole ids: a refill is one native call per 341 ids. */
    static final int POOL_BYTES = (4096 / ID_BYTES) * ID_BYTES;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final Object LOCK = new Object();
    private static byte[] pool = new byte[0];
    private static int next;

    private MessageIds() {}

    /** A fresh {@code msg_<24 hex>} id. */
    public static String next() {
        char[] id = new char[PREFIX.length() + 2 * ID_BYTES];
        PREFIX.getChars(0, PREFIX.length(), id, 0);
        synchronized (LOCK) {
            if (next == pool.length) {
                pool = Sodium.randomBytes(POOL_BYTES);
                next = 0;
            }
            for (int i = 0, c = PREFIX.length(); i < ID_BYTES; i++) {
                int b = pool[next + i] & 0xff;
                id[c++] = HEX[b >>> 4];
                id[c++] = HEX[b & 0xf];
            }
            next += ID_BYTES;
        }
        return new String(id);
    }
}
