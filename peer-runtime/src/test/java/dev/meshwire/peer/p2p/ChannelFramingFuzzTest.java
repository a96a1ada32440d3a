package dev.meshwire.peer.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meshwire.signaling.fuzz.Fuzz;
import dev.meshwire.signaling.fuzz.Mutator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the bytes a peer puts on a direct data channel. {@link ChannelFraming#decode} refuses a broken
 * frame with {@link FramingException} and nothing else; {@link FrameAssembler} takes any sequence of
 * decoded chunks — reordered, repeated, dropped, from another message, with lying counts and lengths —
 * and either rebuilds messages of exactly their announced length or refuses with FramingException.
 */
class ChannelFramingFuzzTest {
    /** Small frames, so multi-chunk messages are short; the rules are the same at 256 KiB. */
    private static final int FRAME = ChannelFraming.MIN_FRAME_BYTES;
    /** The assembler's limit here (64 MiB in the daemon): keeps allocations small, same checks. */
    private static final int MAX_MESSAGE = 64 * 1024;

    private static final List<byte[]> FRAMES = frames();

    @Test
    void framesMutatedDecodeOrAreRefused() {
        // header fields: version, type, messageId, chunkIndex, chunkCount, totalLength
        Mutator m = Mutator.binary(FRAMES, 0, 1, 2, 10, 14, 18);
        Fuzz.run("channel-framing", m, ChannelFraming::decode, Fuzz.Contract.refusing(FramingException.class))
                .assertNoCrash().assertBothOutcomes();
    }

    @Test
    void chunkSequencesMutatedAssembleOrAreRefused() {
        Mutator frame = Mutator.binary(FRAMES, 0, 1, 2, 10, 14, 18);
        List<List<byte[]>> sequences = List.of(
                message(1, 3000), message(2, 1), concat(message(3, 5000), message(4, 10)),
                concat(List.of(heartbeat(7)), message(5, 2100), List.of(ChannelFraming.encodeAck(5))));
        Fuzz.run("frame-assembler", r -> encode(mutateSequence(sequences.get(r.nextInt(sequences.size())), frame, r)),
                ChannelFramingFuzzTest::assemble, Fuzz.Contract.refusing(FramingException.class)).assertNoCrash().assertBothOutcomes();
    }

    /** What a session does with the frames of one channel; the first refusal is rethrown after the rest ran. */
    static void assemble(byte[] input) throws FramingException {
        FrameAssembler assembler = new FrameAssembler(MAX_MESSAGE);
        FramingException first = null;
        for (byte[] raw : decodeSequence(input)) {
            try {
                if (ChannelFraming.decode(raw) instanceof ChannelFraming.Data d) {
                    byte[] message = assembler.accept(d);
                    if (message != null) assertEquals(d.totalLength(), message.length, "a message has its announced length");
                }
            } catch (FramingException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    private static List<byte[]> frames() {
        List<byte[]> out = new ArrayList<>();
        out.addAll(message(1, 3000));
        out.addAll(message(2, 1));
        out.add(heartbeat(9));
        out.add(ChannelFraming.encodeAck(1));
        out.add(ChannelFraming.encodeAck(Long.MAX_VALUE));
        return out;
    }

    private static List<byte[]> message(long id, int length) {
        byte[] payload = new byte[length];
        new Random(id).nextBytes(payload);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < ChannelFraming.chunkCount(length, FRAME); i++) out.add(ChannelFraming.encodeChunk(id, payload, i, FRAME));
        return out;
    }

    private static byte[] heartbeat(int seq) {
        return ChannelFraming.encodeChunk(100 + seq, ChannelPayload.heartbeat(seq), 0, FRAME);
    }

    @SafeVarargs
    private static List<byte[]> concat(List<byte[]>... parts) {
        List<byte[]> out = new ArrayList<>();
        for (List<byte[]> p : parts) out.addAll(p);
        return out;
    }

    /** Drops, repeats, swaps or mutates frames of a valid sequence (or leaves it valid now and then). */
    private static List<byte[]> mutateSequence(List<byte[]> seq, Mutator frame, Random r) {
        List<byte[]> s = new ArrayList<>(seq);
        for (int n = r.nextInt(4); n > 0; n--) {
            int i = r.nextInt(s.size());
            switch (r.nextInt(5)) {
                case 0 -> { if (s.size() > 1) s.remove(i); }
                case 1 -> s.add(r.nextInt(s.size() + 1), s.get(i));
                case 2 -> {
                    int j = r.nextInt(s.size());
                    byte[] t = s.get(i);
                    s.set(i, s.get(j));
                    s.set(j, t);
                }
                case 3 -> s.add(r.nextInt(s.size() + 1), FRAMES.get(r.nextInt(FRAMES.size())));
                default -> s.set(i, frame.mutate(s.get(i), r));
            }
        }
        return s;
    }

    /** Frames as u32 length + bytes, one after the other. */
    private static byte[] encode(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] f : frames) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(f.length).array());
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    private static List<byte[]> decodeSequence(byte[] input) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(input);
        while (b.remaining() >= 4) {
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) break;
            byte[] f = new byte[len];
            b.get(f);
            out.add(f);
        }
        return out;
    }
}
