package dev.meshwire.livekit.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ParticipantTextTest {
    @Test
    void roomTextNamesTheParticipantAndKeepsBinaryIntact() {
        assertEquals("[lk:alice] hello", ParticipantText.fromParticipant("alice", "hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals("[lk:a%20b%5D%25] x", ParticipantText.fromParticipant("a b]%", "x".getBytes(StandardCharsets.UTF_8)));
        assertEquals("[lk:zoë] ok", ParticipantText.fromParticipant("zoë", "ok".getBytes(StandardCharsets.UTF_8)));
        assertEquals("[lk:bob b64] /wA=", ParticipantText.fromParticipant("bob", new byte[] {(byte) 0xff, 0}));
    }

    @Test
    void meshTextAddressesAParticipantInEitherForm() {
        ParticipantText.Addressed a = ParticipantText.toParticipant("lk:alice hello there");
        assertEquals("alice", a.identity());
        assertArrayEquals("hello there".getBytes(StandardCharsets.UTF_8), a.payload());
        ParticipantText.Addressed b = ParticipantText.toParticipant("[lk:a%20b%5D%25] reply");
        assertEquals("a b]%", b.identity());
        assertArrayEquals("reply".getBytes(StandardCharsets.UTF_8), b.payload());
        assertEquals("zoë", ParticipantText.toParticipant("lk:zoë hi").identity());
    }

    @Test
    void meshTextWithoutAParticipantIsRefusedWithAReason() {
        assertEquals("a message to the LiveKit side-car must start with lk:<participant identity>, e.g. \"lk:alice hello\"",
                assertThrows(IllegalArgumentException.class, () -> ParticipantText.toParticipant("hello")).getMessage());
        assertEquals("nothing to send after lk:<identity>",
                assertThrows(IllegalArgumentException.class, () -> ParticipantText.toParticipant("lk:alice")).getMessage());
        assertEquals("the participant identity after lk: is empty",
                assertThrows(IllegalArgumentException.class, () -> ParticipantText.toParticipant("lk: hi")).getMessage());
        assertEquals("nothing to send to lk:alice",
                assertThrows(IllegalArgumentException.class, () -> ParticipantText.toParticipant("[lk:alice] ")).getMessage());
    }

    @Test
    void participantsAreSubpeerNamesThatRoundTrip() {
        assertEquals("lk:alice", ParticipantText.subpeerName("alice"));
        assertEquals("lk:bob%20smith", ParticipantText.subpeerName("bob smith"));
        assertEquals("lk:zoë", ParticipantText.subpeerName("zoë"));
        assertEquals("lk:a%E2%80%83b%0A", ParticipantText.subpeerName("a\u2003b\n"), "any Unicode space and control characters");
        for (String id : new String[] {"alice", "bob smith", "zoë", "a\u2003b\n", "[x]%", "🙂 ok"}) {
            String name = ParticipantText.subpeerName(id);
            assertEquals(null, dev.meshwire.signaling.subpeer.SubpeerSet.nameProblem(name), name);
            assertEquals(id, ParticipantText.identityOf(name), name);
        }
        assertEquals(null, ParticipantText.subpeerName("x".repeat(129)), "too long to be listed");
        assertEquals(null, ParticipantText.identityOf("hook:alice"));
        assertEquals(null, ParticipantText.identityOf(null));
    }
}
