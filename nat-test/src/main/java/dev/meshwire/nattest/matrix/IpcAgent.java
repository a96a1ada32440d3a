package dev.meshwire.nattest.matrix;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs inside a site's host namespace next to a daemon and forwards requests to that daemon's IPC (127.0.0.1
 * only, so the harness in the root namespace cannot reach it). JDK only: it runs from target/classes.
 *
 * <p>stdin, one request a line: {@code GET /v1/peers?mesh=x} or {@code POST /v1/send {"to":...}}. stdout, one
 * answer a line: {@code <http status> <body on one line>} ({@code 0 <error>} when the request failed). It waits
 * (up to 30 s) for {@code $HOME/daemon/port} and exits when stdin closes.
 */
public final class IpcAgent {
    public static void main(String[] args) throws Exception {
        Path daemon = Path.of(args[0], "daemon");
        long deadline = System.currentTimeMillis() + 30_000;
        while (!Files.exists(daemon.resolve("port")) && System.currentTimeMillis() < deadline) Thread.sleep(50);
        int port = Integer.parseInt(Files.readString(daemon.resolve("port")).trim());
        String token = Files.readString(daemon.resolve("token")).trim();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("ready " + port);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            String[] p = line.split(" ", 3);
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + p[1]))
                        .timeout(Duration.ofSeconds(20))
                        .header("Authorization", "Bearer " + token);
                if (p[0].equals("POST")) {
                    b.header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(p.length > 2 ? p[2] : "{}", StandardCharsets.UTF_8));
                } else {
                    b.GET();
                }
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                out.println(r.statusCode() + " " + r.body().replace('\n', ' ').replace('\r', ' '));
            } catch (Exception e) {
                out.println("0 " + String.valueOf(e).replace('\n', ' '));
            }
        }
        System.exit(0);
    }
}
