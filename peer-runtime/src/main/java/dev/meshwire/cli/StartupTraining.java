package dev.meshwire.cli;

import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.IpcClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The training run for the CLI's class-data-sharing archive ({@code meshwire.jsa}, see docs/benchmarks.md
 * "CLI start-up"): run once at package time under {@code -XX:ArchiveClassesAtExit}, it loads the
 * classes that short verbs load, so that later CLI calls map them from the archive instead of
 * loading them from the jars.
 *
 * <p>It runs typical verbs in-process ({@code --version}, {@code --help}, {@code status},
 * {@code peers}, {@code send}, their {@code --json} forms and an error) against a throwaway home
 * whose "daemon" is a canned loopback HTTP answerer in this class: the verbs exercise the real
 * parsing, IPC transport ({@code IpcHttp}, including a chunked event stream), JSON and rendering
 * code, and no real daemon is ever started. What the canned answers lack only makes a verb take
 * its error path, which is part of what a CLI loads too. It also runs the thin client's forwarded path
 * ({@link QuickClient}, {@code POST /v1/cli}) for {@code status} and {@code send}, since that is what the launcher
 * starts for those verbs. Output is discarded; the exit code is 0
 * unless the training itself could not run.
 */
public final class StartupTraining {
    private static final String TOKEN = "training";
    /** Requests the canned answerer served (the training's own check that the verbs reached it). */
    static final AtomicInteger ANSWERED = new AtomicInteger();

    private StartupTraining() {}

    public static void main(String[] args) throws IOException {
        Path home = Files.createTempDirectory("meshwire-cds-training");
        try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> serve(server), "training-ipc");
            t.setDaemon(true);
            t.start();
            prepareHome(home, server.getLocalPort());
            if (!new IpcClient(server.getLocalPort(), TOKEN).alive()) {
                // Without an answering fake, daemon verbs would start a real daemon: skip them.
                System.err.println("meshwire: CDS training: the canned IPC answerer did not answer; archive covers fewer classes");
                run(home, "--version");
                return;
            }
            String h = home.toString();
            String[][] verbs = {
                    {"--version"}, {"--help"}, {"--home", h, "status"}, {"--home", h, "status", "--json"},
                    {"--home", h, "peers"}, {"--home", h, "peers", "--json"},
                    {"--home", h, "send", "bob", "hi"}, {"--home", h, "send", "bob", "hi", "--json"},
                    {"--home", h, "inbox"}, {"--home", h, "send", "--help"}, {"--home", h, "no-such-verb"},
            };
            for (String[] v : verbs) run(home, v);
            forward(new String[] {"--home", h, "status"}, new String[] {"--home", h, "send", "bob", "hi"});
            IpcClient c = new IpcClient(server.getLocalPort(), TOKEN);
            c.events(e -> true);
        } finally {
            deleteTree(home);
        }
    }

    /** The thin client's path ({@link QuickClient}): a forwarded call to the canned answerer's {@code /v1/cli}. */
    private static void forward(String[]... calls) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        PrintStream out = System.out;
        PrintStream err = System.err;
        System.setOut(sink);
        System.setErr(sink);
        try {
            for (String[] c : calls) QuickClient.forward(c);
        } catch (dev.meshwire.peer.ipc.CliCall.Lost | RuntimeException e) {
            // a training run only
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static void run(Path home, String... args) {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        try {
            Main.run(sink, sink, args);
        } catch (RuntimeException e) {
            // a canned answer a verb did not expect: still a useful training run
        }
    }

    /** A home with one joined mesh whose daemon files point at the canned answerer. */
    private static void prepareHome(Path root, int port) {
        MeshwireHome home = MeshwireHome.at(root).ensureLayout();
        MeshwireHome.writePrivate(home.portFile(), Integer.toString(port));
        MeshwireHome.writePrivate(home.tokenFile(), TOKEN);
        Path mesh = home.meshDir("train");
        MeshwireHome.ensureDir(mesh);
        MeshwireHome.writePrivate(mesh.resolve("mesh.json"), """
                {"meshId":"m_0000000000000000","name":"train","coordinator":"ws://127.0.0.1:1","displayName":"alice",
                 "role":"owner","pubkey":"%s","joinedAt":0}""".formatted("00".repeat(32)));
    }

    /** Answers every request with canned JSON; {@code /v1/events} gets one chunked SSE event. */
    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                String requestLine = readLine(in);
                long length = 0;
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    if (line.toLowerCase().startsWith("content-length:")) length = Long.parseLong(line.substring(15).trim());
                }
                in.skipNBytes(length);
                String path = requestLine.split(" ")[1];
                ANSWERED.incrementAndGet();
                OutputStream out = s.getOutputStream();
                if (path.startsWith("/v1/events")) {
                    String ev = "event: message\ndata: {\"mesh\":\"train\",\"from\":\"bob\",\"text\":\"hi\"}\n\n";
                    out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                            + Integer.toHexString(ev.length()) + "\r\n" + ev + "\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                } else {
                    byte[] body = answer(path).getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.write(body);
                }
                out.flush();
            } catch (IOException | RuntimeException e) {
                // closed at the end of training, or a request this answerer does not parse: next one
            }
        }
    }

    private static String answer(String path) {
        if (path.startsWith("/v1/status")) {
            return "{\"daemon\":{\"pid\":1,\"version\":\"0\",\"uptimeMs\":1000,\"home\":\"/tmp\",\"ipcPort\":1},"
                    + "\"meshes\":[{\"name\":\"train\",\"coordinator\":\"ws://127.0.0.1:1\",\"state\":\"connected\","
                    + "\"onlinePeers\":1,\"displayName\":\"alice\",\"role\":\"owner\",\"pubkey\":\"" + "00".repeat(32) + "\"}]}";
        }
        if (path.startsWith("/v1/peers")) {
            return "{\"mesh\":\"train\",\"items\":[{\"name\":\"bob\",\"pubkey\":\"" + "11".repeat(32) + "\",\"online\":true,"
                    + "\"role\":\"member\",\"path\":\"relay\"}]}";
        }
        if (path.startsWith("/v1/send")) {
            return "{\"clientMessageId\":\"00000000-0000-0000-0000-000000000000\",\"status\":\"pending\",\"to\":\"bob\"}";
        }
        if (path.startsWith("/v1/cli")) return "{\"exit\":0,\"stdout\":\"ok\\n\",\"stderr\":\"\"}";
        return "{\"items\":[]}";
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) if (c != '\r') sb.append((char) c);
        return sb.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
