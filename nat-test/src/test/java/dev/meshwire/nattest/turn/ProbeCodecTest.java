package dev.meshwire.nattest.turn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.turn.server.stun.Integrity;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.junit.jupiter.api.Test;

/**
 * The probe's STUN handling -- ice4j's codec plus turn-relay's {@link Integrity} for MESSAGE-INTEGRITY and
 * FINGERPRINT -- against the RFC 5769 test vectors (an independent source), and a round trip of what the probe sends.
 */
class ProbeCodecTest {
    private final Integrity integrity = new Integrity();

    private boolean valid(StunTransport.Reply r, byte[] key) {
        return integrity.verify(r.raw(), r.raw().length, key);
    }

    private byte[] encode(Request r, byte[] key) {
        return integrity.seal(r.encode(null), key);
    }

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
    private static final String VECTOR_USERNAME = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    private static final String VECTOR_NONCE = "f//499k954d6OL34oL9FSTvy64sA";
    /** The vector's password "The<U+00AD>M<U+00AA>tr<U+2168>" after SASLprep. */
    private static final String VECTOR_PASSWORD = "TheMatrIX";

    @Test
    void checksTheIntegrityOfTheRfc5769Ipv4ResponseDecodedByIce4j() throws Exception {
        StunTransport.Reply r = StunTransport.decode(IPV4_RESPONSE, IPV4_RESPONSE.length);
        assertNotNull(r, "ice4j decodes the vector");
        assertEquals(Message.BINDING_SUCCESS_RESPONSE, r.message().getMessageType());
        XorMappedAddressAttribute mapped = (XorMappedAddressAttribute) r.message().getAttribute(Attribute.XOR_MAPPED_ADDRESS);
        assertEquals(new TransportAddress("192.0.2.1", 32853, Transport.UDP), mapped.getAddress(r.message().getTransactionID()));
        assertTrue(valid(r, SHORT_TERM_KEY));
        assertFalse(valid(r, "wrong".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aMessageWhoseFingerprintDoesNotMatchIsNotAReply() {
        byte[] bad = IPV4_RESPONSE.clone();
        bad[bad.length - 1] ^= 1;
        assertNull(StunTransport.decode(bad, bad.length), "ice4j rejects the wrong FINGERPRINT");
    }

    @Test
    void longTermKeyChecksTheRfc5769LongTermRequest() {
        StunTransport.Reply r = StunTransport.decode(LONG_TERM_REQUEST, LONG_TERM_REQUEST.length);
        assertNotNull(r);
        byte[] key = Integrity.longTermKey(VECTOR_USERNAME, "example.org", VECTOR_PASSWORD);
        assertTrue(valid(r, key));
        assertFalse(valid(r, Integrity.longTermKey(VECTOR_USERNAME, "example.org", "x")));
    }

    /**
     * Built with ice4j from the vector's own attributes, the request's bytes up to MESSAGE-INTEGRITY are the
     * RFC 5769 2.4 ones, except that ice4j always inserts its SOFTWARE attribute; the MESSAGE-INTEGRITY
     * {@link Integrity#seal} appends then checks with the vector's key, and ice4j accepts the FINGERPRINT.
     */
    @Test
    void encodingTheRfc5769LongTermRequestKeepsItsAttributesAndSignsThemWithItsKey() throws Exception {
        Request req = MessageFactory.createBindingRequest();
        req.setTransactionID(Arrays.copyOfRange(LONG_TERM_REQUEST, 8, 20));
        req.putAttribute(AttributeFactory.createUsernameAttribute(VECTOR_USERNAME));
        req.putAttribute(AttributeFactory.createNonceAttribute(VECTOR_NONCE.getBytes(StandardCharsets.UTF_8)));
        req.putAttribute(AttributeFactory.createRealmAttribute("example.org".getBytes(StandardCharsets.UTF_8)));
        byte[] key = Integrity.longTermKey(VECTOR_USERNAME, "example.org", VECTOR_PASSWORD);
        byte[] wire = encode(req, key);

        int beforeIntegrity = LONG_TERM_REQUEST.length - 24;
        assertArrayEquals(Arrays.copyOfRange(LONG_TERM_REQUEST, 4, beforeIntegrity), Arrays.copyOfRange(wire, 4, beforeIntegrity),
                () -> "cookie, transaction id, USERNAME, NONCE, REALM as in the vector: " + HexFormat.of().formatHex(wire));
        StunTransport.Reply back = StunTransport.decode(wire, wire.length);
        assertNotNull(back, "ice4j decodes it and accepts its FINGERPRINT");
        assertTrue(valid(back, key));
        assertEquals(Attribute.FINGERPRINT, (char) ((wire[wire.length - 8] & 0xFF) << 8 | (wire[wire.length - 7] & 0xFF)),
                "FINGERPRINT comes last");
    }

    @Test
    void encodedCreatePermissionDecodesWithItsTypeAttributesIntegrityAndFingerprint() throws Exception {
        byte[] key = Integrity.longTermKey("1:x", "meshwire.test", "pw");
        byte[] tid = HexFormat.of().parseHex("0102030405060708090a0b0c");
        TransportAddress peer = new TransportAddress(InetAddress.getByName("203.0.113.7"), 9, Transport.UDP);
        Request req = MessageFactory.createCreatePermissionRequest(peer, tid);
        req.setTransactionID(tid);
        req.putAttribute(AttributeFactory.createUsernameAttribute("1:x"));
        byte[] wire = encode(req, key);
        assertEquals(0x0008, (wire[0] & 0xFF) << 8 | (wire[1] & 0xFF), "CreatePermission request type");

        StunTransport.Reply back = StunTransport.decode(wire, wire.length);
        assertNotNull(back);
        assertEquals(Message.CREATEPERMISSION_REQUEST, back.message().getMessageType());
        assertArrayEquals(tid, back.message().getTransactionID());
        XorMappedAddressAttribute p = (XorMappedAddressAttribute) back.message().getAttribute(Attribute.XOR_PEER_ADDRESS);
        assertEquals(peer, p.getAddress(tid));
        assertEquals("1:x", new String(((UsernameAttribute) back.message().getAttribute(Attribute.USERNAME)).getUsername(),
                StandardCharsets.UTF_8));
        assertTrue(valid(back, key));
        assertFalse(valid(back, Integrity.longTermKey("1:x", "meshwire.test", "other")));
    }

    @Test
    void withoutAKeyOnlyTheFingerprintIsAdded() throws Exception {
        Request req = MessageFactory.createAllocateRequest((byte) 17, false);
        req.setTransactionID(new byte[12]);
        byte[] wire = encode(req, null);
        StunTransport.Reply back = StunTransport.decode(wire, wire.length);
        assertNotNull(back);
        assertFalse(back.message().containsAttribute(Attribute.MESSAGE_INTEGRITY));
        assertTrue(back.message().containsAttribute(Attribute.FINGERPRINT));
        assertEquals(Message.ALLOCATE_REQUEST, back.message().getMessageType());
    }
}
