package dev.meshwire.signaling.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.presence.ResumeToken.Rejection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * docs/test-vectors.md "Presence resume token" (reproduced with OpenSSL 3), and every way a presented token is
 * refused: another signer, another mesh, another identity, expired, issued in the future, malformed.
 */
class ResumeTokenTest {
    static final long NOW = TestVectors.RESUME_IAT + 1_000;
    final Identity key = TestVectors.resumeKey();

    static Optional<Rejection> check(String token) {
        return ResumeToken.check(token, TestVectors.RESUME_KEY_PUB, TestVectors.MESH, TestVectors.ALICE_PUB, NOW);
    }

    @Test
    void theVector() throws Exception {
        assertEquals(TestVectors.RESUME_KEY_PUB, key.publicKeyHex());
        assertEquals(TestVectors.RESUME_CANONICAL, Canonical.resume(TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.RESUME_IAT, TestVectors.RESUME_EXP));
        ResumeToken t = ResumeToken.issue(key, TestVectors.MESH, TestVectors.ALICE_PUB, TestVectors.RESUME_IAT, TestVectors.RESUME_EXP);
        assertEquals(TestVectors.RESUME_SIG, t.signature());
        assertEquals(TestVectors.RESUME_TOKEN, t.encode());
        assertEquals(Optional.of(t), ResumeToken.parse(TestVectors.RESUME_TOKEN));
        assertEquals(Optional.empty(), check(TestVectors.RESUME_TOKEN));
        String doc = Files.readString(Path.of("..", "docs", "test-vectors.md"));
        for (String v : new String[] {TestVectors.RESUME_KEY_PUB, TestVectors.RESUME_CANONICAL, TestVectors.RESUME_SIG}) {
            assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
        }
    }

    @Test
    void refusals() {
        long iat = TestVectors.RESUME_IAT;
        long exp = TestVectors.RESUME_EXP;
        assertEquals(Optional.of(Rejection.BAD_SIGNATURE),
                check(ResumeToken.issue(TestVectors.alice(), TestVectors.MESH, TestVectors.ALICE_PUB, iat, exp).encode()), "another signer");
        assertEquals(Optional.of(Rejection.BAD_SIGNATURE), check(TestVectors.RESUME_TOKEN.replace("|1767312000000|", "|1767312000001|")),
                "a stretched expiry no longer verifies");
        assertEquals(Optional.of(Rejection.WRONG_MESH), check(ResumeToken.issue(key, "m_ffffffffffffffff", TestVectors.ALICE_PUB, iat, exp).encode()));
        assertEquals(Optional.of(Rejection.WRONG_IDENTITY), check(ResumeToken.issue(key, TestVectors.MESH, TestVectors.BOB_PUB, iat, exp).encode()));
        assertEquals(Optional.of(Rejection.EXPIRED), ResumeToken.check(TestVectors.RESUME_TOKEN, TestVectors.RESUME_KEY_PUB, TestVectors.MESH,
                TestVectors.ALICE_PUB, exp));
        assertEquals(Optional.of(Rejection.NOT_YET_VALID), ResumeToken.check(TestVectors.RESUME_TOKEN, TestVectors.RESUME_KEY_PUB, TestVectors.MESH,
                TestVectors.ALICE_PUB, iat - ResumeToken.MAX_FUTURE_SKEW_MS - 1));
        for (String bad : new String[] {"", "garbage", TestVectors.RESUME_TOKEN + "|x", TestVectors.RESUME_TOKEN.replace("|v1|", "|v2|"),
                TestVectors.RESUME_TOKEN.toUpperCase(), TestVectors.RESUME_TOKEN.replace("|1767225600000|", "|01767225600000|"),
                TestVectors.RESUME_TOKEN.replace("|1767312000000|", "|1767225600000|"), TestVectors.RESUME_TOKEN + "x".repeat(ResumeToken.MAX_CHARS),
                TestVectors.RESUME_TOKEN.replace("m_0011223344556677", "m_00|11")}) {
            assertEquals(Optional.of(Rejection.MALFORMED), check(bad), bad);
        }
        assertEquals(Optional.of(Rejection.MALFORMED), check(null));
    }

    @Test
    void issuingRefusesWhatCannotBeEncoded() {
        assertThrows(IllegalArgumentException.class, () -> ResumeToken.issue(key, "a|b", TestVectors.ALICE_PUB, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> ResumeToken.issue(key, TestVectors.MESH, "nothex", 1, 2));
        assertThrows(IllegalArgumentException.class, () -> ResumeToken.issue(key, TestVectors.MESH, TestVectors.ALICE_PUB, 2, 2));
    }
}
