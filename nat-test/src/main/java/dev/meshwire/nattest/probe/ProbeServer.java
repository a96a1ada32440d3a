package dev.meshwire.nattest.probe;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outside end of the probe, run in the public namespace:
 * {@code ProbeServer <addr1> <addr2> <port1> <port2>}. Binds UDP on the four combinations and TCP on
 * addr1:port1, prints one JSON line {@code {"event":"ready",...}} when all are bound, and answers requests as
 * described in {@link Protocol}. Exits when its stdin reaches EOF (its parent went away) or when killed.
 */
public final class ProbeServer {
    private final DatagramSocket[][] sockets = new DatagramSocket[2][2];
    private final ServerSocket tcp;

    ProbeServer(InetAddress a1, InetAddress a2, int p1, int p2) throws IOException {
        InetAddress[] addrs = {a1, a2};
        int[] ports = {p1, p2};
        for (int a = 0; a < 2; a++) {
            for (int p = 0; p < 2; p++) {
                sockets[a][p] = new DatagramSocket(new InetSocketAddress(addrs[a], ports[p]));
            }
        }
        tcp = new ServerSocket();
        tcp.setReuseAddress(true);
        tcp.bind(new InetSocketAddress(a1, p1));
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ProbeServer <addr1> <addr2> <port1> <port2>");
            System.exit(2);
        }
        ProbeServer s = new ProbeServer(InetAddress.getByName(args[0]), InetAddress.getByName(args[1]),
                Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        s.start();
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("event", "ready");
        ready.put("udp", java.util.List.of(args[0] + ":" + args[2], args[0] + ":" + args[3],
                args[1] + ":" + args[2], args[1] + ":" + args[3]));
        ready.put("tcp", args[0] + ":" + args[2]);
        System.out.println(Json.write(ready));
        System.out.flush();
        // Lifetime is bound to stdin: EOF means whoever started us is gone.
        while (System.in.read() != -1) {
            // ignore input
        }
        System.exit(0);
    }

    void start() {
        for (int a = 0; a < 2; a++) {
            for (int p = 0; p < 2; p++) {
                int fa = a, fp = p;
                Thread t = new Thread(() -> serveUdp(fa, fp), "udp-" + a + p);
                t.setDaemon(true);
                t.start();
            }
        }
        Thread t = new Thread(this::serveTcp, "tcp");
        t.setDaemon(true);
        t.start();
    }

    private void serveUdp(int a, int p) {
        DatagramSocket s = sockets[a][p];
        byte[] buf = new byte[1500];
        while (!s.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                s.receive(in);
                String[] f = new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII).trim().split(" ");
                if (f.length != 4 || !f[0].equals(Protocol.MAGIC) || !f[1].equals("REQ")) continue;
                Protocol.Mode mode;
                try {
                    mode = Protocol.Mode.valueOf(f[3]);
                } catch (IllegalArgumentException e) {
                    continue;
                }
                String observed = endpoint((InetSocketAddress) in.getSocketAddress());
                int[] ans = mode.answerer(a, p);
                DatagramSocket from = sockets[ans[0]][ans[1]];
                String fromEp = endpoint((InetSocketAddress) from.getLocalSocketAddress());
                send(from, "RES " + f[2] + " " + mode + " " + observed + " " + fromEp, in.getSocketAddress());
                if (mode != Protocol.Mode.SAME) {
                    send(s, "ACK " + f[2] + " " + mode + " " + observed + " " + fromEp, in.getSocketAddress());
                }
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                System.err.println("probe server: " + e);
            }
        }
    }

    private static void send(DatagramSocket s, String body, java.net.SocketAddress to) throws IOException {
        byte[] b = (Protocol.MAGIC + " " + body).getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, to));
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try (Socket c = tcp.accept()) {
                OutputStream out = c.getOutputStream();
                out.write((Protocol.MAGIC + " TCP " + endpoint((InetSocketAddress) c.getRemoteSocketAddress()) + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                if (tcp.isClosed()) return;
            }
        }
    }

    static String endpoint(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
