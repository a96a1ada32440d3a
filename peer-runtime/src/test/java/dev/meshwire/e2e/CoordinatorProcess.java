package dev.meshwire.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code meshwire coordinator} as a real process with its own data directory and log file. */
final class CoordinatorProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;

    private CoordinatorProcess(Process process, int port, Path dataDir, Path log) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    static CoordinatorProcess start(Path dir) throws IOException {
        int port = freePort();
        Path data = dir.resolve("coordinator-data");
        Path log = dir.resolve("coordinator.log");
        Process p = new ProcessBuilder(List.of(Cli.javaBin(), "-jar", Cli.JAR.toString(), "coordinator",
                "--listen", "127.0.0.1:" + port, "--data", data.toString(), "--no-stun"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        CoordinatorProcess c = new CoordinatorProcess(p, port, data, log);
        HttpClient http = HttpClient.newHttpClient();
        Deadline.await("coordinator /health on port " + port, Duration.ofSeconds(60), () -> {
            if (!p.isAlive()) throw new AssertionError("coordinator exited: " + c.logText());
            try {
                return http.send(HttpRequest.newBuilder(URI.create(c.httpUrl() + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        return c;
    }

    String wsUrl() {
        return "ws://127.0.0.1:" + port;
    }

    String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    Path dataDir() {
        return dataDir;
    }

    String adminToken() throws IOException {
        return Files.readString(dataDir.resolve("admin-token")).trim();
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
