package dev.meshwire.peer.ipc;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.signaling.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #17 items 2 and 3 on the IPC, and #16's "no uploads to disk": every body and query field is read
 * strictly (type, range, empty ids, enums) and refused as {@code bad_request} naming the field and the rule;
 * every error of the HTTP layer (404, 405, 413, 414, 415, malformed JSON, multipart) is the JSON error shape
 * without library names; multipart and form bodies are refused before they are read and nothing reaches disk.
 * Real daemon, real coordinator, real HTTP.
 */
class IpcInputTest {
    @TempDir
    static Path tmp;
    static Daemon alice;
    static String bobPub;
    static final HttpClient http = HttpClient.newHttpClient();
    static final List<String> FORBIDDEN = List.of("java.", "Json", "Token", "com.fasterxml", "Exception", "io.vertx", "netty");

    @BeforeAll
    static void setUp() throws Exception {
        Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        JsonNode created = WireClient.of(alice.client()).createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        try (Daemon bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")))) {
            bobPub = WireClient.of(bob.client()).join(created.path("invite").asText(), "bob").path("mesh").path("pubkey").asText();
            await("alice knows bob", 15_000, () -> alice.session("team").roster().peer(bobPub) != null);
        }
        // Sends stay pending: what the outbox stored can be read back.
        coord.close();
        await("alice's link is down", 15_000, () -> !alice.session("team").link().connected());
    }

    @AfterAll
    static void tearDown() {
        if (alice != null) alice.close();
    }

