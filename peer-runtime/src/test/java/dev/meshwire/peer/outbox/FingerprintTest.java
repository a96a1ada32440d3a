package dev.meshwire.peer.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.meshwire.signaling.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The request fingerprint's byte layout (docs/delivery.md §2, test vectors computed independently with Python). */
class FingerprintTest {
    static final String BOB = "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29";

    @Test
    void dmVectorWithMeta() throws Exception {
        // meta given with keys out of order: the canonical form sorts them
        var meta = Json.MAPPER.readTree("{\"mentions\":[\"bob\"],\"expiresAt\":1700000000000}");
        byte[] body = "hello bob".getBytes(StandardCharsets.UTF_8);
        String expectedPreimage = "2\0dm\0" + BOB + "\0\0next\0{\"expiresAt\":1700000000000,\"mentions\":[\"bob\"]}\0"
                + "4873d097b90c724ce62c55daf4e8b52f1469d1f1b305d4e735ffd67a5b1bf518";
        assertEquals(expectedPreimage, new String(Fingerprint.preimage("dm", BOB, null, "next", meta, body), StandardCharsets.UTF_8));
        assertEquals("675bc5fcd728a577dd58d884bcc73e411079184fa14038e7e2123fd0260c8ab2",
                Fingerprint.compute("dm", BOB, null, "next", meta, body));
    }

    @Test
    void groupVectorWithoutMetaAndUtf8Body() throws Exception {
        String fp = Fingerprint.compute("group", "*", "", "now", null, "héllo".getBytes(StandardCharsets.UTF_8));
        assertEquals("8b5a058a9304ea9ea8e2524d59f01e2bb3ca6f73e3e81dfd12a0cd3b470d57bb", fp);
        // {} is the same as no meta; null reply-to is the same as ""
        assertEquals(fp, Fingerprint.compute("group", "*", null, "now", Json.MAPPER.readTree("{}"), "héllo".getBytes(StandardCharsets.UTF_8)));
        assertEquals("8b5a058a9304ea9e", Fingerprint.prefix(fp));
    }

    @Test
    void everyFieldMatters() {
        byte[] b = "x".getBytes(StandardCharsets.UTF_8);
        String base = Fingerprint.compute("dm", BOB, null, "next", null, b);
        assertNotEquals(base, Fingerprint.compute("dm", BOB, null, "now", null, b));
        assertNotEquals(base, Fingerprint.compute("dm", BOB, "q_1", "next", null, b));
        assertNotEquals(base, Fingerprint.compute("group", "*", null, "next", null, b));
        assertNotEquals(base, Fingerprint.compute("dm", BOB, null, "next", null, "y".getBytes(StandardCharsets.UTF_8)));
        // the separators keep fields apart: moving a character between fields changes the hash
        assertNotEquals(Fingerprint.compute("dm", "ab", "c", "next", null, b), Fingerprint.compute("dm", "a", "bc", "next", null, b));
    }

    @Test
    void backoffScheduleDoublesFrom500msAndCapsAt30s() {
        long[] expected = {500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000};
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], DrainWorker.backoffMs(i + 1), "attempt " + (i + 1));
        assertEquals(30_000, DrainWorker.backoffMs(25));
        assertEquals(30_000, DrainWorker.backoffMs(1_000));
    }
}
