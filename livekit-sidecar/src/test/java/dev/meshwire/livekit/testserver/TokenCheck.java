package dev.meshwire.livekit.testserver;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.util.Map;

/**
 * Validates a LiveKit access token the way livekit-server does: an HS256 JWT signed with the API secret, issued by the
 * API key, not expired, carrying a {@code video} grant with {@code roomJoin} for a named room.
 *
 * <p>Why java-jwt directly: io.livekit:livekit-server 0.13.0 has no access-token verifier class; its own token code
 * ({@code AccessToken} to mint, {@code WebhookReceiver} to verify) is built on com.auth0 java-jwt with
 * {@code Algorithm.HMAC256(secret)} and {@code withIssuer(apiKey)}, which is exactly what this class does.
 */
public final class TokenCheck {
    private final String apiKey;
    private final Algorithm algorithm;

    /** A check for tokens minted with {@code apiKey}/{@code apiSecret}. */
    public TokenCheck(String apiKey, String apiSecret) {
        this.apiKey = apiKey;
        this.algorithm = Algorithm.HMAC256(apiSecret);
    }

    /** What a valid token allows. */
    public record Grant(String identity, String name, String room, boolean canPublishData, boolean canSubscribe) {}

    /** Refused token; the message is safe to show to the client. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message);
        }
    }

    /** Returns the grant of {@code token}, or throws {@link Rejected} with a one-line reason. */
    public Grant verify(String token) throws Rejected {
        if (token == null || token.isBlank()) throw new Rejected("no access token");
        if (token.length() > 16_384) throw new Rejected("access token too long");
        DecodedJWT jwt;
        try {
            jwt = JWT.require(algorithm).withIssuer(apiKey).build().verify(token);
        } catch (JWTVerificationException e) {
            throw new Rejected("invalid access token: " + e.getClass().getSimpleName().replace("Exception", ""));
        }
        String identity = jwt.getSubject();
        if (identity == null || identity.isBlank()) throw new Rejected("access token has no identity");
        Claim video = jwt.getClaim("video");
        Map<String, Object> grant = video.isMissing() || video.isNull() ? null : video.asMap();
        if (grant == null || !Boolean.TRUE.equals(grant.get("roomJoin"))) throw new Rejected("access token does not grant roomJoin");
        Object room = grant.get("room");
        if (!(room instanceof String r) || r.isBlank()) throw new Rejected("access token names no room");
        String name = jwt.getClaim("name").asString();
        return new Grant(identity, name == null ? "" : name, r,
                !Boolean.FALSE.equals(grant.get("canPublishData")), !Boolean.FALSE.equals(grant.get("canSubscribe")));
    }
}
