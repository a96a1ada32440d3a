package dev.meshwire.coordinator;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.SqlClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL for tests and the benchmark: {@code MESHWIRE_TEST_PG_URL} when set (a superuser URL such as
 * {@code postgresql://postgres@127.0.0.1:5432/postgres}), otherwise a throwaway cluster started once per JVM
 * from {@code /usr/lib/postgresql/<v>/bin} (initdb as user {@code postgres} when running as root; trust
 * auth; {@code fsync=off}; unix socket and 127.0.0.1 on a free port), stopped and deleted at JVM exit.
 * Missing binaries are an error naming {@code apt-get install postgresql}, never a silent skip.
 */
public final class PgCluster {
    private static final AtomicInteger DB_SEQ = new AtomicInteger();
    private static String adminUrl;

    private PgCluster() {}

    /** URL of a maintenance database on the server (superuser). */
    public static synchronized String adminUrl() {
        if (adminUrl == null) {
            String env = System.getenv("MESHWIRE_TEST_PG_URL");
            adminUrl = env != null && !env.isBlank() ? env : startThrowaway();
        }
        return adminUrl;
    }

    /** Creates an empty database and returns its URL. */
    public static String freshDatabase(String prefix) {
        String admin = adminUrl();
        String name = (prefix + "_" + ProcessHandle.current().pid() + "_" + DB_SEQ.incrementAndGet()).toLowerCase().replaceAll("[^a-z0-9_]", "_");
        Vertx vertx = Vertx.vertx();
        try {
            SqlClient c = PgBuilder.client().connectingTo(dev.meshwire.coordinator.store.PgCoordinatorStore.connectOptions(admin)).using(vertx).build();
            c.query("CREATE DATABASE " + name).execute().await(60, TimeUnit.SECONDS);
            c.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + admin + ": " + e, e);
        } finally {
            vertx.close().await();
        }
        int slash = admin.lastIndexOf('/');
        int q = admin.indexOf('?', slash);
        return admin.substring(0, slash + 1) + name + (q >= 0 ? admin.substring(q) : "");
    }

    private static Path findBin() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.list(root)) {
                Path best = s.filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(p -> {
                            try {
                                return Integer.parseInt(p.getFileName().toString());
                            } catch (NumberFormatException e) {
                                return 0;
                            }
                        })).orElse(null);
                if (best != null) return best.resolve("bin");
            } catch (IOException ignored) {
                // fall through to the error
            }
        }
        throw new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install them "
                + "(apt-get install postgresql) or point MESHWIRE_TEST_PG_URL at a server (superuser URL)");
    }

    private static String startThrowaway() {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Path dir = Files.createTempDirectory("mw-pg");
            Path data = dir.resolve("data");
            if (root) run(List.of("chown", "postgres", dir.toString()), false);
            run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "meshwire", "--auth=trust", "-E", "UTF8", "--no-sync"), root);
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                port = s.getLocalPort();
            }
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                    "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                    "start"), root);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), root);
                } catch (Exception ignored) {
                    // best effort
                }
                deleteTree(dir);
            }, "meshwire-test-pg-stop"));
            return "postgresql://meshwire@127.0.0.1:" + port + "/postgres";
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot start a throwaway PostgreSQL cluster with " + bin + ": " + e.getMessage(), e);
        }
    }

    private static void run(List<String> cmd, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(cmd);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", full) + " failed: " + out.strip());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
