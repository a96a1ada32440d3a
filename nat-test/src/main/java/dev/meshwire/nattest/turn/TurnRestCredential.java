package dev.meshwire.nattest.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A TURN REST API credential, the scheme coturn's {@code use-auth-secret} checks and the coordinator's
 * IceServerIssuer hands out: username {@code <expiry unix seconds>:<name>}, password
 * {@code base64(HMAC-SHA1(secret, username))}. Written here again (not imported from the coordinator) so the
 * harness checks coturn against the scheme itself, not against our own code.
 */
public record TurnRestCredential(String username, String password) {

    public static TurnRestCredential issue(String secret, long expiryEpochSeconds, String name) {
        String username = expiryEpochSeconds + ":" + name;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] h = mac.doFinal(username.getBytes(StandardCharsets.UTF_8));
            return new TurnRestCredential(username, Base64.getEncoder().encodeToString(h));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }
}
