package dev.meshwire.peer.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hand-over of freshly sealed envelopes from the accept to the drain: a hit is the object the stored text was
 * written from (and equal to what parsing that text gives, so the drain sends the same envelope either way), taken
 * once; anything else is a miss that the drain answers by parsing the row; the cache stays within its bounds.
 */
class SealedEnvelopesTest {
    private static final Identity ALICE = Identity.generate();
    private static final String BOB = "b0".repeat(32);

    private static Envelope signed(String cmid, List<String> mentions, Long expiresAt, String replyTo, String subpeer) {
        Meta meta = new Meta(cmid, null, Priority.NOW, null, null, null, null, null, null, replyTo, mentions, expiresAt,
                1_764_800_000_000L, subpeer);
        Envelope unsigned = new Envelope(Envelope.VERSION, Channel.DM, BOB, ALICE.publicKeyHex(),
                new Body("bm9uY2Vub25jZW5vbmNlbm9uY2Vub25j", "Y2lwaGVydGV4dA==", Body.TEXT_V1), meta, null);
        return EnvelopeSignature.sign(unsigned, ALICE);
    }

    private static String json(Envelope e) throws Exception {
        return Json.MAPPER.writeValueAsString(e);
    }

    @Test
    void theObjectIsWhatParsingItsStoredTextGives() throws Exception {
        for (Envelope e : List.of(signed("c-1", null, null, null, null),
                signed("c-2", List.of("ca".repeat(32), "x"), 9_999_999_999_999L, "c-1", "lk:bob"))) {
            Envelope parsed = Json.MAPPER.readValue(json(e), Envelope.class);
            assertEquals(e, parsed, "the drain sends the same envelope from the cache as from the row");
            assertEquals(json(e), json(parsed));
            assertTrue(EnvelopeSignature.verify(parsed));
        }
    }

    @Test
    void aHitIsTakenOnceAndKeyedByTheTextNotTheInstance() throws Exception {
        SealedEnvelopes cache = new SealedEnvelopes();
        Envelope e = signed("c-1", null, null, null, null);
        String text = json(e);
        cache.remember(text, e);
        // The drain reads the row back from SQLite: an equal string, another instance.
        assertSame(e, cache.take(new String(text.toCharArray())));
        assertNull(cache.take(text), "a retry parses the row");
        assertEquals(0, cache.size());
        assertNull(cache.take(json(signed("c-other", null, null, null, null))), "never remembered: a miss");
    }

    @Test
    void anAcceptThatInsertedNothingIsForgotten() throws Exception {
        SealedEnvelopes cache = new SealedEnvelopes();
        Envelope e = signed("c-1", null, null, null, null);
        OutboxStore.NewRequest req = new OutboxStore.NewRequest("c-1", "m", "team", "dm", BOB, "dm", "now", null, null,
                "d".repeat(64), List.of(new OutboxStore.NewCopy(BOB, "bob", json(e), e), new OutboxStore.NewCopy(BOB, "bob", "{}")), null);
        cache.remember(req);
        assertEquals(1, cache.size(), "a copy without its object is not remembered");
        cache.forget(req);
        assertEquals(0, cache.size());
        assertNull(cache.take(json(e)));
    }

    @Test
    void staysWithinItsBoundsDroppingTheOldestFirst() throws Exception {
        SealedEnvelopes byCount = new SealedEnvelopes(3, Long.MAX_VALUE);
        Envelope[] es = new Envelope[5];
        for (int i = 0; i < es.length; i++) {
            es[i] = signed("c-" + i, null, null, null, null);
            byCount.remember(json(es[i]), es[i]);
        }
        assertEquals(3, byCount.size());
        assertNull(byCount.take(json(es[0])));
        assertNull(byCount.take(json(es[1])));
        assertSame(es[4], byCount.take(json(es[4])));

        int one = json(es[0]).length();
        SealedEnvelopes byChars = new SealedEnvelopes(100, 2L * one + 10);
        for (Envelope e : es) byChars.remember(json(e), e);
        assertEquals(2, byChars.size());
        assertSame(es[3], byChars.take(json(es[3])));

        SealedEnvelopes big = new SealedEnvelopes();
        big.remember("x".repeat(SealedEnvelopes.MAX_ENTRY_CHARS + 1), es[0]);
        assertEquals(0, big.size(), "a huge envelope is not kept");
    }
}
