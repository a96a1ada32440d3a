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

    private static OutboxStore.NewRequest request(Envelope... envelopes) throws Exception {
        List<OutboxStore.NewCopy> copies = new java.util.ArrayList<>();
        for (Envelope e : envelopes) copies.add(new OutboxStore.NewCopy(e.target() + copies.size(), "bob", json(e), e));
        return new OutboxStore.NewRequest("c", "m", "team", "dm", BOB, "dm", "now", null, null, "d".repeat(64), copies, null);
    }

    @Test
    void aHitIsTakenOnceAndOnlyForTheExactStoredText() throws Exception {
        SealedEnvelopes cache = new SealedEnvelopes();
        Envelope e = signed("c-1", null, null, null, null);
        String text = json(e);
        cache.remember(7, request(e));
        // The drain reads the row back from SQLite: an equal string, another instance.
        assertSame(e, cache.take(7, BOB + 0, new String(text.toCharArray())));
        assertNull(cache.take(7, BOB + 0, text), "a retry parses the row");
        assertEquals(0, cache.size());
        assertNull(cache.take(8, BOB + 0, text), "never remembered: a miss");

        cache.remember(9, request(e));
        assertNull(cache.take(9, BOB + 0, text.replace("c-1", "c-2")), "another text in the row: never the remembered object");
        assertEquals(0, cache.size(), "and the entry is gone");
    }

    @Test
    void aCopyWithoutItsObjectIsNotRemembered() throws Exception {
        SealedEnvelopes cache = new SealedEnvelopes();
        Envelope e = signed("c-1", null, null, null, null);
        OutboxStore.NewRequest req = new OutboxStore.NewRequest("c-1", "m", "team", "dm", BOB, "dm", "now", null, null,
                "d".repeat(64), List.of(new OutboxStore.NewCopy(BOB, "bob", json(e), e), new OutboxStore.NewCopy("ca".repeat(32), "carol", "{}")), null);
        cache.remember(1, req);
        assertEquals(1, cache.size());
        assertNull(cache.take(1, "ca".repeat(32), "{}"));
        assertSame(e, cache.take(1, BOB, json(e)));
    }

    @Test
    void staysWithinItsBoundsDroppingTheOldestFirst() throws Exception {
        Envelope[] es = new Envelope[5];
        for (int i = 0; i < es.length; i++) es[i] = signed("c-" + i, null, null, null, null);
        SealedEnvelopes byCount = new SealedEnvelopes(3, Long.MAX_VALUE);
        for (int i = 0; i < es.length; i++) byCount.remember(i, request(es[i]));
        assertEquals(3, byCount.size());
        assertNull(byCount.take(0, BOB + 0, json(es[0])));
        assertNull(byCount.take(1, BOB + 0, json(es[1])));
        assertSame(es[4], byCount.take(4, BOB + 0, json(es[4])));

        int one = json(es[0]).length();
        SealedEnvelopes byChars = new SealedEnvelopes(100, 2L * one + 10);
        for (int i = 0; i < es.length; i++) byChars.remember(i, request(es[i]));
        assertEquals(2, byChars.size());
        assertSame(es[3], byChars.take(3, BOB + 0, json(es[3])));

        SealedEnvelopes big = new SealedEnvelopes();
        Envelope huge = es[0];
        big.remember(1, new OutboxStore.NewRequest("c", "m", "team", "dm", BOB, "dm", "now", null, null, "d".repeat(64),
                List.of(new OutboxStore.NewCopy(BOB, "bob", "x".repeat(SealedEnvelopes.MAX_ENTRY_CHARS + 1), huge)), null));
        assertEquals(0, big.size(), "a huge envelope is not kept");
    }
}
