package dev.meshwire.peer.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.daemon.ForegroundDaemon;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.signaling.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16: "a multipart body sent to any IPC route is written to {@code <daemon cwd>/file-uploads/} and never
 * deleted". A daemon <b>process</b> with a fresh, empty working directory, its own home and its own
 * {@code java.io.tmpdir} gets a multipart/form-data, a multipart/mixed and a form body on <b>every</b> endpoint it
 * has (the list comes from the IPC itself, so a new endpoint is covered without editing this test): each is
 * refused with 415 {@code unsupported_media_type} in the JSON error shape, the daemon keeps running, the working
 * directory stays empty, the home gains no file, and the uploaded bytes appear in no file anywhere under them.
 */
class MultipartNothingOnDiskTest {
    static final String MARKER = "UPLOAD-MARKER-" + System.nanoTime();
    static final String BOUNDARY = "b0undary";

    @TempDir
    Path tmp;

    static String multipart() {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + (MARKER + "\n").repeat(2000) + "\r\n--" + BOUNDARY + "--\r\n";
    }

    static Set<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).collect(Collectors.toSet());
        }
    }

    static List<Path> holdingTheMarker(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : files(dir)) {
            if (!Files.isRegularFile(p)) continue;
            try {
                if (new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(MARKER)) out.add(p);
            } catch (IOException e) {
                // deleted while walking (a WAL checkpoint): not an upload
            }
        }
        return out;
    }

    @Test
    void multipartAndFormBodiesOnEveryRouteAreRefusedAndNothingReachesTheDisk() throws Exception {
        List<String> routes;
        try (Daemon lister = Daemon.start(DaemonOptions.of(tmp.resolve("lister")))) {
            routes = lister.ipcRoutes();
        }
        assertTrue(routes.size() >= 25, "the IPC lists its endpoints: " + routes);

        Path cwd = tmp.resolve("cwd");
        Path home = tmp.resolve("home");
        Path javaTmp = tmp.resolve("java-tmp");
        Files.createDirectories(javaTmp);
        ForegroundDaemon d = ForegroundDaemon.start(MeshwireHome.at(home), cwd,
                Map.of("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + javaTmp));
        try {
            Set<Path> homeBefore = files(home);
            assertEquals(Set.of(), files(cwd), "the daemon starts with nothing in its working directory");
            HttpClient http = HttpClient.newHttpClient();
            String base = d.client().baseUrl();
            String token = Files.readString(MeshwireHome.at(home).tokenFile()).trim();
            Map<String, String> bodies = Map.of(
                    "multipart/form-data; boundary=" + BOUNDARY, multipart(),
                    "multipart/mixed; boundary=" + BOUNDARY, multipart(),
                    "application/x-www-form-urlencoded", "file=" + MARKER + "&x=" + MARKER.repeat(500));
            int refused = 0;
            for (String route : routes) {
                String method = route.substring(0, route.indexOf(' '));
                String path = route.substring(route.indexOf(' ') + 1).replaceAll(":[a-z]+", "1");
                for (Map.Entry<String, String> b : bodies.entrySet()) {
                    HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + path))
                            .header("Authorization", "Bearer " + token).header("Content-Type", b.getKey())
                            .method(method, HttpRequest.BodyPublishers.ofString(b.getValue())).build(), HttpResponse.BodyHandlers.ofString());
                    String what = route + " with " + b.getKey();
                    assertEquals(415, res.statusCode(), what + ": " + res.body());
                    JsonNode err = Json.MAPPER.readTree(res.body()).path("error");
                    assertEquals("unsupported_media_type", err.path("code").asText(), what);
                    assertTrue(err.path("message").asText().startsWith("multipart and form uploads are not accepted"), what + ": " + err);
                    refused++;
                }
            }
            assertEquals(true, d.client().get("/v1/health").path("ok").asBoolean(), "the daemon still answers (even POST /v1/shutdown was refused)");
            System.out.println("multipart/form: " + refused + " uploads to " + routes.size() + " endpoints refused with 415; nothing on disk");
            assertEquals(Set.of(), files(cwd), "nothing in the daemon's working directory (no file-uploads/)");
            Set<Path> added = files(home).stream().filter(p -> !homeBefore.contains(p)).collect(Collectors.toSet());
            assertEquals(Set.of(), added, "no new file in the daemon's home");
            assertEquals(List.of(), holdingTheMarker(tmp), "the uploaded bytes are in no file (home, working directory, java.io.tmpdir)");
            try (Stream<Path> s = Files.walk(tmp)) {
                assertFalse(s.anyMatch(p -> p.getFileName().toString().equals("file-uploads")), "no file-uploads directory anywhere");
            }
        } finally {
            d.shutdown();
        }
    }
}
