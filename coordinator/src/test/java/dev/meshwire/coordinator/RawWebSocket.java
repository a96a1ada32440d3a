package dev.meshwire.coordinator;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A minimal RFC 6455 client on a plain {@link Socket}, for tests that need a reader which really stops
 * reading: a Vert.x client keeps reading into its own buffers while paused, this one reads nothing until
 * asked. The receive buffer is kept small so a stall backs up into the server quickly.
 */
public final class RawWebSocket implements AutoCloseable {
    /** One received message: {@code opcode} 1 text, 8 close (then {@link #closeCode()}), 9 ping, 10 pong. */
    public record Message(int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close message, or 1005 when it carried none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects and completes the upgrade; {@code receiveBuffer} bytes of kernel receive buffer (small = stalls back up soon). */
    public static RawWebSocket connect(String host, int port, String path, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.setSoTimeout(60_000); // a read that waits longer than this is a failed test, not a hang
        s.connect(new InetSocketAddress(host, port), 10_000);
        RawWebSocket ws = new RawWebSocket(s);
        byte[] key = new byte[16];
        RANDOM.nextBytes(key);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        ws.out.write(request.getBytes(StandardCharsets.US_ASCII));
        ws.out.flush();
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(head));
        }
        return ws;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) { // up to the blank line after the headers
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed during the upgrade");
            b.write(c);
            last4 = (last4 << 8) | c;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** Sends one masked text frame (clients must mask). */
    public synchronized void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(0x81);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) f.write((int) ((long) payload.length >>> (8 * i)));
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ mask[i & 3]);
        out.write(f.toByteArray());
        out.flush();
    }

    /** Reads the next whole message (continuation frames joined); throws {@link EOFException} at the end of the stream. */
    public Message read() throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) len = in.readUnsignedShort();
            else if (len == 127) len = in.readLong();
            if ((b1 & 0x80) != 0) in.readInt(); // servers do not mask; skip a mask if one is there
            byte[] part = new byte[(int) len];
            in.readFully(part);
            int op = b0 & 0x0f;
            if (op >= 8) return new Message(op, part); // control frames may sit between fragments
            if (opcode < 0) opcode = op;
            data.write(part);
            if ((b0 & 0x80) != 0) return new Message(opcode, data.toByteArray());
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
