package dev.meshwire.turn;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TURN REST API credential scheme (draft-uberti-behave-turn-rest, coturn's {@code use-auth-secret}): the username
 * is {@code <expiry unix seconds>:<user id>} and the password is {@code base64(HMAC-SHA1(secret, username))}. The
 * issuer (the coordinator) and the server share only the secret, so the server needs no user database and a leaked
 * credential expires on its own. This class is the one place both sides compute it.
 */
public final class RestCredentials {
    private RestCredentials() {}

    /** The username for {@code userId} valid until {@code expiryEpochSeconds}. */
    public static String username(long expiryEpochSeconds, String userId) {
        return expiryEpochSeconds + ":" + userId;
    }

    /** The password for {@code username}: what coturn computes from its {@code static-auth-secret}. */
    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }

    /**
     * The expiry of a REST username: the number before the first {@code :}, or the whole username when it is a bare
     * number (coturn accepts both). Returns -1 when the username does not start with a number: such a credential is
     * never valid.
     */
    public static long expiryOf(String username) {
        if (username == null) return -1;
        int colon = username.indexOf(':');
        String head = colon < 0 ? username : username.substring(0, colon);
        if (head.isEmpty() || head.length() > 18) return -1;
        for (int i = 0; i < head.length(); i++) if (!Character.isDigit(head.charAt(i))) return -1;
        return Long.parseLong(head);
    }
}
