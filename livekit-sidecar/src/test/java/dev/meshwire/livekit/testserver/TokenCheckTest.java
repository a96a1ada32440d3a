package dev.meshwire.livekit.testserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.livekit.server.AccessToken;
import io.livekit.server.CanPublishData;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.util.Date;
import org.junit.jupiter.api.Test;

/** Tokens minted by livekit-server's own {@link AccessToken}, checked by the stand-in's {@link TokenCheck}. */
class TokenCheckTest {
    private static final String KEY = "devkey";
    private static final String SECRET = "standin-secret-of-at-least-thirty-two-bytes";
    private final TokenCheck check = new TokenCheck(KEY, SECRET);

    private static AccessToken token(String key, String secret) {
        AccessToken t = new AccessToken(key, secret);
        t.setIdentity("alice");
        t.setName("Alice");
        return t;
    }

    @Test
    void aValidTokenYieldsIdentityRoomAndGrants() throws Exception {
        AccessToken t = token(KEY, SECRET);
        t.addGrants(new RoomJoin(true), new RoomName("r1"), new CanPublishData(false));
        TokenCheck.Grant g = check.verify(t.toJwt());
        assertEquals(new TokenCheck.Grant("alice", "Alice", "r1", false, true), g);
    }

    @Test
    void refusalsSayWhy() {
        AccessToken other = token(KEY, "another-secret-of-at-least-thirty-two-bytes");
        other.addGrants(new RoomJoin(true), new RoomName("r1"));
        assertTrue(refusal(other.toJwt()).startsWith("invalid access token: SignatureVerification"), refusal(other.toJwt()));

        AccessToken wrongKey = token("otherkey", SECRET);
        wrongKey.addGrants(new RoomJoin(true), new RoomName("r1"));
        assertTrue(refusal(wrongKey.toJwt()).startsWith("invalid access token: IncorrectClaim"), refusal(wrongKey.toJwt()));

        AccessToken expired = token(KEY, SECRET);
        expired.addGrants(new RoomJoin(true), new RoomName("r1"));
        expired.setExpiration(new Date(System.currentTimeMillis() - 3_600_000));
        assertTrue(refusal(expired.toJwt()).startsWith("invalid access token: TokenExpired"), refusal(expired.toJwt()));

        AccessToken noJoin = token(KEY, SECRET);
        noJoin.addGrants(new RoomName("r1"));
        assertEquals("access token does not grant roomJoin", refusal(noJoin.toJwt()));

        AccessToken noRoom = token(KEY, SECRET);
        noRoom.addGrants(new RoomJoin(true));
        assertEquals("access token names no room", refusal(noRoom.toJwt()));

        assertEquals("no access token", refusal(""));
        assertEquals("invalid access token: JWTDecode", refusal("not.a.jwt"));
        assertEquals("access token too long", refusal("x".repeat(20_000)));
    }

    private String refusal(String token) {
        return assertThrows(TokenCheck.Rejected.class, () -> check.verify(token)).getMessage();
    }
}
