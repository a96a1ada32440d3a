package dev.meshwire.nattest.matrix;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code HttpFetch <url>}: prints the body of one GET, exit 0 on a 2xx answer, else 1 with one line on stderr. Runs
 * inside a namespace (the harness cannot reach the public namespace's addresses from the root namespace); JDK only,
 * from target/classes, so it needs no curl on the machine.
 */
public final class HttpFetch {
    private HttpFetch() {}

    public static void main(String[] args) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            System.out.print(r.body());
            System.out.flush();
            if (r.statusCode() / 100 != 2) {
                System.err.println("HttpFetch: " + args[0] + " answered " + r.statusCode());
                System.exit(1);
            }
        } catch (Exception e) {
            System.err.println("HttpFetch: " + args[0] + ": " + e);
            System.exit(1);
        }
    }
}
