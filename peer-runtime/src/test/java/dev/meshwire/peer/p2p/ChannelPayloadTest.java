package dev.meshwire.peer.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** An envelope on a direct channel is held to the relay's rules: typed fields and meta's closed key set. */
class ChannelPayloadTest {
    private static Envelope signed() {
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        Envelope e = new Envelope(Envelope.VERSION, Channel.DM, b.publicKeyHex(), a.publicKeyHex(),
                new Body("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "AAAA", Body.TEXT_V1), Meta.of("c1", Priority.NEXT, 1L), null);
        return EnvelopeSignature.sign(e, a);
    }

    @Test
    void aValidEnvelopeRoundTrips() throws IOException {
        Envelope e = signed();
        Envelope back = ChannelPayload.decodeEnvelope(ChannelPayload.envelope(e));
        assertEquals(e, back);
        assertTrue(EnvelopeSignature.verify(back));
    }

    @Test
    void anExtraMetaKeyOrAnIllTypedFieldIsRefusedInPlainWords() throws Exception {
        ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(ChannelPayload.envelope(signed()));
        ((ObjectNode) tree.get("meta")).put("extra", 1);
        IOException e = assertThrows(IOException.class,
                () -> ChannelPayload.decodeEnvelope(Json.MAPPER.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8)));
        assertEquals("envelope: field 'meta.extra' is not allowed: meta has a closed set of keys (docs/protocol.md §4)", e.getMessage());

        ObjectNode typed = (ObjectNode) Json.MAPPER.readTree(ChannelPayload.envelope(signed()));
        typed.put("v", "2");
        IOException t = assertThrows(IOException.class,
                () -> ChannelPayload.decodeEnvelope(Json.MAPPER.writeValueAsString(typed).getBytes(StandardCharsets.UTF_8)));
        assertEquals("envelope: field 'v' must be an integer", t.getMessage());
    }
}
