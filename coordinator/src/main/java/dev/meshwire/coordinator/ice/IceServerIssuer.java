package dev.meshwire.coordinator.ice;

import dev.meshwire.signaling.frame.Frames;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ICE servers a member gets in {@code hello_ack}: the embedded STUN responder, plus TURN with
 * ephemeral credentials of the TURN REST API scheme — username {@code <expiry unix seconds>:<pubkey>},
 * password {@code base64(HMAC-SHA1(secret, username))} — so a TURN server with the same shared secret
 * accepts them without knowing the members, and a leaked credential dies on its own.
 */
public final class IceServerIssuer {
    private final List<String> stunUrls;
    private final TurnSettings turn;
    private final Clock clock;

    /** @param turn null when no TURN server is configured */
    public IceServerIssuer(List<String> stunUrls, TurnSettings turn, Clock clock) {
        this.stunUrls = List.copyOf(stunUrls);
        this.turn = turn;
        this.clock = clock;
    }

    public static IceServerIssuer none() {
        return new IceServerIssuer(List.of(), null, Clock.systemUTC());
    }

    public List<Frames.IceServer> forMember(String pubkey) {
        List<Frames.IceServer> out = new ArrayList<>();
        if (!stunUrls.isEmpty()) out.add(new Frames.IceServer(stunUrls, null, null));
        if (turn != null) {
            long expiry = clock.instant().plus(turn.ttl()).getEpochSecond();
            String username = expiry + ":" + pubkey;
            out.add(new Frames.IceServer(turn.urls(), username, password(turn.secret(), username)));
        }
        return out;
    }

    /** The TURN REST API password for {@code username}: what coturn computes from its static-auth-secret. */
    public static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }
}
