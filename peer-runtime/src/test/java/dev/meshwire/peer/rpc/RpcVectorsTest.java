package dev.meshwire.peer.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/test-vectors.md "rpc bodies": the plaintext of a request and of both answer forms, and the canonical string and
 * signature of an rpc request envelope (alice → bob, the box vector as its body) with the rpc meta fields.
 */
class RpcVectorsTest {
    static final String REQUEST_BODY = "{\"args\":{\"a\":[true,null],\"b\":1},\"method\":\"echo\"}";
    static final String ANSWER_OK = "{\"result\":{\"n\":10}}";
    static final String ANSWER_ERROR = "{\"error\":{\"code\":\"no_handler\",\"message\":\"no handler for method 'echo' on the callee\"}}";
    static final String REQUEST_CANONICAL = "meshwire-envelope|v2|rpc|" + TestVectors.BOB_PUB + "|" + TestVectors.ALICE_PUB
            + "|AAECAwQFBgcICQoLDA0ODxAREhMUFRYX|14a077467050c0e0c94fcaa57618e48dc72ecda00fdac995e7a876b0a84b7fab|1|"
            + "{\"clientMessageId\":\"rpc:req-0001\",\"createdAt\":1767225600000,\"expiresAt\":1767225630000,\"priority\":\"now\","
            + "\"rpcCorrelationId\":\"req-0001\",\"timeoutMs\":30000}";
    static final String REQUEST_SIG = "ccb67d70b1e4e3b15ac66d61b12a8309925276fd21d5c3f000b0f8317c57509111feb0076e96c85a1aca392f518ba8f2c6cd97924553d8435b3c5474a9481609";

    @Test
    void bodiesAreCanonicalJson() throws Exception {
        assertEquals(REQUEST_BODY, new String(RpcWire.requestBody("echo", Json.MAPPER.readTree("{\"b\":1,\"a\":[true,null]}")),
                StandardCharsets.UTF_8));
        assertEquals(ANSWER_OK, RpcWire.Answer.ok(Json.MAPPER.readTree("{\"n\":10}")).json());
        assertEquals(ANSWER_ERROR, RpcWire.Answer.error("no_handler", "no handler for method 'echo' on the callee").json());
        assertEquals(RpcWire.Answer.ok(Json.MAPPER.readTree("{\"n\":10}")), RpcWire.Answer.parse(ANSWER_OK));
        assertEquals("no_handler", RpcWire.Answer.parse(ANSWER_ERROR).error().code());
        assertEquals("echo", RpcWire.parseRequest(REQUEST_BODY.getBytes(StandardCharsets.UTF_8)).method());
    }

    @Test
    void aRequestEnvelopesCanonicalStringAndSignature() {
        Envelope unsigned = new Envelope(Envelope.VERSION, Channel.RPC, TestVectors.BOB_PUB, TestVectors.ALICE_PUB,
                new Body(TestVectors.BOX_NONCE_B64, TestVectors.BOX_CIPHERTEXT_B64, Body.TEXT_V1),
                new Meta("rpc:req-0001", null, Priority.NOW, 30_000L, null, null, null, "req-0001", null, null, null,
                        1767225630000L, 1767225600000L), null);
        assertEquals(REQUEST_CANONICAL, EnvelopeSignature.canonical(unsigned));
        Envelope signed = EnvelopeSignature.sign(unsigned, TestVectors.alice());
        assertEquals(REQUEST_SIG, signed.signature());
        assertTrue(EnvelopeSignature.verify(signed));
    }

    @Test
    void theDocumentShowsThem() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "test-vectors.md"));
        for (String v : List.of(REQUEST_BODY, ANSWER_OK, ANSWER_ERROR, REQUEST_CANONICAL, REQUEST_SIG)) {
            assertTrue(doc.contains(v), "docs/test-vectors.md lacks " + v);
        }
    }
}
