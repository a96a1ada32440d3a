package dev.meshwire.coordinator;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client that controls every byte: a plain socket (optionally bound to a chosen loopback source address such as
 * 127.0.0.2), the RFC 6455 opening handshake written by hand, and frames built byte by byte, so tests can send
 * what no WebSocket library would. It is also a reader which really stops reading: a Vert.x client keeps reading
 * into its own buffers while paused, this one reads nothing until asked.
 */
public final class RawWebSocket implements AutoCloseable {
    /** Generous: CI runs on a loaded 2-core machine. */
    public static final int READ_TIMEOUT_MS = 20_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    public final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** One frame as received: the first header byte's parts and the payload. */
    public record Frame(boolean fin, int opcode, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame (1005 when it carries none). */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MS);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** A TCP connection from {@code sourceAddress} (null: the default) to 127.0.0.1:port; nothing sent yet. */
    public static RawWebSocket tcp(String sourceAddress, int port) throws IOException {
        Socket s = new Socket();
        if (sourceAddress != null) s.bind(new InetSocketAddress(sourceAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        return new RawWebSocket(s);
    }

    /**
     * Connects to {@code host:port} and completes the upgrade to {@code path}, with {@code receiveBuffer} bytes of kernel
     * receive buffer (small: a reader that stops reading backs up into the server soon). Reads wait up to 60 s.
     */
    public static RawWebSocket connect(String host, int port, String path, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
        RawWebSocket ws = new RawWebSocket(s);
        s.setSoTimeout(60_000); // a read that waits longer than this is a failed test, not a hang
        ws.write(upgradeRequest(host, port, path).getBytes(StandardCharsets.US_ASCII));
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            s.close();
            throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(head));
        }
        return ws;
    }

    /** A completed upgrade to {@code /ws} (asserting 101); the coordinator's challenge is the next frame. */
    public static RawWebSocket upgraded(String sourceAddress, int port) throws IOException {
        RawWebSocket ws = tcp(sourceAddress, port);
        ws.write(upgradeRequest(port).getBytes(StandardCharsets.US_ASCII));
        String head = ws.readHead();
        if (!head.startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + head);
        return ws;
    }

    public static String upgradeRequest(int port) {
        return upgradeRequest("127.0.0.1", port, "/ws");
    }

    private static String upgradeRequest(String host, int port, String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    /** A status and body of a plain HTTP answer. */
    public record HttpAnswer(int status, String body) {}

    /** {@code GET path} with {@code Connection: close} from {@code sourceAddress}; the whole answer. */
    public static HttpAnswer httpGet(String sourceAddress, int port, String path) throws IOException {
        try (RawWebSocket c = tcp(sourceAddress, port)) {
            c.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String all = new String(c.in.readAllBytes(), StandardCharsets.UTF_8);
            if (!all.startsWith("HTTP/1.1 ")) throw new IOException("not an HTTP answer: '" + all + "'");
            int bodyAt = all.indexOf("\r\n\r\n");
            return new HttpAnswer(Integer.parseInt(all.substring(9, 12)), bodyAt < 0 ? "" : all.substring(bodyAt + 4));
        }
    }

    /** {@code GET path} on this (keep-alive) connection; the answer's body is read by its Content-Length. */
    public HttpAnswer get(String path) throws IOException {
        write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = readHead();
        Matcher m = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        byte[] body = in.readNBytes(length);
        return new HttpAnswer(Integer.parseInt(head.substring(9, 12)), new String(body, StandardCharsets.UTF_8));
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** An HTTP response head (status line and headers), up to the blank line. */
    public String readHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed in the response head: " + b.toString(StandardCharsets.US_ASCII));
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return b.toString(StandardCharsets.US_ASCII);
            }
        }
    }

    /**
     * A frame: {@code firstByte} is FIN|RSV|opcode as given; {@code masked} false sends it unmasked (a violation
     * from a client). {@code declaredLength} may exceed the payload actually sent.
     */
    public void writeFrame(int firstByte, boolean masked, byte[] payload, long declaredLength) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(firstByte);
        int maskBit = masked ? 0x80 : 0;
        if (declaredLength <= 125) {
            f.write(maskBit | (int) declaredLength);
        } else if (declaredLength <= 0xffff) {
            f.write(maskBit | 126);
            f.write((int) (declaredLength >> 8) & 0xff);
            f.write((int) declaredLength & 0xff);
        } else {
            f.write(maskBit | 127);
            for (int i = 7; i >= 0; i--) f.write((int) (declaredLength >> (8 * i)) & 0xff);
        }
        byte[] key = new byte[4];
        if (masked) {
            RANDOM.nextBytes(key);
            f.write(key, 0, 4);
        }
        for (int i = 0; i < payload.length; i++) f.write(payload[i] ^ (masked ? key[i % 4] : 0));
        write(f.toByteArray());
    }

    public void writeFrame(int firstByte, boolean masked, byte[] payload) throws IOException {
        writeFrame(firstByte, masked, payload, payload.length);
    }

    /** A masked, final text frame. */
    public void sendText(String text) throws IOException {
        writeFrame(0x81, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame from the coordinator (servers never mask). */
    public Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long len = b1 & 0x7f;
        if (len == 126) len = ((long) readByte() << 8) | readByte();
        else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) len = (len << 8) | readByte();
        }
        if ((b1 & 0x80) != 0) throw new IOException("the server masked a frame");
        byte[] payload = in.readNBytes((int) len);
        if (payload.length < len) throw new EOFException("connection closed inside a frame");
        return new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
    }

    /**
     * The next whole message: continuation frames joined into the first frame's opcode; a control frame (close,
     * ping, pong) is returned as it comes, even between fragments. {@link EOFException} at the end of the stream.
     */
    public Frame read() throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            Frame f = readFrame();
            if (f.opcode() >= 8) return f;
            if (opcode < 0) opcode = f.opcode();
            data.write(f.payload());
            if (f.fin()) return new Frame(true, opcode, data.toByteArray());
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) throw new EOFException("connection closed");
        return b;
    }

    /** True once the coordinator has closed the TCP connection (EOF or reset) within the read timeout. */
    public boolean awaitEof() throws IOException {
        try {
            while (in.read() >= 0) {
                // discard whatever is still in flight
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
