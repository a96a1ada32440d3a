package dev.meshwire.turn;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import org.ice4j.StunMessageEvent;
import org.ice4j.TransportAddress;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.stack.StunStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embeddable STUN binding responder (RFC 8489 Binding method only) on ice4j's {@link StunStack}.
 * It answers every Binding request with a success response carrying XOR-MAPPED-ADDRESS, which is all
 * a WebRTC peer needs to learn its server-reflexive candidate. It has no TURN allocations and no
 * authentication: binding requests are unauthenticated by design in ICE.
 */
public final class StunResponder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StunResponder.class);

    private final StunStack stack;
    private final DatagramSocket socket;
    private volatile boolean closed;

    private StunResponder(StunStack stack, DatagramSocket socket) {
        this.stack = stack;
        this.socket = socket;
    }

    /**
     * Binds a UDP socket on {@code host:port} (port 0 picks a free port) and starts answering.
     *
     * @throws IOException if the socket cannot be bound (for example the port is in use)
     */
    public static StunResponder start(String host, int port) throws IOException {
        DatagramSocket socket;
        try {
            socket = new DatagramSocket(new InetSocketAddress(host, port));
        } catch (SocketException e) {
            throw new IOException("cannot bind STUN UDP " + host + ":" + port + ": " + e.getMessage(), e);
        }
        StunStack stack = new StunStack();
        StunResponder responder = new StunResponder(stack, socket);
        try {
            stack.addSocket(new IceUdpSocketWrapper(socket));
            stack.addRequestListener(responder::processRequest);
        } catch (RuntimeException e) {
            stack.shutDown();
            socket.close();
            throw new IOException("cannot start STUN stack: " + e.getMessage(), e);
        }
        LOG.info("STUN binding responder listening on udp {}:{}", host, socket.getLocalPort());
        return responder;
    }

    private void processRequest(StunMessageEvent event) {
        Message message = event.getMessage();
        if (!(message instanceof Request request) || message.getMessageType() != Message.BINDING_REQUEST) {
            return; // only Binding is served; other methods are left unanswered rather than guessed at
        }
        TransportAddress client = event.getRemoteAddress();
        try {
            Response response = MessageFactory.createBindingResponse(request, client);
            stack.sendResponse(request.getTransactionID(), response, event.getLocalAddress(), client);
        } catch (Exception e) {
            // One bad packet must not stop the responder; log without the payload.
            LOG.debug("STUN binding response to {} failed: {}", client, e.toString());
        }
    }

    /** The bound UDP port. */
    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        stack.shutDown();
        socket.close();
    }
}
