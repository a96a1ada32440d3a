package dev.meshwire.turn.server.auth;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: {@code hex(issue time in ms) "-" hex(HMAC-SHA256(key, time || client IP))[0..32]} under a key drawn
 * at start. The server keeps no nonce table, a nonce is useless from another address, and every nonce from before a
 * restart is stale (a client then simply retries with the fresh one of the 438). Not thread-safe (one per event loop).
 */
public final class NonceIssuer {
    /** The outcome of {@link #check}. */
    public enum Verdict { VALID, STALE, INVALID }

    private static final HexFormat HEX = HexFormat.of();
    private final Mac mac;
    private final long lifetimeMs;
    private final LongSupplier clockMs;

    public NonceIssuer(Duration lifetime, LongSupplier clockMs) {
        this.lifetimeMs = lifetime.toMillis();
        this.clockMs = clockMs;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** A fresh nonce for a client at {@code client}. */
    public String issue(InetAddress client) {
        long now = clockMs.getAsLong();
        return Long.toHexString(now) + "-" + tag(now, client);
    }

    /** VALID when {@code nonce} was issued by this instance to {@code client} less than a lifetime ago. */
    public Verdict check(String nonce, InetAddress client) {
        int dash = nonce.indexOf('-');
        if (dash < 1 || dash > 16) return Verdict.INVALID;
        long issued;
        try {
            issued = Long.parseUnsignedLong(nonce.substring(0, dash), 16);
        } catch (NumberFormatException e) {
            return Verdict.INVALID;
        }
        String want = tag(issued, client);
        if (!MessageDigest.isEqual(want.getBytes(StandardCharsets.US_ASCII),
                nonce.substring(dash + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Verdict.INVALID;
        }
        long age = clockMs.getAsLong() - issued;
        return age < 0 || age >= lifetimeMs ? Verdict.STALE : Verdict.VALID;
    }

    private String tag(long time, InetAddress client) {
        for (int i = 7; i >= 0; i--) mac.update((byte) (time >>> (8 * i)));
        mac.update(client.getAddress());
        byte[] h = mac.doFinal();
        return HEX.formatHex(h, 0, 16);
    }
}
