package dev.meshwire.turn.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Random;

/**
 * Plain, well-behaved TURN exchanges for the checks around a fuzz run: one request, one answer, over UDP or TCP,
 * and the Allocate handshake (401 with a nonce, then the signed request).
 */
final class TurnClients {
    private static final int TIMEOUT_MS = 5_000;

    private TurnClients() {}

    /** One open transport to the server that can send a request and wait for its answer. */
    interface Transport extends AutoCloseable {
        /** The answer to {@code request} (same transaction id), or null when none came within 5 s. */
        byte[] exchange(byte[] request) throws IOException;

        /** The local port, which a Binding answer must reflect. */
        int localPort();

        @Override
        void close() throws IOException;
    }

    static Transport udp(InetSocketAddress server) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.connect(server);
        s.setSoTimeout(TIMEOUT_MS);
        return new Transport() {
            @Override
            public byte[] exchange(byte[] request) throws IOException {
                s.send(new DatagramPacket(request, request.length));
                byte[] buf = new byte[65_536];
                long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
                while (System.nanoTime() < deadline) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        return null;
                    }
                    byte[] m = Arrays.copyOf(buf, p.getLength());
                    if (StunBytes.looksLikeStun(m, 0, m.length) && Arrays.equals(StunBytes.transactionId(m), StunBytes.transactionId(request))) return m;
                }
                return null;
            }

            @Override
            public int localPort() {
                return s.getLocalPort();
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    static Transport tcp(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.connect(server, TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        InputStream in = s.getInputStream();
        return new Transport() {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

            @Override
            public byte[] exchange(byte[] request) throws IOException {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
                byte[] buf = new byte[8_192];
                while (true) {
                    byte[] frame = nextFrame();
                    if (frame != null) {
                        if (StunBytes.looksLikeStun(frame, 0, frame.length)
                                && Arrays.equals(StunBytes.transactionId(frame), StunBytes.transactionId(request))) return frame;
                        continue;
                    }
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (SocketTimeoutException e) {
                        return null;
                    }
                    if (n < 0) return null;
                    pending.write(buf, 0, n);
                }
            }

            /** The next whole frame (STUN or padded ChannelData) from what was read, or null when none is complete. */
            private byte[] nextFrame() {
                byte[] b = pending.toByteArray();
                if (b.length < 4) return null;
                int len = StunBytes.u16(b, 2);
                int size = (b[0] & 0xc0) == 0 ? StunBytes.HEADER + len : 4 + ((len + 3) & ~3);
                if (b.length < size) return null;
                pending.reset();
                pending.write(b, size, b.length - size);
                return Arrays.copyOf(b, size);
            }

            @Override
            public int localPort() {
                return s.getLocalPort();
            }

            @Override
            public void close() throws IOException {
                s.close();
            }
        };
    }

    /** The NONCE of the 401 an unauthenticated Allocate gets; fails when the answer is anything else. */
    static byte[] nonce(Transport t) throws IOException {
        byte[] answer = t.exchange(TurnCorpus.allocateUnauthenticated(TurnCorpus.tid(new Random())));
        if (answer == null) throw new AssertionError("no answer to an unauthenticated Allocate");
        if (StunBytes.errorCode(answer) != 401 || StunBytes.find(answer, StunBytes.NONCE) == null) {
            throw new AssertionError("an unauthenticated Allocate must get 401 with a NONCE, got type 0x"
                    + Integer.toHexString(StunBytes.messageType(answer)) + " code " + StunBytes.errorCode(answer));
        }
        return StunBytes.find(answer, StunBytes.NONCE).value(answer);
    }

    /** The REALM of a 401 answer. */
    static String realm(Transport t) throws IOException {
        byte[] answer = t.exchange(TurnCorpus.allocateUnauthenticated(TurnCorpus.tid(new Random())));
        StunBytes.Attr r = answer == null ? null : StunBytes.find(answer, StunBytes.REALM);
        if (r == null) throw new AssertionError("a 401 must carry a REALM");
        return new String(r.value(answer), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A full authenticated Allocate (401, then signed); returns the success answer or fails with what came instead. */
    static byte[] allocate(Transport t, TurnCorpus corpus) throws IOException {
        byte[] nonce = nonce(t);
        byte[] answer = t.exchange(corpus.allocate(TurnCorpus.tid(new Random()), nonce, -1));
        if (answer == null) throw new AssertionError("no answer to an authenticated Allocate");
        if (StunBytes.messageClass(StunBytes.messageType(answer)) != 2) {
            throw new AssertionError("an authenticated Allocate was refused with " + StunBytes.errorCode(answer));
        }
        return answer;
    }
}
