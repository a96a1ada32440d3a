package dev.meshwire.turn.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * coturn's client tools (Debian package {@code coturn}) as independent TURN clients. A missing binary fails the test
 * with a clear message: CI installs coturn (.ci/run), and a silently skipped interop test proves nothing.
 */
final class CoturnTools {
    private CoturnTools() {}

    /** The absolute path of {@code name} on the PATH, or a test failure naming the package to install. */
    static String binary(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        return fail(name + " is not installed: install the Debian package 'coturn' (apt-get install coturn)");
    }

    /** A port free for both UDP and TCP on 127.0.0.1 at the time of asking. */
    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                int p = u.getLocalPort();
                try (ServerSocket t = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
                    return p;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no free port");
    }

    /** turnutils_peer as a UDP echo peer on 127.0.0.1; returns once it echoes. */
    static Process startEchoPeer(int port, Path log) throws Exception {
        Process p = new ProcessBuilder(binary("turnutils_peer"), "-L", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(200);
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) fail("turnutils_peer exited: " + Files.readString(log));
                s.send(new DatagramPacket(ping, ping.length, InetAddress.getByName("127.0.0.1"), port));
                try {
                    s.receive(new DatagramPacket(new byte[64], 64));
                    return p;
                } catch (SocketTimeoutException notYet) {
                    // poll again
                }
            }
        }
        p.destroyForcibly();
        return fail("turnutils_peer did not echo on port " + port + " within 30 s");
    }

    /** Runs a tool to completion (at most {@code timeoutSeconds}) and returns its merged output. */
    static String run(long timeoutSeconds, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the process died; what was read is kept
            }
        });
        reader.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5000);
            fail(command.get(0) + " did not finish within " + timeoutSeconds + " s; output:\n" + tail(out.toString()));
        }
        reader.join(5000);
        return out.toString();
    }

    static String tail(String s) {
        String[] lines = s.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }

    /** The summary of a turnutils_uclient run. */
    record UclientResult(long sent, long received, long lost, double lostPercent, double rttMs, String output) {
        private static final Pattern TOTALS = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");
        private static final Pattern LOST = Pattern.compile("Total lost packets (\\d+) \\(([0-9.]+)%\\)");
        private static final Pattern RTT = Pattern.compile("Average round trip delay ([0-9.]+) ms");

        static UclientResult parse(String output) {
            Matcher t = last(TOTALS, output);
            Matcher l = last(LOST, output);
            Matcher r = last(RTT, output);
            if (t == null || l == null) fail("turnutils_uclient printed no totals; output:\n" + tail(output));
            return new UclientResult(Long.parseLong(t.group(1)), Long.parseLong(t.group(2)), Long.parseLong(l.group(1)),
                    Double.parseDouble(l.group(2)), r == null ? Double.NaN : Double.parseDouble(r.group(1)), output);
        }

        private static Matcher last(Pattern p, String s) {
            Matcher m = p.matcher(s);
            Matcher found = null;
            while (m.find()) found = p.matcher(s).region(m.start(), s.length());
            if (found != null && found.find()) return found;
            return null;
        }

        @Override
        public String toString() {
            return "sent " + sent + ", received " + received + ", lost " + lost + " (" + lostPercent + "%), rtt " + rttMs + " ms";
        }
    }

    /** turnutils_uclient with REST credentials against {@code serverPort}, echo peer at {@code peerPort}. */
    static UclientResult uclient(String secret, int serverPort, int peerPort, List<String> extraFlags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary("turnutils_uclient")));
        cmd.addAll(extraFlags);
        cmd.addAll(List.of("-W", secret, "-u", "interop", "-e", "127.0.0.1", "-r", String.valueOf(peerPort),
                "-p", String.valueOf(serverPort), "-n", "1000", "-m", "10", "-l", "1024", "127.0.0.1"));
        return UclientResult.parse(run(180, cmd));
    }
}
