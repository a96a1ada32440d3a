package dev.meshwire.turn.server.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** MESSAGE-INTEGRITY and FINGERPRINT against the test vectors of RFC 5769. */
class IntegrityTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 5769 §2.1: a request with short-term credentials, MESSAGE-INTEGRITY and FINGERPRINT. */
    private static final byte[] SAMPLE_REQUEST = HEX.parseHex(
            "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74"
                    + "002400046e0001ff80290008932ff9b151263b36000600096576746a3a68367659202020"
                    + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf");
    private static final byte[] SHORT_TERM_KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

    /** RFC 5769 §2.4: a request with long-term credentials (username and password after SASLprep). */
    private static final byte[] LONG_TERM_REQUEST = HEX.parseHex(
            "000100602112a44278ad3433c6ad72c029da412e00060012e3839ee38388e383aae38383e382afe382b90000"
                    + "0015001c662f2f3439396b39353464364f4c33346f4c39465354767936347341"
                    + "0014000b6578616d706c652e6f72670000080014f67024656dd64a3e02b8e0712e85c9a28ca89666");

    @Test
    void verifiesTheShortTermSample() {
        Integrity in = new Integrity();
        assertTrue(in.verify(SAMPLE_REQUEST, SAMPLE_REQUEST.length, SHORT_TERM_KEY), "RFC 5769 §2.1 MESSAGE-INTEGRITY");
        assertTrue(in.fingerprintOk(SAMPLE_REQUEST, SAMPLE_REQUEST.length), "RFC 5769 §2.1 FINGERPRINT");
    }

    @Test
    void sealReproducesTheSampleBytes() {
        int mi = Integrity.findAttribute(SAMPLE_REQUEST, SAMPLE_REQUEST.length, Integrity.MESSAGE_INTEGRITY);
        byte[] bare = Arrays.copyOf(SAMPLE_REQUEST, mi);
        bare[2] = 0;
        bare[3] = (byte) (mi - 20);
        assertArrayEquals(SAMPLE_REQUEST, new Integrity().seal(bare, SHORT_TERM_KEY));
    }

    @Test
    void verifiesTheLongTermSample() {
        byte[] key = Integrity.longTermKey("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9", "example.org", "TheMatrIX");
        assertTrue(new Integrity().verify(LONG_TERM_REQUEST, LONG_TERM_REQUEST.length, key), "RFC 5769 §2.4");
    }

    @Test
    void rejectsATamperedMessageOrWrongKey() {
        Integrity in = new Integrity();
        byte[] tampered = SAMPLE_REQUEST.clone();
        tampered[30] ^= 1;
        assertFalse(in.verify(tampered, tampered.length, SHORT_TERM_KEY));
        assertFalse(in.fingerprintOk(tampered, tampered.length));
        assertFalse(in.verify(SAMPLE_REQUEST, SAMPLE_REQUEST.length, "wrong".getBytes(StandardCharsets.UTF_8)));
        byte[] noIntegrity = Arrays.copyOf(SAMPLE_REQUEST, 20);
        assertFalse(in.verify(noIntegrity, 20, SHORT_TERM_KEY));
    }
}
