package dev.meshwire.e2e;

import dev.meshwire.peer.TestSupport;
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
    private Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;
    private final String dbUrl;
    private final List<String> jvmArgs;
    private final int openFiles;
    private final List<String> extraFlags;
    private final boolean embeddedTurn;

    private CoordinatorProcess(int port, Path dataDir, Path log, String dbUrl, List<String> jvmArgs, int openFiles, List<String> extraFlags,
                               boolean embeddedTurn) {
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
        this.dbUrl = dbUrl;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.openFiles = openFiles;
        this.extraFlags = List.copyOf(extraFlags);
        this.embeddedTurn = embeddedTurn;
    }

    /** A coordinator with SQLite under {@code dir}. */
    static CoordinatorProcess start(Path dir) throws IOException {
        return start(dir, null);
    }

    /** A coordinator whose store is {@code dbUrl} (null: SQLite under {@code dir}). */
    static CoordinatorProcess start(Path dir, String dbUrl) throws IOException {
        return start(dir, dbUrl, List.of(), 0, List.of());
    }

    /**
     * A coordinator with the JVM options {@code jvmArgs} (e.g. {@code -Xmx256m}), limited to {@code openFiles}
     * descriptors (soft and hard, as {@code ulimit -n} sets them; 0 keeps the test JVM's limit) and given
     * {@code extraFlags} of {@code meshwire coordinator}.
     */
    static CoordinatorProcess start(Path dir, String dbUrl, List<String> jvmArgs, int openFiles, List<String> extraFlags) throws IOException {
        CoordinatorProcess c = new CoordinatorProcess(freePort(), dir.resolve("coordinator-data"), dir.resolve("coordinator.log"), dbUrl,
                jvmArgs, openFiles, extraFlags, false);
        c.launch();
        return c;
    }

    /**
     * A coordinator with SQLite under {@code dir} that runs its embedded STUN/TURN server (every other start runs it
     * with {@code --no-stun}, so that tests never contend for a port), given {@code turnFlags} such as
     * {@code --turn-port 0}.
     */
    static CoordinatorProcess startWithEmbeddedTurn(Path dir, List<String> turnFlags) throws IOException {
        CoordinatorProcess c = new CoordinatorProcess(freePort(), dir.resolve("coordinator-data"), dir.resolve("coordinator.log"), null,
                List.of(), 0, turnFlags, true);
        c.launch();
        return c;
    }

    /** Starts the process again on the same port, data directory and database (after {@link #kill9}). */
    void restart() throws IOException {
        if (process != null && process.isAlive()) throw new IllegalStateException("still running");
        launch();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed — a crash. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    private void launch() throws IOException {
        List<String> cmd = new java.util.ArrayList<>();
        // sh sets the limit, then exec hands its process (and the limit) to the JVM: "$0" is the limit, "$@" the command.
        if (openFiles > 0) cmd.addAll(List.of("sh", "-c", "ulimit -n \"$0\" && exec \"$@\"", Integer.toString(openFiles)));
        cmd.add(Cli.javaBin());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-jar", Cli.JAR.toString(), "coordinator", "--listen", "127.0.0.1:" + port, "--data", dataDir.toString()));
        if (!embeddedTurn) cmd.add("--no-stun");
        if (dbUrl != null) cmd.addAll(List.of("--db", dbUrl));
        cmd.addAll(extraFlags);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        this.process = p;
        CoordinatorProcess c = this;
        HttpClient http = HttpClient.newHttpClient();
        TestSupport.await("coordinator /health on port " + port, Duration.ofSeconds(60), () -> {
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
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    int port() {
        return port;
    }

    String wsUrl() {
        return "ws://127.0.0.1:" + port;
    }

    String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The coordinator's {@code /metrics} text. */
    String metricsText() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(httpUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
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
