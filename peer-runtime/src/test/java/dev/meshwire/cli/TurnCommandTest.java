package dev.meshwire.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.peer.TestSupport;
import dev.meshwire.turn.RestCredentials;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meshwire turn} as an operator runs it: a separate process in the foreground, answering coturn's own STUN and
 * TURN clients, serving /metrics, and releasing its port on SIGTERM.
 */
class TurnCommandTest {
    private static final Pattern LISTENING = Pattern.compile(
            "^turn listening: udp\\+tcp 127\\.0\\.0\\.1:(\\d+), metrics http://127\\.0\\.0\\.1:(\\d+)/metrics$");

    @TempDir
    Path tmp;

    @Test
    void standaloneServerAnswersCoturnsClientsServesMetricsAndStopsOnSigterm() throws Exception {
        if (!onPath("turnutils_uclient") || !onPath("turnutils_stunclient")) {
            TestSupport.skipOrFail("coturn's turnutils_* clients are not installed (apt-get install coturn)");
        }
        String secret = "standalone-turn-secret";
        Path secretFile = tmp.resolve("turn-secret");
        Files.writeString(secretFile, secret + "\n");
        Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.meshwire.cli.Main",
                "--home", tmp.resolve("home").toString(), "turn", "--listen", "127.0.0.1:0", "--secret-file", secretFile.toString(),
                "--metrics-listen", "127.0.0.1:0", "--turn-allow-loopback-peers", "--turn-relay-ports", "50700-50799")
                .redirectError(tmp.resolve("stderr.log").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            assertNotNull(line, "no output; stderr: " + Files.readString(tmp.resolve("stderr.log")));
            Matcher m = LISTENING.matcher(line);
            assertTrue(m.matches(), "one 'turn listening' line: " + line);
            int port = Integer.parseInt(m.group(1));
            int metricsPort = Integer.parseInt(m.group(2));

            String stun = run(List.of("turnutils_stunclient", "-p", Integer.toString(port), "127.0.0.1"));
            assertTrue(stun.contains("UDP reflexive addr: 127.0.0.1:"), stun);

            String user = RestCredentials.username(System.currentTimeMillis() / 1000 + 600, "operator-test");
            String relay = run(List.of("turnutils_uclient", "-y", "-n", "50", "-m", "2", "-l", "200", "-u", user,
                    "-w", RestCredentials.password(secret, user), "-p", Integer.toString(port), "127.0.0.1"));
            assertTrue(relay.contains("Total lost packets 0 (0.000000%)"), relay);

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            double allocations = metrics.lines().filter(l -> l.startsWith("meshwire_turn_allocations_total"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                    .orElseThrow(() -> new AssertionError("no meshwire_turn_allocations_total in " + metrics));
            assertTrue(allocations >= 4, "uclient -y -m 2 allocates four times: " + allocations);
            // the live-allocations gauge is scraped too: under the counter's base name it used to be dropped from the scrape
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("meshwire_turn_allocations_active ")), metrics);

            p.destroy(); // SIGTERM, as an init system stops it
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "meshwire turn stops on SIGTERM");
            try (DatagramSocket again = new DatagramSocket(port, InetAddress.getByName("127.0.0.1"))) {
                assertEquals(port, again.getLocalPort(), "the port is free after the stop");
            }
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    private static String run(List<String> cmd) throws Exception {
        Process c = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<String> text = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        assertTrue(c.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " finishes");
        String s = text.get(10, TimeUnit.SECONDS);
        assertEquals(0, c.exitValue(), String.join(" ", cmd) + ": " + s);
        return s;
    }

    private static boolean onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, cmd))) return true;
        }
        return false;
    }
}
