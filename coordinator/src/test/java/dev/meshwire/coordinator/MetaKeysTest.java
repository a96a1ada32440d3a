package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.CanonicalJson;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code envelope.meta} has a closed key set (docs/protocol.md §4): a key outside it is refused with
 * {@code invalid_frame} naming the key, whether the sender signed it or added it after signing, and nothing is
 * queued or delivered. Before, the first got {@code bad_signature} and the second was silently stripped.
 */
class MetaKeysTest {
    static CoordinatorFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new CoordinatorFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** The send frame of {@code env} with {@code meta.extra = "value"}; re-signed over the extended meta when {@code signIt}. */
    private static String sendWithExtraMetaKey(String id, String to, Envelope env, Identity signer, boolean signIt) throws Exception {
        ObjectNode frame = (ObjectNode) Json.MAPPER.readTree(FrameCodec.encode(new Frames.Send(id, to, env)));
        ObjectNode envelope = (ObjectNode) frame.get("envelope");
        ObjectNode meta = (ObjectNode) envelope.get("meta");
        meta.put("extra", "value");
        if (signIt) {
            // The canonical string with canonical(meta) of the extended meta: what a sender that signs all of meta signs.
            String original = EnvelopeSignature.canonical(env);
            String withoutMeta = original.substring(0, original.length() - CanonicalJson.write(Json.MAPPER.valueToTree(env.meta())).length());
            String canonical = withoutMeta + CanonicalJson.write(meta);
            assertTrue(canonical.contains("\"extra\":\"value\""), canonical);
            envelope.put("signature", signer.signHex(canonical));
        }
        return Json.MAPPER.writeValueAsString(frame);
    }

    @Test
    void anExtraMetaKeyIsRefusedSignedOrNotAndNothingIsDelivered() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "meta");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            for (boolean signed : new boolean[] {true, false}) {
                String id = signed ? "signed" : "added";
                alice.sendRaw(sendWithExtraMetaKey(id, bob.pubkey(), alice.dm(bobId, "x"), m.owner(), signed));
                Frames.Error e = alice.await(Frames.Error.class, x -> id.equals(x.id()));
                assertEquals("invalid_frame", e.code(), id);
                assertEquals("send: field 'envelope.meta.extra' is not allowed: meta has a closed set of keys (docs/protocol.md §4)",
                        e.message(), id);
            }
            // The next valid message is the first thing bob receives: nothing of the refused ones was queued or stripped.
            Envelope ok = alice.dm(bobId, "after");
            alice.send(new Frames.Send("ok", bob.pubkey(), ok));
            assertEquals("accepted", alice.await(Frames.Ack.class, a -> "ok".equals(a.id())).status());
            Frames.Deliver d = bob.await(Frames.Deliver.class);
            assertEquals(ok, d.envelope());
            assertFalse(bob.seen().stream().anyMatch(f -> f instanceof Frames.Deliver other && !other.envelope().equals(ok)));
        }
    }
}
