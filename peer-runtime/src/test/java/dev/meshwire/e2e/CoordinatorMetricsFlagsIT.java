package dev.meshwire.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meshwire coordinator --metrics-listen --metrics-token-file} as a real process, and the one-line refusals of
 * a bad {@code --public-url} / {@code MESHWIRE_PUBLIC_URL} and of {@code meshwire turn --metrics-token-file} alone.
 */
class CoordinatorMetricsFlagsIT {
    @TempDir
    Path dir;

    private static HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsOnTheirOwnPortBehindAToken() throws Exception {
        Path token = dir.resolve("metrics-token");
        Files.writeString(token, "s3cret-metrics\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        int metricsPort = CoordinatorProcess.freePort();
        try (CoordinatorProcess c = CoordinatorProcess.start(dir, null, List.of(), 0,
                List.of("--metrics-listen", "127.0.0.1:" + metricsPort, "--metrics-token-file", token.toString()))) {
            String metrics = "http://127.0.0.1:" + metricsPort + "/metrics";
            HttpResponse<String> ok = get(metrics, "s3cret-metrics");
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().contains("meshwire_connections "), ok.body());
            assertEquals(401, get(metrics, null).statusCode());
            assertEquals(404, get(c.httpUrl() + "/metrics", "s3cret-metrics").statusCode(), "not on the main port any more");
            assertTrue(c.logText().contains("metrics: http://127.0.0.1:" + metricsPort + "/metrics (bearer token from " + token + ")"),
                    c.logText());
        }
    }

    @Test
    void badPublicUrlsAndALoneTurnMetricsTokenAreUsageErrors() throws Exception {
        Cli cli = new Cli(dir.resolve("home"), Map.of("MESHWIRE_PUBLIC_URL", "not a url"));
        Cli.Result env = cli.run("coordinator", "--listen", "127.0.0.1:0", "--data", dir.resolve("d1").toString(), "--no-stun");
        assertEquals(2, env.exit(), env.out() + env.err());
        assertEquals("meshwire: --public-url (or MESHWIRE_PUBLIC_URL) must look like ws://host:port or wss://host, got 'not a url'",
                env.err().strip());

        Path secret = dir.resolve("turn-secret");
        Files.writeString(secret, "x");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Cli.Result turn = new Cli(dir.resolve("home2"), Map.of()).run("turn", "--secret-file", secret.toString(),
                "--listen", "127.0.0.1:0", "--metrics-token-file", secret.toString());
        assertEquals(2, turn.exit(), turn.out() + turn.err());
        assertEquals("meshwire: --metrics-token-file protects --metrics-listen; give both", turn.err().strip());
    }
}
