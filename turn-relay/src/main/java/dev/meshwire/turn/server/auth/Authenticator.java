package dev.meshwire.turn.server.auth;

import dev.meshwire.turn.RestCredentials;
import dev.meshwire.turn.server.stun.Integrity;
import dev.meshwire.turn.server.stun.Responses;
import dev.meshwire.turn.server.stun.Stun;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.NonceAttribute;
import org.ice4j.attribute.RealmAttribute;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.message.Message;

/**
 * The long-term credential check of RFC 8489 §9.2.4 for the REST scheme, in the RFC's order: no MESSAGE-INTEGRITY →
 * 401 with REALM and NONCE; a missing USERNAME, REALM or NONCE → 400; a nonce that is not ours or too old → 438 with
 * a fresh NONCE; an expired or malformed REST username → 401; a wrong HMAC → 401.
 */
public final class Authenticator {

    /** What {@link #authenticate} decided. */
    public sealed interface Outcome permits Accepted, Refused {}

    /**
     * @param username the REST username as sent
     * @param userId   the quota key: the username after its first colon (the whole username when it has none)
     * @param key      the long-term key, for the response's MESSAGE-INTEGRITY
     */
    public record Accepted(String username, String userId, byte[] key) implements Outcome {}

    /** @param response the encoded error response; @param reason the refusal counter's label */
    public record Refused(byte[] response, String reason) implements Outcome {}

    private final byte[] realm;
    private final NonceIssuer nonces;
    private final LongTermKeys keys;
    private final Integrity integrity;
    private final Responses responses;
    private final LongSupplier clockMs;

    public Authenticator(String realm, NonceIssuer nonces, LongTermKeys keys, Integrity integrity, Responses responses,
                         LongSupplier clockMs) {
        this.realm = realm.getBytes(StandardCharsets.UTF_8);
        this.nonces = nonces;
        this.keys = keys;
        this.integrity = integrity;
        this.responses = responses;
        this.clockMs = clockMs;
    }

    /** Checks request {@code req} whose encoded form is {@code raw[0, length)}, sent from {@code client}. */
    public Outcome authenticate(Message req, byte[] raw, int length, InetAddress client) {
        int method = Stun.method(req.getMessageType());
        byte[] tid = req.getTransactionID();
        if (!req.containsAttribute(Attribute.MESSAGE_INTEGRITY)) {
            return refuse(method, tid, Stun.UNAUTHORIZED, client, "unauthorized");
        }
        UsernameAttribute user = (UsernameAttribute) req.getAttribute(Attribute.USERNAME);
        RealmAttribute realmAttr = (RealmAttribute) req.getAttribute(Attribute.REALM);
        NonceAttribute nonce = (NonceAttribute) req.getAttribute(Attribute.NONCE);
        if (user == null || realmAttr == null || nonce == null) {
            return new Refused(responses.error(method, tid, Stun.BAD_REQUEST, null), "bad_request");
        }
        if (nonces.check(new String(nonce.getNonce(), StandardCharsets.US_ASCII), client) != NonceIssuer.Verdict.VALID) {
            return refuse(method, tid, Stun.STALE_NONCE, client, "stale_nonce");
        }
        String username = new String(user.getUsername(), StandardCharsets.UTF_8);
        long expiry = RestCredentials.expiryOf(username);
        if (expiry < 0 || expiry * 1000 < clockMs.getAsLong()) {
            return refuse(method, tid, Stun.UNAUTHORIZED, client, "unauthorized");
        }
        byte[] key = keys.keyOf(username);
        if (!integrity.verify(raw, length, key)) {
            return refuse(method, tid, Stun.UNAUTHORIZED, client, "unauthorized");
        }
        int colon = username.indexOf(':');
        return new Accepted(username, colon < 0 ? username : username.substring(colon + 1), key);
    }

    private Refused refuse(int method, byte[] tid, int code, InetAddress client, String reason) {
        byte[] resp = responses.error(method, tid, code, null,
                AttributeFactory.createRealmAttribute(realm),
                AttributeFactory.createNonceAttribute(nonces.issue(client).getBytes(StandardCharsets.US_ASCII)));
        return new Refused(resp, reason);
    }
}
