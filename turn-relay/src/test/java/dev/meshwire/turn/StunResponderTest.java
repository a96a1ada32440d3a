package dev.meshwire.turn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.stack.StunStack;
import org.ice4j.stack.TransactionID;
import org.junit.jupiter.api.Test;

class StunResponderTest {

    @Test
    void answersBindingRequestWithXorMappedAddress() throws Exception {
        try (StunResponder stun = StunResponder.start("127.0.0.1", 0);
             DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            StunStack codecStack = new StunStack();
            try {
                Request request = MessageFactory.createBindingRequest();
                byte[] tid = TransactionID.createNewTransactionID().getBytes();
                request.setTransactionID(tid);
                byte[] bytes = request.encode(codecStack);
                InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), stun.port());

                Message response = null;
                // UDP may drop a datagram: retransmit like a real STUN client (RFC 8489 §6.2.1), bounded.
                client.setSoTimeout(500);
                byte[] buf = new byte[1500];
                for (int attempt = 0; attempt < 10 && response == null; attempt++) {
                    client.send(new DatagramPacket(bytes, bytes.length, server));
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        client.receive(p);
                        response = Message.decode(p.getData(), 0, p.getLength());
                    } catch (SocketTimeoutException retry) {
                        // resend
                    }
                }
                assertNotNull(response, "no STUN response");
                assertEquals(Message.BINDING_SUCCESS_RESPONSE, response.getMessageType());
                assertArrayEquals(tid, response.getTransactionID());
                XorMappedAddressAttribute xma = (XorMappedAddressAttribute) response.getAttribute(Attribute.XOR_MAPPED_ADDRESS);
                assertNotNull(xma, "response lacks XOR-MAPPED-ADDRESS");
                TransportAddress mapped = xma.getAddress(tid);
                assertEquals("127.0.0.1", mapped.getAddress().getHostAddress());
                assertEquals(client.getLocalPort(), mapped.getPort());
            } finally {
                codecStack.shutDown();
            }
        }
    }

    @Test
    void portInUseIsAnIOException() throws Exception {
        try (StunResponder first = StunResponder.start("127.0.0.1", 0)) {
            assertThrows(IOException.class, () -> StunResponder.start("127.0.0.1", first.port()));
        }
    }
}
