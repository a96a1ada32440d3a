package dev.meshwire.cli.doctor;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * One STUN Binding request over UDP (RFC 8489 §5, no authentication): does the server answer, and which public
 * address does it see? Enough to tell "STUN/TURN reachable" from "blocked"; the ICE machinery itself is not needed.
 */
final class StunProbe {
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int BINDING_REQUEST = 0x0001;
    private static final int BINDING_SUCCESS = 0x0101;
    private static final int XOR_MAPPED_ADDRESS = 0x0020;
    private static final int MAPPED_ADDRESS = 0x0001;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a probe saw: the address the server reported (null when it did not answer) and the round trip. */
    record Result(InetSocketAddress mapped, long rttMs, String error) {
        boolean answered() {
            return mapped != null;
        }
    }

    private StunProbe() {}

    /** Sends up to {@code tries} Binding requests, each waiting {@code timeoutMs}. Never throws. */
    static Result probe(String host, int port, int tries, int timeoutMs) {
        InetAddress addr;
        try {
            addr = InetAddress.getByName(host);
        } catch (IOException e) {
            return new Result(null, 0, "cannot resolve " + host);
        }
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(timeoutMs);
            for (int i = 0; i < tries; i++) {
                byte[] tid = new byte[12];
                RANDOM.nextBytes(tid);
                ByteBuffer req = ByteBuffer.allocate(20).putShort((short) BINDING_REQUEST).putShort((short) 0).putInt(MAGIC_COOKIE).put(tid);
                long t0 = System.nanoTime();
                s.send(new DatagramPacket(req.array(), 20, addr, port));
                byte[] buf = new byte[1500];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    while (true) {
                        s.receive(p);
                        InetSocketAddress mapped = parse(buf, p.getLength(), tid);
                        if (mapped != null) return new Result(mapped, (System.nanoTime() - t0) / 1_000_000, null);
                    }
                } catch (SocketTimeoutException e) {
                    // try again
                }
            }
            return new Result(null, 0, "no answer from " + host + ":" + port + " (udp) after " + tries + " tries");
        } catch (IOException e) {
            return new Result(null, 0, "cannot send to " + host + ":" + port + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The mapped address of a Binding success response for {@code tid}, or null for anything else. */
    static InetSocketAddress parse(byte[] msg, int len, byte[] tid) {
        if (len < 20) return null;
        ByteBuffer b = ByteBuffer.wrap(msg, 0, len);
        if ((b.getShort() & 0xffff) != BINDING_SUCCESS) return null;
        int bodyLen = b.getShort() & 0xffff;
        if (b.getInt() != MAGIC_COOKIE || 20 + bodyLen > len) return null;
        if (!Arrays.equals(Arrays.copyOfRange(msg, 8, 20), tid)) return null;
        b.position(20);
        InetSocketAddress plain = null;
        while (b.remaining() >= 4) {
            int type = b.getShort() & 0xffff;
            int alen = b.getShort() & 0xffff;
            if (alen > b.remaining()) return plain;
            int start = b.position();
            if ((type == XOR_MAPPED_ADDRESS || type == MAPPED_ADDRESS) && alen >= 8) {
                b.get();
                int family = b.get();
                int port = b.getShort() & 0xffff;
                byte[] ip = new byte[family == 0x02 ? 16 : 4];
                if (alen >= 4 + ip.length) {
                    b.get(ip);
                    if (type == XOR_MAPPED_ADDRESS) {
                        port ^= MAGIC_COOKIE >>> 16;
                        byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(tid).array();
                        for (int i = 0; i < ip.length; i++) ip[i] ^= mask[i];
                    }
                    try {
                        InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(ip), port);
                        if (type == XOR_MAPPED_ADDRESS) return a;
                        plain = a;
                    } catch (IOException ignored) {
                        // malformed address: keep looking
                    }
                }
            }
            b.position(start + ((alen + 3) & ~3));
        }
        return plain;
    }
}
