package dev.meshwire.turn.server;

import dev.meshwire.turn.RestCredentials;
import dev.meshwire.turn.server.stun.Integrity;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.ErrorCodeAttribute;
import org.ice4j.attribute.NonceAttribute;
import org.ice4j.attribute.RealmAttribute;
import org.ice4j.attribute.XorRelayedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;

/**
 * A small TURN client over UDP on ice4j's codec, for the tests that need to send what a well-behaved client would
 * not: wrong passwords, expired usernames, stale nonces, refused peers. It learns REALM and NONCE from the first 401.
 */
final class TurnTestClient implements AutoCloseable {
    final DatagramSocket socket;
    /** Set for a TURN-over-TCP client instead of {@link #socket}. */
    final java.net.Socket tcp;
    private final InetSocketAddress server;
    private final Integrity integrity = new Integrity();
    String username;
    String password;
    byte[] realm;
    byte[] nonce;

    TurnTestClient(int serverPort, String username, String password) throws IOException {
        this(serverPort, username, password, false);
    }

    TurnTestClient(int serverPort, String username, String password, boolean overTcp) throws IOException {
        this.server = new InetSocketAddress("127.0.0.1", serverPort);
        if (overTcp) {
            this.socket = null;
            this.tcp = new java.net.Socket();
            this.tcp.connect(server, 5000);
            this.tcp.setSoTimeout(5000);
        } else {
            this.tcp = null;
            this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            this.socket.setSoTimeout(500);
        }
        this.username = username;
        this.password = password;
    }

    /** A client whose REST credential for {@code userId} expires in an hour. */
    static TurnTestClient rest(int serverPort, String secret, String userId) throws IOException {
        return rest(serverPort, secret, userId, false);
    }

    static TurnTestClient rest(int serverPort, String secret, String userId, boolean overTcp) throws IOException {
        String user = RestCredentials.username(System.currentTimeMillis() / 1000 + 3600, userId);
        return new TurnTestClient(serverPort, user, RestCredentials.password(secret, user), overTcp);
    }

    /** Sends {@code req} (unauthenticated) and returns the response with its transaction id. */
    Message send(Request req) throws Exception {
        return exchange(req, null);
    }

    /**
     * Sends {@code req} with the long-term credential; on a first 401 or a 438 the REALM and NONCE of the answer are
     * taken and the request is sent once more, as a real client does.
     */
    Message sendAuthenticated(Request req) throws Exception {
        if (nonce != null) {
            Message r = exchange(withCredentials(req), keyOrNull());
            int code = errorCode(r);
            if (code != 401 && code != 438) return r;
            learn(r);
        } else {
            learn(exchange(copy(req), null));
        }
        return exchange(withCredentials(req), keyOrNull());
    }

    /** Sends with the credential and the nonce as they are (no retry): to observe 401/438 themselves. */
    Message sendOnce(Request req) throws Exception {
        return exchange(withCredentials(req), keyOrNull());
    }

    Message allocate() throws Exception {
        return sendAuthenticated(MessageFactory.createAllocateRequest((byte) 17, false));
    }

    Message createPermission(String peerIp) throws Exception {
        return sendAuthenticated(MessageFactory.createCreatePermissionRequest(
                new TransportAddress(peerIp, 9, Transport.UDP), tid()));
    }

    Message channelBind(int channel, String peerIp, int port) throws Exception {
        return sendAuthenticated(MessageFactory.createChannelBindRequest((char) channel,
                new TransportAddress(peerIp, port, Transport.UDP), tid()));
    }

    Message refresh(int lifetime) throws Exception {
        return sendAuthenticated(MessageFactory.createRefreshRequest(lifetime));
    }

    static int errorCode(Message m) {
        ErrorCodeAttribute e = (ErrorCodeAttribute) m.getAttribute(Attribute.ERROR_CODE);
        return e == null ? 0 : e.getErrorCode();
    }

