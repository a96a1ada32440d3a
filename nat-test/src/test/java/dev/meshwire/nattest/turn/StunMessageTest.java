package dev.meshwire.nattest.turn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The codec against the RFC 5769 test vectors (an independent source), plus round trips of what the probe sends. */
class StunMessageTest {
    /** RFC 5769 2.2, "Sample IPv4 Response": Binding success, XOR-MAPPED-ADDRESS 192.0.2.1:32853. */
    private static final byte[] IPV4_RESPONSE = HexFormat.of().parseHex(
            "0101003c2112a442b7e7a701bc34d686fa87dfae"
            + "8022000b7465737420766563746f7220"
            + "002000080001a147e112a643"
            + "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
            + "80280004c07d4c96");
    private static final byte[] SHORT_TERM_KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

    /** RFC 5769 2.4, "Sample Request with Long-Term Authentication" (no FINGERPRINT). */
    private static final byte[] LONG_TERM_REQUEST = HexFormat.of().parseHex(
            "000100602112a44278ad3433c6ad72c029da412e"
            + "00060012e3839ee38388e383aae38383e382afe382b90000"
            + "0015001c662f2f3439396b39353464364f4c33346f4c39465354767936347341"
            + "0014000b6578616d706c652e6f726700"
            + "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666");

    @Test
    void decodesTheRfc5769Ipv4ResponseAndChecksItsIntegrityAndFingerprint() {
        StunMessage m = StunMessage.decode(IPV4_RESPONSE, IPV4_RESPONSE.length);
        assertEquals(0x001, m.method());
        assertEquals(StunMessage.SUCCESS, m.messageClass());
        assertEquals(new InetSocketAddress("192.0.2.1", 32853), m.getXorAddress(StunMessage.XOR_MAPPED_ADDRESS));
        assertTrue(m.integrityValid(SHORT_TERM_KEY));
        assertFalse(m.integrityValid("wrong".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rejectsAMessageWhoseFingerprintDoesNotMatch() {
        byte[] bad = IPV4_RESPONSE.clone();
        bad[bad.length - 1] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> StunMessage.decode(bad, bad.length));
    }

    @Test
    void longTermKeyIsMd5OfUsernameRealmPasswordAsInRfc5769() {
        StunMessage m = StunMessage.decode(LONG_TERM_REQUEST, LONG_TERM_REQUEST.length);
        assertEquals("example.org", m.getString(StunMessage.REALM));
        byte[] key = StunMessage.longTermKey(m.getString(StunMessage.USERNAME), "example.org", "TheMatrIX");
        assertTrue(m.integrityValid(key));
    }

    @Test
    void encodedRequestDecodesWithItsTypeAttributesIntegrityAndFingerprint() throws Exception {
        byte[] key = StunMessage.longTermKey("1:x", "meshwire.test", "pw");
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName("203.0.113.7"), 9);
        StunMessage req = StunMessage.request(StunMessage.CREATE_PERMISSION)
                .add(StunMessage.XOR_PEER_ADDRESS, StunMessage.xorAddress(peer))
                .addString(StunMessage.USERNAME, "1:x");
        byte[] wire = req.encode(key);
        assertEquals(0x0008, (wire[0] & 0xFF) << 8 | (wire[1] & 0xFF), "CreatePermission request type");
        StunMessage back = StunMessage.decode(wire, wire.length);
        assertEquals(StunMessage.CREATE_PERMISSION, back.method());
        assertEquals(StunMessage.REQUEST, back.messageClass());
        assertArrayEquals(req.transactionId(), back.transactionId());
        assertEquals(peer, back.getXorAddress(StunMessage.XOR_PEER_ADDRESS));
        assertEquals("1:x", back.getString(StunMessage.USERNAME));
        assertTrue(back.integrityValid(key));
    }

    @Test
    void messageTypesInterleaveMethodAndClassBits() {
        assertEquals(0x0003, StunMessage.type(StunMessage.ALLOCATE, StunMessage.REQUEST));
        assertEquals(0x0103, StunMessage.type(StunMessage.ALLOCATE, StunMessage.SUCCESS));
        assertEquals(0x0113, StunMessage.type(StunMessage.ALLOCATE, StunMessage.ERROR));
        assertEquals(0x0118, StunMessage.type(StunMessage.CREATE_PERMISSION, StunMessage.ERROR));
    }
}
