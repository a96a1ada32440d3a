package dev.meshwire.turn.fuzz;

import dev.meshwire.turn.fuzz.Outcomes.Refused;
import dev.meshwire.turn.fuzz.Outcomes.ServerFault;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Feeds one fuzz input to the server as a TCP byte stream (RFC 8656 §12.5 framing: STUN messages and ChannelData
 * padded to 4 bytes, back to back) on a new connection, written in pieces of random size (chosen from the input's
 * hash, so a replay writes the same pieces), followed by a valid Binding.
 *
 * <p>If the input ends inside a frame, zero bytes complete it first, so the Binding is read as a frame of its own.
 * Outcomes: the Binding is answered (accepted), the server closes the connection (refused: it may close on bad
 * framing), or neither within {@link #ANSWER_TIMEOUT_MS} (refused: it may also wait). A stream that leaves the framing
 * altogether gets no Binding: it is written and the connection reset (refused). The connection
 * is then reset (SO_LINGER 0), so a hundred thousand of them leave no TIME_WAIT behind on either side.
 */
final class TcpStreamFuzzer {
    static final int ANSWER_TIMEOUT_MS = 250;

    private final InetSocketAddress server;
    private final LongSupplier internalErrors;

    TcpStreamFuzzer(InetSocketAddress server, LongSupplier internalErrors) {
        this.server = server;
        this.internalErrors = internalErrors;
    }

    void fuzz(byte[] input) throws Exception {
        long errorsBefore = internalErrors.getAsLong();
        byte[] probeTid = TurnCorpus.tid(new Random(Arrays.hashCode(input) * 31L + 7));
        String outcome;
        try (Socket s = new Socket()) {
            s.setSoLinger(true, 0);
            s.setTcpNoDelay(true);
            try {
                s.connect(server, 5_000);
            } catch (IOException e) {
                throw new ServerFault("cannot connect over TCP: " + e.getMessage());
            }
            s.setSoTimeout(ANSWER_TIMEOUT_MS);
            outcome = exchange(s, input, probeTid);
        }
        long errorsAfter = internalErrors.getAsLong();
        if (errorsAfter != errorsBefore) {
            throw new ServerFault("the server's internal error count rose from " + errorsBefore + " to " + errorsAfter);
        }
        if (outcome != null) throw new Refused(outcome);
    }

    /** Null when the Binding was answered; else why not. */
    private static String exchange(Socket s, byte[] input, byte[] probeTid) throws IOException {
        int completion = completion(input);
        boolean framed = completion >= 0;
        // A stream that leaves the framing (a frame starting with bits 10 or 11, a STUN length not a multiple of 4)
        // cannot be followed by a Binding the server would find: it is sent, and the connection reset after it.
        byte[] stream = framed ? concat(input, new byte[completion], TurnCorpus.binding(probeTid)) : input;
        OutputStream out = s.getOutputStream();
        Random pieces = new Random(Arrays.hashCode(input));
        try {
            for (int at = 0; at < stream.length; ) {
                int n = Math.min(stream.length - at, 1 + pieces.nextInt(pieces.nextBoolean() ? 8 : 2_048));
                out.write(stream, at, n);
                out.flush();
                at += n;
            }
        } catch (SocketException e) {
            return "closed by the server while writing";
        }
        if (!framed) return "unframeable: sent, then reset";
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8_192];
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) return "closed by the server";
                got.write(buf, 0, n);
                if (answered(got.toByteArray(), probeTid)) return null;
            }
        } catch (SocketTimeoutException e) {
            return "no answer within " + ANSWER_TIMEOUT_MS + " ms";
        } catch (SocketException e) {
            return "reset by the server";
        }
    }

    /** Whether the frames read so far hold the answer to {@code tid}. */
    private static boolean answered(byte[] b, byte[] tid) {
        int at = 0;
        while (at + 4 <= b.length) {
            int len = StunBytes.u16(b, at + 2);
            int size;
            if ((b[at] & 0xc0) == 0) {
                size = StunBytes.HEADER + len;
                if (at + size > b.length) return false;
                if (size >= StunBytes.HEADER && Arrays.equals(Arrays.copyOfRange(b, at + 8, at + 20), tid)) return true;
            } else {
                size = 4 + ((len + 3) & ~3);
            }
            at += size;
        }
        return false;
    }

    /**
     * How many bytes finish the last frame of {@code stream} as the server frames it (0 when it ends on a boundary),
     * or -1 when the stream leaves the framing: a frame that starts with bits 10 or 11, or a STUN message whose length
     * is not a multiple of 4 (RFC 8489 §5), after which no reader can tell where the next frame starts.
     */
    static int completion(byte[] stream) {
        int at = 0;
        while (at < stream.length) {
            int kind = stream[at] & 0xc0;
            if (kind != 0 && kind != 0x40) return -1;
            if (stream.length - at < 4) return (kind == 0 ? StunBytes.HEADER : 4) - (stream.length - at);
            int len = StunBytes.u16(stream, at + 2);
            if (kind == 0 && len % 4 != 0) return -1;
            int size = kind == 0 ? StunBytes.HEADER + len : 4 + ((len + 3) & ~3);
            if (at + size > stream.length) return at + size - stream.length;
            at += size;
        }
        return 0;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}
