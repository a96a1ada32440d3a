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
import org.ice4j.StunException;
import org.ice4j.message.Message;

/**
 * Moves STUN transactions to a server over UDP or TCP: send a request, return the response with the same
 * transaction id, decoded by ice4j ({@link Message#decode}, which also rejects a wrong FINGERPRINT). How a message
 * travels is the only thing that differs between the two; what is sent is {@link TurnClient}'s business.
 */
public abstract class StunTransport implements AutoCloseable {
    /** Longest wait for one transaction, retransmissions included. */
    static final int TRANSACTION_MS = 8_000;
    private static final int HEADER = Message.HEADER_LENGTH;

    public enum Kind { UDP, TCP }

    /** A response and the bytes it was decoded from (MESSAGE-INTEGRITY is checked over those). */
    public record Reply(Message message, byte[] raw) {}

    public static StunTransport open(Kind kind, InetSocketAddress server) throws IOException {
        return kind == Kind.UDP ? new Udp(server) : new Tcp(server);
    }

    /** Sends {@code request} (already encoded) and returns the response to it; IOException on timeout. */
    public abstract Reply transact(Message request, byte[] encoded) throws IOException;

    @Override
    public abstract void close();

    /** The STUN message in {@code buf[0..len)}, or null when it is not one (or damaged). */
    static Reply decode(byte[] buf, int len) {
        try {
            return new Reply(Message.decode(buf, 0, len), Arrays.copyOf(buf, len));
        } catch (StunException | RuntimeException e) {
            return null; // ice4j throws unchecked exceptions too on some malformed input
        }
    }

    static boolean answers(Reply reply, Message request) {
        return reply != null && Arrays.equals(reply.message().getTransactionID(), request.getTransactionID())
                && !Message.isRequestType(reply.message().getMessageType());
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
        public Reply transact(Message request, byte[] encoded) throws IOException {
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
                    Reply m = decode(p.getData(), p.getLength());
                    if (answers(m, request)) return m; // else not STUN, damaged or not ours: keep waiting
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
        public Reply transact(Message request, byte[] encoded) throws IOException {
            out.write(encoded);
            out.flush();
            long deadline = System.currentTimeMillis() + TRANSACTION_MS;
            while (System.currentTimeMillis() < deadline) {
                byte[] header = new byte[HEADER];
                try {
                    in.readFully(header);
                    // the header's length field counts the attributes, so it frames the message on the stream
                    byte[] whole = Arrays.copyOf(header, HEADER + ((header[2] & 0xFF) << 8 | (header[3] & 0xFF)));
                    in.readFully(whole, HEADER, whole.length - HEADER);
                    Reply m = decode(whole, whole.length);
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
