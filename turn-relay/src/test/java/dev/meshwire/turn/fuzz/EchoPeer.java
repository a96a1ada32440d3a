package dev.meshwire.turn.fuzz;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * The peer behind the relay: a loopback UDP socket that sends every datagram back where it came from (the relay
 * address), so relayed data also flows peer → relay → client (Data indications and ChannelData to the fuzz clients).
 */
final class EchoPeer implements AutoCloseable {
    private final DatagramSocket socket;
    private final Thread thread;

    private EchoPeer(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::echo, "turn-fuzz-echo-peer");
        thread.setDaemon(true);
        thread.start();
    }

    static EchoPeer start() throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setReceiveBufferSize(1 << 20);
        return new EchoPeer(s);
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", socket.getLocalPort());
    }

    private void echo() {
        byte[] buf = new byte[65_536];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                socket.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
            } catch (IOException e) {
                // closed (the end of the run), or the relay port is gone (its allocation expired): keep echoing the rest
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5_000);
    }
}
