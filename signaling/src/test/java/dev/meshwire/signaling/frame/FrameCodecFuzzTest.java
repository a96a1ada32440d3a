package dev.meshwire.signaling.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwire.signaling.fuzz.Fuzz;
import dev.meshwire.signaling.fuzz.Mutator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: {@link FrameCodec#decode} — what the coordinator and every daemon run on each WebSocket text
 * frame — either returns a frame or refuses with a {@link ProtocolException} that has a message, for
 * {@value Fuzz#DEFAULT_COUNT} mutated frames of every type (more under bench/fuzz.sh). A decoded frame
 * encodes again, and {@link FrameCodec#peekId} (used to echo the id of a refused frame) never throws.
 */
class FrameCodecFuzzTest {
    @Test
    void everyFrameTypeMutatedDecodesOrIsRefused() {
        List<String> seeds = FrameSamples.all().stream().map(FrameCodec::encode).toList();
        var result = Fuzz.run("frame-codec", Mutator.json(seeds), FrameCodecFuzzTest::decode,
                Fuzz.Contract.refusing(ProtocolException.class)).assertNoCrash().assertBothOutcomes();
        assertEquals(Fuzz.count(), result.accepted() + result.refused());
    }

    static void decode(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8); // what the WebSocket layer hands over
        Frame f;
        try {
            f = FrameCodec.decode(text);
        } catch (ProtocolException e) {
            FrameCodec.peekId(text); // as the coordinator does, to echo the id in its error
            throw e;
        }
        FrameCodec.encode(f); // the coordinator re-encodes what it forwards
    }
}