    record Answer(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body);
            }
        }

        JsonNode error() {
            return json().path("error");
        }
    }

    static HttpRequest.Builder req(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + alice.ipcPort() + pathAndQuery))
                .header("Authorization", "Bearer " + alice.token());
    }

    static Answer call(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        return new Answer(res.statusCode(), res.body(), res);
    }

    static Answer post(String path, String json) throws IOException, InterruptedException {
        return call(req(path).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static Answer get(String pathAndQuery) throws IOException, InterruptedException {
        return call(req(pathAndQuery).GET().build());
    }

    /** The JSON error shape: one line, a code, a message without library names. */
    static JsonNode assertError(Answer a, int status, String code) {
        assertEquals(status, a.status(), a.body());
        assertTrue(a.raw().headers().firstValue("content-type").orElse("").startsWith("application/json"), a.body());
        JsonNode err = a.error();
        assertEquals(code, err.path("code").asText(), a.body());
        String msg = err.path("message").asText();
        assertFalse(msg.isEmpty(), a.body());
        assertFalse(msg.contains("\n"), a.body());
        // A field's own name may contain such a word (adminToken): look at the rest of the message.
        String rest = msg.replaceAll("'[^']*'", "''");
        for (String f : FORBIDDEN) assertFalse(rest.contains(f), "'" + f + "' in " + msg);
        return err;
    }

    static JsonNode assertBadField(Answer a, String field, String rule) {
        JsonNode err = assertError(a, 400, "bad_request");
        assertEquals(field, err.path("field").asText(), a.body());
        assertTrue(err.path("message").asText().contains("field '" + field + "'"), a.body());
        assertTrue(err.path("message").asText().contains(rule), a.body());
        return err;
    }

    // --- the four cases of issue #17 item 2 ---

    @Test
    void aMessageThatIsNotAStringIsRefusedNotStoredAsEmptyText() throws Exception {
        assertBadField(post("/v1/send", "{\"to\":\"bob\",\"message\":[\"hi\"],\"clientMessageId\":\"arr-1\"}"),
                "message", "must be a string");
        assertNull(alice.outboxStore().find("arr-1"));
        assertBadField(post("/v1/send", "{\"to\":\"bob\",\"message\":42,\"clientMessageId\":\"arr-2\"}"), "message", "must be a string");
        assertBadField(post("/v1/send", "{\"to\":\"bob\",\"message\":{\"text\":\"hi\"},\"clientMessageId\":\"arr-3\"}"),
                "message", "must be a string");
        assertNull(alice.outboxStore().find("arr-3"));
    }

    @Test
    void anEmptyClientMessageIdIsRefusedNotReplaced() throws Exception {
        long before = alice.outboxStore().list(List.of(), 10_000).size();
        assertBadField(post("/v1/send", "{\"to\":\"bob\",\"message\":\"hi\",\"clientMessageId\":\"\"}"),
                "clientMessageId", "must be 1..128 printable characters");
        assertBadField(post("/v1/send", "{\"to\":\"bob\",\"message\":\"hi\",\"clientMessageId\":\"   \"}"),
                "clientMessageId", "must be 1..128 printable characters");
        assertBadField(call(req("/v1/send").header("content-type", "application/json").header("Idempotency-Key", " ")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"bob\",\"message\":\"hi\"}")).build()),
                "Idempotency-Key", "must be 1..128 printable characters");
        assertBadField(post("/v1/outbox/requeue", "{\"clientMessageId\":\"x\",\"newClientMessageId\":\"\"}"),
                "newClientMessageId", "must be 1..128 printable characters");
        assertEquals(before, alice.outboxStore().list(List.of(), 10_000).size(), "no row was created");
        // Absent still means "generate one".
        assertEquals(202, post("/v1/send", "{\"to\":\"bob\",\"message\":\"no id\"}").status());
    }

    @Test
    void aNegativeOrPastExpiresAtIsRefused() throws Exception {
        assertBadField(post("/v1/send", "{\"to\":\"bob\",\"message\":\"hi\",\"clientMessageId\":\"exp-1\",\"meta\":{\"expiresAt\":-1}}"),
                "meta.expiresAt", "between 1 and");
        assertBadField(post("/v1/send", "{\"to\":\"bob\",\"message\":\"hi\",\"clientMessageId\":\"exp-2\",\"meta\":{\"expiresAt\":1000}}"),
                "meta.expiresAt", "must be in the future");
        assertBadField(post("/v1/send", "{\"to\":\"bob\",\"message\":\"hi\",\"clientMessageId\":\"exp-3\",\"meta\":{\"expiresAt\":1.5e12}}"),
                "meta.expiresAt", "integer");
        assertNull(alice.outboxStore().find("exp-1"));
        assertNull(alice.outboxStore().find("exp-2"));
        assertBadField(post("/v1/expire", "{\"peer\":\"bob\",\"expiresAt\":-1}"), "expiresAt", "between 1 and");
        assertBadField(post("/v1/expire", "{\"peer\":\"bob\",\"expiresAt\":\"2030-01-01\"}"), "expiresAt", "integer");
        long future = System.currentTimeMillis() + 3_600_000;
        assertEquals(202, post("/v1/send", "{\"to\":\"bob\",\"message\":\"hi\",\"clientMessageId\":\"exp-ok\",\"meta\":{\"expiresAt\":"
                + future + "}}").status());
    }

    @Test
    void inviteUsesMustBeAnIntegerInRange() throws Exception {
        assertBadField(post("/v1/invite", "{\"uses\":\"many\"}"), "uses", "must be an integer between 1 and 1000");
        assertBadField(post("/v1/invite", "{\"uses\":\"5\"}"), "uses", "must be an integer");
        assertBadField(post("/v1/invite", "{\"uses\":2.5}"), "uses", "must be an integer");
        assertBadField(post("/v1/invite", "{\"uses\":0}"), "uses", "between 1 and 1000");
        assertBadField(post("/v1/invite", "{\"uses\":99999999999999999999}"), "uses", "between 1 and 1000");
        assertBadField(post("/v1/invite", "{\"expiresInMs\":true}"), "expiresInMs", "must be an integer");
        assertEquals(200, post("/v1/invite", "{\"uses\":3}").status());
    }

    // --- every route, ill-typed ---

    /** One ill-typed body per (route, field): each must be refused as bad_request naming that field. */
    static Stream<Arguments> illTypedBodies() {
        List<Arguments> cases = new ArrayList<>();
        String[][] table = {
                // path, field, bad value (JSON), base body (JSON object members, may be empty)
                {"/v1/meshes", "name", "42", "\"coordinator\":\"ws://127.0.0.1:1\""},
                {"/v1/meshes", "name", "\"\"", "\"coordinator\":\"ws://127.0.0.1:1\""},
                {"/v1/meshes", "coordinator", "[]", "\"name\":\"x\""},
                {"/v1/meshes", "displayName", "{}", "\"name\":\"x\",\"coordinator\":\"ws://127.0.0.1:1\""},
                {"/v1/meshes", "adminToken", "true", "\"name\":\"x\",\"coordinator\":\"ws://127.0.0.1:1\""},
                {"/v1/join", "invite", "1", ""},
                {"/v1/join", "invite", "\"\"", ""},
                {"/v1/join", "displayName", "[\"bob\"]", "\"invite\":\"mw1.x\""},
                {"/v1/invite", "mesh", "7", ""},
                {"/v1/invite", "mesh", "\"\"", ""},
                {"/v1/invite", "uses", "\"many\"", ""},
                {"/v1/invite", "uses", "1001", ""},
                {"/v1/invite", "expiresInMs", "-1", ""},
                {"/v1/invite", "expiresInMs", "\"1d\"", ""},
                {"/v1/ping", "peer", "[]", ""},
                {"/v1/ping", "peer", "\"\"", ""},
                {"/v1/ping", "count", "\"3\"", "\"peer\":\"bob\""},
                {"/v1/ping", "count", "0", "\"peer\":\"bob\""},
                {"/v1/ping", "count", "1.5", "\"peer\":\"bob\""},
                {"/v1/send", "to", "5", "\"message\":\"hi\""},
                {"/v1/send", "to", "\"\"", "\"message\":\"hi\""},
                {"/v1/send", "message", "[\"hi\"]", "\"to\":\"bob\""},
                {"/v1/send", "message", "null", "\"to\":\"bob\""},
                {"/v1/send", "priority", "1", "\"to\":\"bob\",\"message\":\"hi\""},
                {"/v1/send", "priority", "\"urgent\"", "\"to\":\"bob\",\"message\":\"hi\""},
                {"/v1/send", "clientMessageId", "12", "\"to\":\"bob\",\"message\":\"hi\""},
                {"/v1/send", "clientMessageId", "\"a|b\"", "\"to\":\"bob\",\"message\":\"hi\""},
                {"/v1/send", "replyToId", "false", "\"to\":\"bob\",\"message\":\"hi\""},
                {"/v1/send", "replyToId", "\"\"", "\"to\":\"bob\",\"message\":\"hi\""},
                {"/v1/send", "mesh", "[]", "\"to\":\"bob\",\"message\":\"hi\""},
                {"/v1/send", "meta", "\"x\"", "\"to\":\"bob\",\"message\":\"hi\""},
                {"/v1/send", "meta.mentions", "{\"mentions\":\"bob\"}", "\"to\":\"bob\",\"message\":\"hi\""},
                {"/v1/outbox/requeue", "clientMessageId", "1", ""},
                {"/v1/outbox/requeue", "clientMessageId", "\"\"", ""},
                {"/v1/outbox/requeue", "newClientMessageId", "[]", "\"clientMessageId\":\"x\""},
                {"/v1/inbox/flush", "mesh", "1", ""},
                {"/v1/inbox/flush", "all", "\"yes\"", ""},
                {"/v1/inbox/flush", "all", "1", ""},
                {"/v1/kick", "peer", "{}", ""},
                {"/v1/ban", "peer", "\"\"", ""},
                {"/v1/unban", "mesh", "false", "\"peer\":\"bob\""},
                {"/v1/revoke", "peer", "3", ""},
                {"/v1/revoke", "reason", "[]", "\"peer\":\"bob\""},
                {"/v1/role", "role", "\"owner\"", "\"peer\":\"bob\""},
                {"/v1/role", "role", "1", "\"peer\":\"bob\""},
                {"/v1/role", "peer", "\"\"", "\"role\":\"admin\""},
                {"/v1/expire", "expiresAt", "1.5", "\"peer\":\"bob\""},
                {"/v1/expire", "expiresAt", "\"tomorrow\"", "\"peer\":\"bob\""},
                {"/v1/expire", "never", "\"true\"", "\"peer\":\"bob\""},
                {"/v1/rename", "name", "[\"bob\"]", ""},
                {"/v1/rename", "name", "\"\"", ""},
                {"/v1/reconnect", "mesh", "{}", ""},
        };
        for (String[] row : table) {
            String value = row[0].equals("/v1/send") && row[1].equals("meta.mentions") ? null : row[2];
            String body = "{" + row[3] + (row[3].isEmpty() ? "" : ",")
                    + (value == null ? "\"meta\":" + row[2] : "\"" + row[1] + "\":" + value) + "}";
            cases.add(Arguments.of(row[0], row[1], body));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("illTypedBodies")
    void everyRouteRefusesIllTypedFields(String path, String field, String body) throws Exception {
        Answer a = post(path, body);
        JsonNode err = assertError(a, 400, "bad_request");
        assertEquals(field, err.path("field").asText(), path + " " + body + " -> " + a.body());
        assertTrue(err.path("message").asText().contains("'" + field + "'"), a.body());
    }

    static final List<String> WEIRD = List.of("\\u0000", "x".repeat(5000), "../../etc/passwd", "%%%", "mw1.%%%", "ws://[::1",
            "0".repeat(64), "zz".repeat(32), "ftp://x", "http://", "a b|c", "*", "\\ud83d\\ude00");

    /** Odd but well-typed strings in every text field: refused or handled, never a 500. */
    static Stream<Arguments> weirdStrings() {
        List<Arguments> cases = new ArrayList<>();
        for (String w : WEIRD) {
            String v = "\"" + w + "\"";
            cases.add(Arguments.of("/v1/meshes", "{\"name\":" + v + ",\"coordinator\":\"ws://127.0.0.1:1\",\"displayName\":\"a\"}"));
            cases.add(Arguments.of("/v1/meshes", "{\"name\":\"fresh\",\"coordinator\":" + v + "}"));
            cases.add(Arguments.of("/v1/join", "{\"invite\":" + v + "}"));
            cases.add(Arguments.of("/v1/send", "{\"to\":" + v + ",\"message\":\"hi\",\"mesh\":\"team\"}"));
            cases.add(Arguments.of("/v1/send", "{\"to\":\"bob\",\"message\":\"hi\",\"mesh\":" + v + "}"));
            cases.add(Arguments.of("/v1/send", "{\"to\":\"bob\",\"message\":\"hi\",\"replyToId\":" + v + "}"));
            cases.add(Arguments.of("/v1/ping", "{\"peer\":" + v + "}"));
            cases.add(Arguments.of("/v1/kick", "{\"peer\":" + v + "}"));
            cases.add(Arguments.of("/v1/revoke", "{\"peer\":\"bob\",\"reason\":" + v + "}"));
            cases.add(Arguments.of("/v1/rename", "{\"name\":" + v + "}"));
            cases.add(Arguments.of("/v1/outbox/requeue", "{\"clientMessageId\":" + v + "}"));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("weirdStrings")
    void oddStringsAreNeverAnInternalError(String path, String body) throws Exception {
        Answer a = post(path, body);
        if (a.status() / 100 == 2) return;
        assertTrue(a.status() >= 400 && a.status() < 500 || a.status() == 502 || a.status() == 503, a.status() + " " + a.body());
        assertError(a, a.status(), a.error().path("code").asText());
    }

    @Test
    void oddQueryAndPathValuesAreNeverAnInternalError() throws Exception {
        for (String w : List.of(String.valueOf((char) 0), "x".repeat(3000), "../..", "%", "a/b", "0".repeat(64), "\uD83D\uDE00", " ")) {
            String e = java.net.URLEncoder.encode(w, StandardCharsets.UTF_8).replace("+", "%20");
            for (String q : List.of("/v1/messages/" + e, "/v1/peers?mesh=" + e, "/v1/members?mesh=" + e, "/v1/mesh/log?mesh=" + e,
                    "/v1/bans?mesh=" + e, "/v1/inbox?mesh=" + e, "/v1/outbox?state=" + e)) {
                Answer a = get(q);
                if (a.status() / 100 == 2) continue;
                assertTrue(a.status() >= 400 && a.status() < 500, q + " -> " + a.status() + " " + a.body());
                assertError(a, a.status(), a.error().path("code").asText());
            }
            Answer d = call(req("/v1/inbox/" + e).DELETE().build());
            assertTrue(d.status() >= 400 && d.status() < 500, d.body());
            assertError(d, d.status(), d.error().path("code").asText());
        }
    }

    static Stream<String> postRoutes() {
        return Stream.of("/v1/meshes", "/v1/join", "/v1/invite", "/v1/ping", "/v1/send", "/v1/outbox/requeue", "/v1/inbox/flush",
                "/v1/kick", "/v1/ban", "/v1/unban", "/v1/revoke", "/v1/role", "/v1/expire", "/v1/rename", "/v1/reconnect");
    }

    @ParameterizedTest
    @MethodSource("postRoutes")
    void everyRouteRefusesBodiesThatAreNotOneJsonObject(String path) throws Exception {
        for (String body : List.of("{\"mesh\":", "[1,2]", "42", "\"text\"", "{\"mesh\":\"a\",\"mesh\":\"b\"}", "{} {}", "{'mesh':1}",
                "{\"mesh\":\"\\ud800\"}")) {
            Answer a = post(path, body);
            assertError(a, 400, "bad_request");
        }
        Answer bin = call(req(path).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}))
                .build());
        assertTrue(assertError(bin, 400, "bad_request").path("message").asText().contains("UTF-8"), bin.body());
        Answer text = call(req(path).header("content-type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertError(text, 415, "unsupported_media_type");
    }

    @Test
    void aKeyGivenTwiceOrBrokenJsonIsNamedWithoutLibraryWords() throws Exception {
        assertBadField(post("/v1/send", "{\"to\":\"bob\",\"message\":\"a\",\"message\":\"b\",\"clientMessageId\":\"dup-key\"}"),
                "message", "is given more than once");
        assertNull(alice.outboxStore().find("dup-key"));
        JsonNode err = assertError(post("/v1/send", "{\"to\":\"bob\",\n\"message\": hi}"), 400, "bad_request");
        assertTrue(err.path("message").asText().contains("not valid JSON (line 2"), err.toString());
        assertBadField(post("/v1/send", "{\"to\":\"bob\",\"message\":\"x\\ud800y\"}"), "message", "valid Unicode");
    }

    @Test
    void shutdownRefusesABodyThatIsNotAJsonObject() throws Exception {
        assertError(post("/v1/shutdown", "[1,2]"), 400, "bad_request");
        assertError(post("/v1/shutdown", "{\"a\":"), 400, "bad_request");
        assertEquals(200, get("/v1/health").status());
    }

    static Stream<Arguments> badQueries() {
        return Stream.of(
                Arguments.of("/v1/inbox?limit=abc", "limit"), Arguments.of("/v1/inbox?limit=0", "limit"),
                Arguments.of("/v1/inbox?limit=10001", "limit"), Arguments.of("/v1/inbox?limit=99999999999", "limit"),
                Arguments.of("/v1/inbox?unread=maybe", "unread"), Arguments.of("/v1/inbox?peek=2", "peek"),
                Arguments.of("/v1/inbox?mesh=", "mesh"), Arguments.of("/v1/inbox?limit=1&limit=2", "limit"),
                Arguments.of("/v1/outbox?limit=-5", "limit"), Arguments.of("/v1/outbox?state=dead,zombie", "state"),
                Arguments.of("/v1/outbox?state=dead,", "state"),
                Arguments.of("/v1/peers?mesh=", "mesh"), Arguments.of("/v1/members?mesh=", "mesh"),
                Arguments.of("/v1/mesh/log?mesh=&mesh=x", "mesh"), Arguments.of("/v1/bans?mesh=", "mesh"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badQueries")
    void everyQueryParameterIsReadStrictly(String pathAndQuery, String field) throws Exception {
        Answer a = get(pathAndQuery);
        JsonNode err = assertError(a, 400, "bad_request");
        assertEquals(field, err.path("field").asText(), a.body());
        assertTrue(err.path("message").asText().contains("query parameter '" + field + "'"), a.body());
    }

    @Test
    void pathParametersAreChecked() throws Exception {
        assertError(call(req("/v1/inbox/abc").DELETE().build()), 400, "bad_request");
        assertError(call(req("/v1/inbox/-3").DELETE().build()), 400, "bad_request");
        assertError(call(req("/v1/inbox/99999999999999999999999").DELETE().build()), 400, "bad_request");
        assertError(call(req("/v1/inbox/12345").DELETE().build()), 404, "unknown_inbox_message");
    }

    // --- the HTTP layer (issue #17 item 3) ---

    @Test
    void unknownRouteIs404Json() throws Exception {
        assertError(get("/v1/nope"), 404, "not_found");
        assertError(get("/"), 404, "not_found");
        assertError(call(req("/v1/nope").DELETE().build()), 404, "not_found");
    }

    @Test
    void wrongMethodIs405JsonWithAllow() throws Exception {
        Answer a = post("/v1/status", "{}");
        assertError(a, 405, "method_not_allowed");
        assertEquals("GET", a.raw().headers().firstValue("Allow").orElse(null));
        Answer b = get("/v1/send");
        assertError(b, 405, "method_not_allowed");
        assertEquals("POST", b.raw().headers().firstValue("Allow").orElse(null));
        assertError(get("/v1/inbox/7"), 405, "method_not_allowed");
        assertError(call(req("/v1/health").method("PUT", HttpRequest.BodyPublishers.noBody()).build()), 405, "method_not_allowed");
    }

    @Test
    void overlongUrlIs414Json() throws Exception {
        Answer a = get("/v1/status?x=" + "a".repeat(20_000));
        assertError(a, 414, "uri_too_long");
        // The connection was closed; the next request works.
        assertEquals(200, get("/v1/health").status());
    }

    @Test
    void oversizedBodyIs413Json() throws Exception {
        Answer a = post("/v1/invite", "{\"mesh\":\"" + "a".repeat(IpcServer.MAX_BODY + 10) + "\"}");
        assertError(a, 413, "request_too_large");
        assertEquals(200, get("/v1/health").status());
    }

    @Test
    void aGetWithABodyIsRefused() throws Exception {
        Answer a = call(req("/v1/status").header("content-type", "application/json")
                .method("GET", HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build());
        assertError(a, 400, "bad_request");
    }

    // --- multipart and forms: refused, never read, never on disk (#16) ---

    static final String MARKER = "MULTIPART-MARKER-" + System.nanoTime();

    static String multipart(String boundary) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + (MARKER + "\n").repeat(4000) + "\r\n--" + boundary + "--\r\n";
    }

    static Set<Path> listing(Path dir) throws IOException {
        if (!Files.exists(dir)) return Set.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.collect(Collectors.toSet());
        }
    }

    static boolean markerOnDisk(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                try {
                    if (new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(MARKER)) return true;
                } catch (IOException e) {
                    // a file deleted while walking (WAL checkpoints): not ours
                }
            }
        }
        return false;
    }

    @Test
    void multipartAndFormBodiesAreRefusedAndNothingIsWritten() throws Exception {
        Path uploads = Path.of("file-uploads").toAbsolutePath();
        boolean existed = Files.exists(uploads);
        Set<Path> before = listing(uploads);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            String boundary = "b0undary";
            String ct = "multipart/form-data; boundary=" + boundary;
            assertError(call(req("/v1/send").header("content-type", ct).POST(HttpRequest.BodyPublishers.ofString(multipart(boundary))).build()),
                    415, "unsupported_media_type");
            assertError(call(req("/v1/status").header("content-type", ct)
                    .method("GET", HttpRequest.BodyPublishers.ofString(multipart(boundary))).build()), 415, "unsupported_media_type");
            assertError(call(req("/v1/status").header("content-type", ct).GET().build()), 415, "unsupported_media_type");
            assertError(call(req("/v1/invite").header("content-type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("uses=many&x=" + MARKER)).build()), 415, "unsupported_media_type");
            assertError(call(req("/v1/send").header("content-type", "multipart/mixed; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofString(multipart(boundary))).build()), 415, "unsupported_media_type");
            assertEquals(200, get("/v1/health").status());
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("\tat ") || log.contains("Exception"), "no stack trace for client errors: " + log);
        assertEquals(existed, Files.exists(uploads), "no file-uploads directory created");
        assertEquals(before, listing(uploads), "nothing written to file-uploads");
        assertFalse(markerOnDisk(tmp), "the upload reached the disk");
        assertFalse(existed && markerOnDisk(uploads), "the upload reached file-uploads");
    }

    @Test
    void clientErrorsLogNoStackTrace() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            post("/v1/send", "{\"to\":");
            post("/v1/send", "{\"to\":[],\"message\":{}}");
            get("/v1/status?x=" + "a".repeat(20_000));
            get("/v1/nope");
            post("/v1/health", "{}");
            post("/v1/invite", "{\"mesh\":\"" + "a".repeat(IpcServer.MAX_BODY + 10) + "\"}");
            call(req("/v1/inbox/abc").DELETE().build());
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("\tat ") || log.contains("Exception"), log);
    }
}
