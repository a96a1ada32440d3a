package dev.meshwire.turn.server.alloc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Binds relay sockets in [min, max]: from a random start (so port numbers do not predict allocation order), skipping
 * ports this server holds and retrying on a bind failure (another process holds the port). The bind happens here,
 * synchronously, with plain NIO, so an Allocate knows its relay address before it answers. Event-loop only.
 */
public final class RelayPorts {
    private final int min;
    private final int max;
    private final BitSet held = new BitSet();
    private final int bufferBytes;

    public RelayPorts(int min, int max, int bufferBytes) {
        this.min = min;
        this.max = max;
        this.bufferBytes = bufferBytes;
    }

    /** A socket bound on {@code address} at a free port of the range, or null when none could be bound. */
    public DatagramChannel bind(InetAddress address) {
        return bind(address, false);
    }

    /** Like {@link #bind(InetAddress)} but on an even port (RFC 8656 EVEN-PORT). */
    public DatagramChannel bind(InetAddress address, boolean even) {
        int size = max - min + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = min + (start + i) % size;
            if (held.get(port) || (even && (port & 1) != 0)) continue;
            DatagramChannel ch = tryBind(address, port);
            if (ch != null) return ch;
        }
        return null;
    }

    /**
     * An even port and the odd port above it, both bound (EVEN-PORT with the R bit: the odd one is reserved for a
     * later Allocate with the RESERVATION-TOKEN). Null when no such pair is free.
     */
    public DatagramChannel[] bindPair(InetAddress address) {
        int size = max - min + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = min + (start + i) % size;
            if ((port & 1) != 0 || port + 1 > max || held.get(port) || held.get(port + 1)) continue;
            DatagramChannel even = tryBind(address, port);
            if (even == null) continue;
            DatagramChannel odd = tryBind(address, port + 1);
            if (odd != null) return new DatagramChannel[] {even, odd};
            release(port, even);
        }
        return null;
    }

    /** Closes {@code channel} (if not yet closed) and returns its port to the range. */
    public void release(int port, DatagramChannel channel) {
        held.clear(port);
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a datagram socket does not fail in a way that leaves the port bound
            }
        }
    }

    /** Forgets {@code port} (its socket was closed through Netty). */
    public void release(int port) {
        held.clear(port);
    }

    public int held() {
        return held.cardinality();
    }

    private DatagramChannel tryBind(InetAddress address, int port) {
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(address instanceof java.net.Inet6Address
                    ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, bufferBytes);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, bufferBytes);
            ch.bind(new InetSocketAddress(address, port));
            held.set(port);
            return ch;
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // the bind failed; nothing is held
                }
            }
            return null;
        }
    }
}
