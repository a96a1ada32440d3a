package dev.meshwire.nattest.probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The inside end of the probe, run in a host namespace:
 * {@code ProbeClient <addr1> <addr2> <port1> <port2>}. Prints one JSON object with the raw observations and
 * their classification (see {@link Classifier}) and exits 0 (also when UDP is blocked: that is a result).
 *
 * <p>Waiting: every wait is for a specific datagram with a deadline. A request is retransmitted up to
 * {@link #ATTEMPTS} times, {@link #ATTEMPT_MS} ms apart, if nothing came back. A filtered answer is declared
 * missing only once the server's ACK (sent after the answer, along a path every filter admits) has arrived and a
 * further {@link #GRACE_MS} ms have passed without the answer.
 */
public final class ProbeClient {
    static final int ATTEMPTS = 3;
    static final int ATTEMPT_MS = 400;
    static final int GRACE_MS = 300;

    private final InetSocketAddress a1p1, a2p1, a2p2, a1p2;

    ProbeClient(InetAddress a1, InetAddress a2, int p1, int p2) {
        a1p1 = new InetSocketAddress(a1, p1);
        a2p1 = new InetSocketAddress(a2, p1);
        a2p2 = new InetSocketAddress(a2, p2);
        a1p2 = new InetSocketAddress(a1, p2);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: ProbeClient <addr1> <addr2> <port1> <port2>");
            System.exit(2);
        }
        ProbeClient c = new ProbeClient(InetAddress.getByName(args[0]), InetAddress.getByName(args[1]),
                Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        System.out.println(Json.write(c.run()));
        System.out.flush();
    }

    Map<String, Object> run() throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        String localIp = localAddressTowards(a1p1);
        out.put("localIp", localIp);

        // --- mapping (RFC 5780 4.3, plus the fourth endpoint A1:P2)
        String m11, m21 = null, m22 = null, m12 = null, local, hairpin = null;
        Boolean hairpinOk = null;
        try (DatagramSocket sm = new DatagramSocket(new InetSocketAddress(0))) {
            local = localIp + ":" + sm.getLocalPort();
            m11 = observed(transact(sm, a1p1, Protocol.Mode.SAME));
            if (m11 != null) {
                m21 = observed(transact(sm, a2p1, Protocol.Mode.SAME));
                m22 = observed(transact(sm, a2p2, Protocol.Mode.SAME));
                m12 = observed(transact(sm, a1p2, Protocol.Mode.SAME));
                // --- hairpinning: a second inside socket sends to sm's external endpoint
                try (DatagramSocket sh = new DatagramSocket(new InetSocketAddress(0))) {
                    hairpinOk = hairpin(sm, sh, m11);
                    hairpin = m11;
                }
            }
        }
        Map<String, Object> mapping = new LinkedHashMap<>();
        mapping.put("local", local);
        mapping.put("A1:P1", m11);
        mapping.put("A2:P1", m21);
        mapping.put("A2:P2", m22);
        mapping.put("A1:P2", m12);
        out.put("mapping", mapping);

        // --- filtering (RFC 5780 4.4, all three variants), on a fresh binding that only ever sent to A1:P1
        Boolean fPort = null, fAddr = null, fBoth = null, control = null;
        if (m11 != null) {
            try (DatagramSocket sf = new DatagramSocket(new InetSocketAddress(0))) {
                if (transact(sf, a1p1, Protocol.Mode.SAME) != null) {
                    fPort = unsolicited(sf, Protocol.Mode.OTHER_PORT);
                    fAddr = unsolicited(sf, Protocol.Mode.OTHER_ADDR);
                    fBoth = unsolicited(sf, Protocol.Mode.OTHER_BOTH);
                    control = transact(sf, a1p1, Protocol.Mode.SAME) != null;
                }
            }
        }
        Map<String, Object> filtering = new LinkedHashMap<>();
        filtering.put("fromOtherPort", fPort);
        filtering.put("fromOtherAddr", fAddr);
        filtering.put("fromOtherAddrAndPort", fBoth);
        filtering.put("controlAfter", control);
        out.put("filtering", filtering);

        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("target", hairpin);
        hp.put("received", hairpinOk);
        out.put("hairpin", hp);

        String tcp = tcpObserved();
        out.put("tcp", tcp);

        String mc = Classifier.mapping(local, m11, m21, m22, m12);
        String fc = mc.equals(Classifier.NO_UDP) ? Classifier.NO_UDP : Classifier.filtering(fPort, fAddr, fBoth);
        if (Boolean.FALSE.equals(control)) fc = Classifier.INCONSISTENT; // binding died mid-test
        out.put("mappingClass", mc);
        out.put("filteringClass", fc);
        out.put("behaviour", Classifier.behaviour(mc, fc, tcp != null));
        out.put("millis", (System.nanoTime() - t0) / 1_000_000);
        return out;
    }

    /** Sends a request and waits for its RES; returns the RES fields or null after all attempts. */
    private String[] transact(DatagramSocket s, InetSocketAddress to, Protocol.Mode mode) throws IOException {
        String tx = txid();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            send(s, to, "REQ " + tx + " " + mode);
            long deadline = System.nanoTime() + ATTEMPT_MS * 1_000_000L;
            String[] f;
            while ((f = receive(s, deadline)) != null) {
                if (f.length >= 6 && f[1].equals("RES") && f[2].equals(tx)) return f;
            }
        }
        return null;
    }

    /**
     * Asks A1:P1 to answer from another socket. True if the RES arrived, false if the ACK arrived and the RES did
     * not within the grace period after it, null if the server never answered at all.
     */
    private Boolean unsolicited(DatagramSocket s, Protocol.Mode mode) throws IOException {
        String tx = txid();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            send(s, a1p1, "REQ " + tx + " " + mode);
            long deadline = System.nanoTime() + ATTEMPT_MS * 1_000_000L;
            boolean acked = false;
            String[] f;
            while ((f = receive(s, deadline)) != null) {
                if (f.length < 3 || !f[2].equals(tx)) continue;
                if (f[1].equals("RES")) return true;
                if (f[1].equals("ACK") && !acked) {
                    acked = true;
                    deadline = System.nanoTime() + GRACE_MS * 1_000_000L;
                }
            }
            if (acked) return false;
        }
        return null;
    }

    private Boolean hairpin(DatagramSocket target, DatagramSocket sender, String externalEndpoint) throws IOException {
        int colon = externalEndpoint.lastIndexOf(':');
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(externalEndpoint.substring(0, colon)),
                Integer.parseInt(externalEndpoint.substring(colon + 1)));
        String tx = txid();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            send(sender, to, "HAIRPIN " + tx);
            long deadline = System.nanoTime() + ATTEMPT_MS * 1_000_000L;
            String[] f;
            while ((f = receive(target, deadline)) != null) {
                if (f.length >= 3 && f[1].equals("HAIRPIN") && f[2].equals(tx)) return true;
            }
        }
        return false;
    }

    private String tcpObserved() {
        try (Socket s = new Socket()) {
            s.connect(a1p1, 1500);
            s.setSoTimeout(1500);
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            if (line == null) return null;
            String[] f = line.trim().split(" ");
            return f.length == 3 && f[1].equals("TCP") ? f[2] : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String observed(String[] res) {
        return res == null ? null : res[4];
    }

    private static void send(DatagramSocket s, InetSocketAddress to, String body) throws IOException {
        byte[] b = (Protocol.MAGIC + " " + body).getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, to));
    }

    /** Next probe datagram on {@code s} before {@code deadline} (nanoTime), or null when the deadline passed. */
    private static String[] receive(DatagramSocket s, long deadline) throws IOException {
        byte[] buf = new byte[1500];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) return null;
            s.setSoTimeout((int) Math.max(1, left));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            String[] f = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII).trim().split(" ");
            if (f.length >= 2 && f[0].equals(Protocol.MAGIC)) return f;
        }
    }

    private static String localAddressTowards(InetSocketAddress dest) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(dest); // no packet is sent; the kernel just picks the route and source address
            return s.getLocalAddress().getHostAddress();
        }
    }

    private static String txid() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
