package dev.meshwire.nattest.turn;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * Moves STUN transactions to a server over UDP or TCP: send a request, return the response with the same
 * transaction id. How a message travels is the only thing that differs between the two; what is sent is
 * {@link TurnClient}'s business.
 */
public abstract class StunTransport implements AutoCloseable {
    /** Longest wait for one transaction, retransmissions included. */
    static final int TRANSACTION_MS = 8_000;

    public enum Kind { UDP, TCP }

    public static StunTransport open(Kind kind, InetSocketAddress server) throws IOException {
        return kind == Kind.UDP ? new Udp(server) : new Tcp(server);
    }

    /** Sends {@code request} (already encoded) and returns the response to it; IOException on timeout. */
    public abstract StunMessage transact(StunMessage request, byte[] encoded) throws IOException;

    @Override
    public abstract void close();

    static boolean answers(StunMessage response, StunMessage request) {
        return Arrays.equals(response.transactionId(), request.transactionId())
                && response.messageClass() != StunMessage.REQUEST;
    }

    /**
     * UDP: retransmit with a doubling interval starting at 500 ms (RFC 5389 7.2.1's RTO) until the response
     * arrives or {@link #TRANSACTION_MS} is spent. Datagrams that do not answer this request are ignored.
     */
    static final class Udp extends StunTransport {
        private final DatagramSocket socket;
        private final InetSocketAddress server;

        Udp(InetSocketAddress server) throws IOException {
            this.server = server;
            this.socket = new DatagramSocket();
            socket.connect(server);
        }

        @Override
        public StunMessage transact(StunMessage request, byte[] encoded) throws IOException {
            long deadline = System.currentTimeMillis() + TRANSACTION_MS;
            long rto = 500;
            byte[] buf = new byte[2048];
            while (System.currentTimeMillis() < deadline) {
                socket.send(new DatagramPacket(encoded, encoded.length));
                long resendAt = Math.min(deadline, System.currentTimeMillis() + rto);
                rto *= 2;
                long left;
                while ((left = resendAt - System.currentTimeMillis()) > 0) {
                    socket.setSoTimeout((int) left);
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    StunMessage m;
                    try {
                        m = StunMessage.decode(p.getData(), p.getLength());
                    } catch (IllegalArgumentException e) {
                        continue; // not STUN, or damaged: keep waiting for the real answer
                    }
                    if (answers(m, request)) return m;
                }
            }
            throw new IOException("no answer over UDP from " + server + " within " + TRANSACTION_MS + " ms");
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /**
     * TCP: STUN messages back to back on the stream, each one's size taken from its header (RFC 5389 7.2.2; no
     * RFC 4571 length prefix). TCP is reliable, so no retransmission: one read deadline.
     */
    static final class Tcp extends StunTransport {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private final InetSocketAddress server;

        Tcp(InetSocketAddress server) throws IOException {
            this.server = server;
            this.socket = new Socket();
            socket.connect(server, TRANSACTION_MS);
            socket.setSoTimeout(TRANSACTION_MS);
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        @Override
        public StunMessage transact(StunMessage request, byte[] encoded) throws IOException {
            out.write(encoded);
            out.flush();
            long deadline = System.currentTimeMillis() + TRANSACTION_MS;
            while (System.currentTimeMillis() < deadline) {
                byte[] header = new byte[StunMessage.HEADER];
                try {
                    in.readFully(header);
                    byte[] whole = Arrays.copyOf(header, StunMessage.totalLength(header));
                    in.readFully(whole, StunMessage.HEADER, whole.length - StunMessage.HEADER);
                    StunMessage m = StunMessage.decode(whole, whole.length);
                    if (answers(m, request)) return m;
                } catch (SocketTimeoutException e) {
                    break;
                }
            }
            throw new IOException("no answer over TCP from " + server + " within " + TRANSACTION_MS + " ms");
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing: nothing left to do
            }
        }
    }
}
