package dev.meshwire.signaling.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.crypto.FixedNonce;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.frame.ProtocolException;
import dev.meshwire.signaling.fuzz.Fuzz;
import dev.meshwire.signaling.fuzz.Mutator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: Envelope v2 as a receiver takes it from the relay — decoded inside a {@code deliver} frame,
 * its signature checked ({@link EnvelopeSignature#verify} answers true or false, never throws), and when
 * it verifies, its body opened — either is accepted or refused with the documented exceptions
 * ({@link ProtocolException} from the codec, {@link CryptoException} or IllegalArgumentException for a
 * body that is not base64 or does not open). Seeds are envelopes sealed and signed with real keys; half
 * of the mutated ones are signed again after the mutation, so the body and meta checks behind the
 * signature are reached too.
 */
class EnvelopeFuzzTest {
    private static final Identity ALICE = TestVectors.alice();
    private static final Identity BOB = TestVectors.bob();
    private static final BoxCipher ALICE_BOX = new BoxCipher(ALICE);
    private static final BoxCipher BOB_BOX = new BoxCipher(BOB);

    @Test
    void sealedEnvelopesMutatedDecodeVerifyAndOpenOrAreRefused() {
        Mutator m = Mutator.json(SEEDS);
        Fuzz.Generator resigned = r -> resign(m, r);
        Fuzz.run("envelope", Fuzz.oneOf(m, resigned), EnvelopeFuzzTest::receive,
                Fuzz.Contract.refusing(ProtocolException.class, CryptoException.class, IllegalArgumentException.class))
                .assertNoCrash().assertBothOutcomes();
    }

    private static final List<String> SEEDS = seeds();

    static List<String> seeds() {
        Meta full = new Meta("c1", "fp", Priority.NOW, 1000L, "s1", 2L, true, "r1", false, "c0", List.of("bob", "*"), 9L, 5L);
        return List.of(
                json(seal(Channel.DM, BOB.publicKeyHex(), "hello", Meta.of("cmid-1", Priority.NEXT, 1L))),
                json(seal(Channel.GROUP, "*", "to all é 😀", full)),
                json(seal(Channel.DM, BOB.publicKeyHex(), "", Meta.of("cmid-2", null, null))),
                json(seal(Channel.STREAM, BOB.publicKeyHex(), "x".repeat(3000), full)));
    }

    static Envelope seal(Channel channel, String target, String text, Meta meta) {
        byte[] nonce = new byte[BoxCipher.NONCE_BYTES];
        nonce[0] = (byte) text.length(); // fixed nonces keep the seeds, and so every input, the same in every run
        SealedBody sealed = FixedNonce.seal(ALICE_BOX, BOB.publicKey(), text.getBytes(StandardCharsets.UTF_8), nonce);
        Base64.Encoder b64 = Base64.getEncoder();
        Body body = new Body(b64.encodeToString(sealed.nonce()), b64.encodeToString(sealed.ciphertext()), Body.TEXT_V1);
        return EnvelopeSignature.sign(new Envelope(Envelope.VERSION, channel, target, ALICE.publicKeyHex(), body, meta, null), ALICE);
    }

    /** A seed mutated as a tree, then signed again by Alice when it still maps to an envelope of hers. */
    static byte[] resign(Mutator m, Random r) {
        JsonNode tree = parse(SEEDS.get(r.nextInt(SEEDS.size())));
        for (int n = 1 + r.nextInt(2); n > 0; n--) tree = m.mutateTree(tree, r);
        try {
            Envelope e = Json.MAPPER.treeToValue(tree, Envelope.class);
            if (e != null && ALICE.publicKeyHex().equals(e.from())) {
                return json(EnvelopeSignature.sign(e, ALICE)).getBytes(StandardCharsets.UTF_8);
            }
        } catch (JsonProcessingException | RuntimeException notAnEnvelopeOfAlice) {
            // sent as mutated, unsigned
        }
        return tree.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The receiving side of the relay path: decode, verify, open. */
    static void receive(byte[] input) {
        String frame = "{\"type\":\"deliver\",\"messageId\":\"m1\",\"mesh\":\"" + TestVectors.MESH + "\",\"envelope\":"
                + new String(input, StandardCharsets.UTF_8) + "}";
        Envelope env = ((Frames.Deliver) FrameCodec.decode(frame)).envelope();
        // What the daemon's inbound processing checks before it opens a body (InboundProcessor.handle).
        if (env == null || !EnvelopeSignature.verify(env)) return;
        Base64.Decoder b64 = Base64.getDecoder();
        BOB_BOX.open(ALICE.publicKey(), b64.decode(env.body().nonce()), b64.decode(env.body().ciphertext()));
    }

    private static String json(Envelope e) {
        try {
            return Json.MAPPER.writeValueAsString(e);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }

    private static JsonNode parse(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }
}
