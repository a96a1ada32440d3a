package dev.meshwire.signaling.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.FixedNonce;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.fuzz.Mutator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Fuzz seeds: envelopes from Alice to Bob ({@link TestVectors}), sealed and signed with the real keys
 * (fixed nonces, so every run has the same seeds), and a generator that signs mutated envelopes again.
 */
public final class SealedEnvelopes {
    public static final Identity ALICE = TestVectors.alice();
    public static final Identity BOB = TestVectors.bob();
    private static final BoxCipher ALICE_BOX = new BoxCipher(ALICE);
    /** The JSON of each seed envelope. */
    public static final List<String> SEEDS = seeds();

    private SealedEnvelopes() {}

    private static List<String> seeds() {
        Meta full = new Meta("c1", "fp", Priority.NOW, 1000L, "s1", 2L, true, "r1", false, "c0", List.of("bob", "*"), 9L, 5L);
        return List.of(
                json(seal(Channel.DM, BOB.publicKeyHex(), "hello", Meta.of("cmid-1", Priority.NEXT, 1L))),
                json(seal(Channel.GROUP, "*", "to all é 😀", full)),
                json(seal(Channel.DM, BOB.publicKeyHex(), "", Meta.of("cmid-2", null, null))),
                json(seal(Channel.STREAM, BOB.publicKeyHex(), "x".repeat(3000), full)));
    }

    private static Envelope seal(Channel channel, String target, String text, Meta meta) {
        byte[] nonce = new byte[BoxCipher.NONCE_BYTES];
        nonce[0] = (byte) text.length();
        SealedBody sealed = FixedNonce.seal(ALICE_BOX, BOB.publicKey(), text.getBytes(StandardCharsets.UTF_8), nonce);
        Base64.Encoder b64 = Base64.getEncoder();
        Body body = new Body(b64.encodeToString(sealed.nonce()), b64.encodeToString(sealed.ciphertext()), Body.TEXT_V1);
        return EnvelopeSignature.sign(new Envelope(Envelope.VERSION, channel, target, ALICE.publicKeyHex(), body, meta, null), ALICE);
    }

    /**
     * A seed mutated as a tree, then signed again by Alice when it still maps to a complete envelope of
     * hers (so the checks behind the signature are reached); else the mutated JSON as it is.
     */
    public static byte[] resigned(Mutator m, Random r) {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(SEEDS.get(r.nextInt(SEEDS.size())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        for (int n = 1 + r.nextInt(2); n > 0; n--) tree = m.mutateTree(tree, r);
        try {
            Envelope e = Json.MAPPER.treeToValue(tree, Envelope.class);
            if (e != null && ALICE.publicKeyHex().equals(e.from()) && EnvelopeSignature.missing(e) == null) {
                return json(EnvelopeSignature.sign(e, ALICE)).getBytes(StandardCharsets.UTF_8);
            }
        } catch (JsonProcessingException | IllegalArgumentException notAnEnvelope) {
            // sent as mutated, unsigned
        }
        return tree.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String json(Envelope e) {
        try {
            return Json.MAPPER.writeValueAsString(e);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }
}
