package dev.meshwire.peer.ipc;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The IPC client's transport: HTTP/1.1 over a plain loopback {@link Socket}, one request per
 * connection ({@code Connection: close}).
 *
 * <p>Why not {@code java.net.http.HttpClient}: a CLI call makes one or two requests and exits, and
 * that client loads about 190 classes and starts a selector thread before its first byte, which was
 * a third of a short verb's wall time (docs/benchmarks.md, "CLI start-up"). The daemon's IPC is
 * loopback-only, plain HTTP/1.1, and answers either with {@code Content-Length}, with
 * {@code Transfer-Encoding: chunked} (the SSE routes), or by closing the connection; that is all
 * this class speaks. No TLS, no redirects, no keep-alive, no proxies.
 *
 * <p>Contract: {@link #open} returns once the status line and headers have arrived (within the read
 * timeout); the body stream is de-chunked, ends at the end of the body, and closing it closes the
 * socket. Any socket failure surfaces as {@link IOException}; the caller turns it into
 * {@code daemon_unavailable}.
 */
final class IpcHttp {
    /** Response headers larger than this are not an IPC answer. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final String host;
    private final int port;
    private final Duration connectTimeout;

    IpcHttp(String host, int port, Duration connectTimeout) {
        this.host = host;
        this.port = port;
        this.connectTimeout = connectTimeout;
    }

    /** A response whose headers have been read; {@link #body()} streams the (de-chunked) body. */
    static final class Response implements AutoCloseable {
        private final Socket socket;
        private final int status;
        private final InputStream body;

        private Response(Socket socket, int status, InputStream body) {
            this.socket = socket;
            this.status = status;
            this.body = body;
        }

        int status() { return status; }

        InputStream body() { return body; }

        /** The whole body as UTF-8 (for non-streaming answers). */
        String bodyText() throws IOException {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }

        /** Lifts the read timeout for an open-ended stream (SSE): events may be minutes apart. */
        void streamForever() throws IOException {
            socket.setSoTimeout(0);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * Sends one request and reads the status line and headers.
     *
     * @param headers extra header lines as name/value pairs (already safe: no CR/LF)
     * @param body    the request body (UTF-8), or null for none
     * @param readTimeout how long to wait for the headers and for each later read
     */
    Response open(String method, String path, String[] headers, String body, Duration readTimeout) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append(':').append(port).append("\r\n")
                    .append("Connection: close\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            if (payload != null) head.append("Content-Length: ").append(payload.length).append("\r\n");
            head.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (payload != null) out.write(payload);
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            String statusLine = readLine(in);
            int status = parseStatus(statusLine);
            long length = -1;
            boolean chunked = false;
            int headerBytes = statusLine.length();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                headerBytes += line.length();
                if (headerBytes > MAX_HEADER_BYTES) throw new IOException("response headers too large");
                int colon = line.indexOf(':');
                if (colon <= 0) continue;
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IOException("bad Content-Length: " + value);
                    }
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            InputStream bodyIn = chunked ? new Chunked(in) : length >= 0 ? new Limited(in, length) : in;
            if (method.equals("HEAD") || status == 204 || status == 304) bodyIn = InputStream.nullInputStream();
            return new Response(s, status, bodyIn);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static int parseStatus(String line) throws IOException {
        // "HTTP/1.1 200 OK"
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new NotHttp("not an HTTP response: " + abbreviate(line));
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad HTTP status line: " + abbreviate(line));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** One CRLF- (or LF-) terminated line as ISO-8859-1 (headers and chunk sizes are ASCII). */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed mid-response");
            if (c == '\n') break;
            if (b.size() > MAX_HEADER_BYTES) throw new IOException("response line too long");
            b.write(c);
        }
        byte[] a = b.toByteArray();
        int n = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
        return new String(a, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** A body of known length: ends after {@code remaining} bytes. */
    private static final class Limited extends InputStream {
        private final InputStream in;
        private long remaining;

        Limited(InputStream in, long length) {
            this.in = in;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) return -1;
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed before the end of the body");
            remaining--;
            return c;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (remaining <= 0) return -1;
            int n = in.read(buf, off, (int) Math.min(len, remaining));
            if (n < 0) throw new EOFException("connection closed before the end of the body");
            remaining -= n;
            return n;
        }
    }

    /** A {@code Transfer-Encoding: chunked} body, de-chunked; trailers are skipped. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;       // bytes left in the current chunk
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        /** Moves to the next chunk when the current one is used up; false at the last chunk. */
        private boolean ready() throws IOException {
            if (done) return false;
            if (left > 0) return true;
            String size = readLine(in);
            int semi = size.indexOf(';');
            if (semi >= 0) size = size.substring(0, semi);
            try {
                left = Long.parseLong(size.trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + abbreviate(size));
            }
            if (left < 0) throw new IOException("bad chunk size: " + size);
            if (left == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers: none are used by the IPC
                }
                done = true;
                return false;
            }
            return true;
        }

        private void endOfChunk() throws IOException {
            if (left == 0 && !readLine(in).isEmpty()) throw new IOException("chunk not followed by CRLF");
        }

        @Override
        public int read() throws IOException {
            if (!ready()) return -1;
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed mid-chunk");
            left--;
            endOfChunk();
            return c;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (!ready()) return -1;
            int n = in.read(buf, off, (int) Math.min(len, left));
            if (n < 0) throw new EOFException("connection closed mid-chunk");
            left -= n;
            endOfChunk();
            return n;
        }
    }

    /** The port answered, but not with HTTP: something other than a meshwire daemon listens there. */
    static final class NotHttp extends IOException {
        NotHttp(String message) {
            super(message);
        }
    }
}
