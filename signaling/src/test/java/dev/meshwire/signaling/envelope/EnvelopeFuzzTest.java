package dev.meshwire.signaling.envelope;

import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.frame.ProtocolException;
import dev.meshwire.signaling.fuzz.Fuzz;
import dev.meshwire.signaling.fuzz.Mutator;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: Envelope v2 as a receiver takes it from the relay — decoded inside a {@code deliver} frame,
 * its signature checked ({@link EnvelopeSignature#verify} answers true or false, never throws), and when
 * it verifies, its body opened — either is accepted or refused with the documented exceptions
 * ({@link ProtocolException} from the codec, {@link CryptoException} or IllegalArgumentException for a
 * body that is not base64 or does not open). Seeds are envelopes sealed and signed with real keys
 * ({@link SealedEnvelopes}); half of the mutated ones are signed again after the mutation, so the body
 * and meta checks behind the signature are reached too.
 */
class EnvelopeFuzzTest {
    private static final BoxCipher BOB_BOX = new BoxCipher(SealedEnvelopes.BOB);

    @Test
    void sealedEnvelopesMutatedDecodeVerifyAndOpenOrAreRefused() {
        Mutator m = Mutator.json(SealedEnvelopes.SEEDS);
        Fuzz.run("envelope", Fuzz.oneOf(m, r -> SealedEnvelopes.resigned(m, r)), EnvelopeFuzzTest::receive,
                Fuzz.Contract.refusing(ProtocolException.class, CryptoException.class, IllegalArgumentException.class))
                .assertNoCrash().assertBothOutcomes();
    }

    /** The receiving side of the relay path: decode, verify, open (as the daemon's inbound processing does). */
    static void receive(byte[] input) {
        String frame = "{\"type\":\"deliver\",\"messageId\":\"m1\",\"mesh\":\"" + TestVectors.MESH + "\",\"envelope\":"
                + new String(input, StandardCharsets.UTF_8) + "}";
        Envelope env = ((Frames.Deliver) FrameCodec.decode(frame)).envelope();
        if (env == null || !EnvelopeSignature.verify(env)) return;
        Base64.Decoder b64 = Base64.getDecoder();
        BOB_BOX.open(SealedEnvelopes.ALICE.publicKey(), b64.decode(env.body().nonce()), b64.decode(env.body().ciphertext()));
    }
}
