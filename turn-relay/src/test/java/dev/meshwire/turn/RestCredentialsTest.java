package dev.meshwire.turn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwire.turn.server.auth.LongTermKeys;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The vector of docs/test-vectors.md "TURN REST credential": what an independent issuer or server must compute. */
class RestCredentialsTest {
    private static final String SECRET = "meshwire-test-secret";
    private static final String USERNAME = "1767225600:" + "ab".repeat(32);

    @Test
    void usernameAndPasswordMatchTheDocumentedVector() {
        assertEquals(USERNAME, RestCredentials.username(1767225600L, "ab".repeat(32)));
        assertEquals("zTw75bb6NYy52U4SUCgO95an8G8=", RestCredentials.password(SECRET, USERNAME));
        assertEquals(1767225600L, RestCredentials.expiryOf(USERNAME));
        assertEquals(-1L, RestCredentials.expiryOf("alice"));
    }

    @Test
    void longTermKeyMatchesTheDocumentedVector() {
        assertArrayEquals(HexFormat.of().parseHex("7290a40e8396ea16509d779d4b33669e"),
                new LongTermKeys(SECRET, "meshwire").keyOf(USERNAME));
    }
}
