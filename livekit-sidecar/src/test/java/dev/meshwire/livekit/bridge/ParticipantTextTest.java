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
}