    static InetSocketAddress relayed(Message m) {
        XorRelayedAddressAttribute a = (XorRelayedAddressAttribute) m.getAttribute(Attribute.XOR_RELAYED_ADDRESS);
        if (a == null) throw new AssertionError("no XOR-RELAYED-ADDRESS in " + m);
        TransportAddress t = a.getAddress(m.getTransactionID());
        return new InetSocketAddress(t.getAddress(), t.getPort());
    }

    private void learn(Message r) {
        RealmAttribute ra = (RealmAttribute) r.getAttribute(Attribute.REALM);
        NonceAttribute na = (NonceAttribute) r.getAttribute(Attribute.NONCE);
        if (ra == null || na == null) throw new AssertionError("expected REALM and NONCE in " + r + " (error " + errorCode(r) + ")");
        realm = ra.getRealm();
        nonce = na.getNonce();
    }

    private byte[] keyOrNull() {
        return Integrity.longTermKey(username, new String(realm, StandardCharsets.UTF_8), password);
    }

    private Request withCredentials(Request req) throws Exception {
        Request r = copy(req);
        r.putAttribute(AttributeFactory.createUsernameAttribute(username));
        r.putAttribute(AttributeFactory.createRealmAttribute(realm));
        r.putAttribute(AttributeFactory.createNonceAttribute(nonce));
        return r;
    }

    /** A fresh transaction with the same attributes (ice4j messages are mutable; the original stays untouched). */
    private static Request copy(Request req) throws Exception {
        if (req.getTransactionID() == null) req.setTransactionID(tid());
        Request r = (Request) Message.decode(req.encode(null), 0, req.encode(null).length);
        r.setTransactionID(tid());
        r.removeAttribute(Attribute.SOFTWARE);
        return r;
    }

    static byte[] tid() {
        byte[] t = new byte[12];
        ThreadLocalRandom.current().nextBytes(t);
        return t;
    }

    /** Sends {@code req} (sealed with {@code key} when not null) up to 10 times, 500 ms apart, until answered. */
    Message exchange(Request req, byte[] key) throws Exception {
        if (req.getTransactionID() == null) req.setTransactionID(tid());
        byte[] bytes = integrity.seal(req.encode(null), key);
        return exchangeRaw(bytes, req.getTransactionID());
    }

    Message exchangeRaw(byte[] bytes, byte[] tid) throws Exception {
        if (tcp != null) {
            tcp.getOutputStream().write(bytes);
            var in = new java.io.DataInputStream(tcp.getInputStream());
            while (true) {
                byte[] head = new byte[4];
                in.readFully(head);
                int len = (head[2] & 0xff) << 8 | (head[3] & 0xff);
                boolean stun = (head[0] & 0xC0) == 0;
                byte[] frame = new byte[(stun ? 20 : 4) + (stun ? len : (len + 3) & ~3)];
                System.arraycopy(head, 0, frame, 0, 4);
                in.readFully(frame, 4, frame.length - 4);
                if (!stun) continue;
                Message m = Message.decode(frame, 0, frame.length);
                if (Arrays.equals(m.getTransactionID(), tid)) return m;
            }
        }
        byte[] buf = new byte[2048];
        for (int attempt = 0; attempt < 10; attempt++) {
            socket.send(new DatagramPacket(bytes, bytes.length, server));
            long until = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < until) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                Message m = Message.decode(p.getData(), 0, p.getLength());
                if (Arrays.equals(m.getTransactionID(), tid)) return m;
            }
        }
        throw new AssertionError("no answer to " + req(bytes) + " within 5 s");
    }

    private static String req(byte[] b) {
        return "request of type 0x" + Integer.toHexString((b[0] & 0xff) << 8 | (b[1] & 0xff));
    }

    @Override
    public void close() {
        if (socket != null) socket.close();
        if (tcp != null) {
            try {
                tcp.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
