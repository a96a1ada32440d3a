package dev.meshwire.peer.ipc;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.ExpireRequest;
import dev.meshwire.peer.ipc.api.InboxFlushRequest;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.OutboxQuery;
import dev.meshwire.peer.ipc.api.InviteRequest;
import dev.meshwire.peer.ipc.api.JoinRequest;
import dev.meshwire.peer.ipc.api.MeshRequest;
import dev.meshwire.peer.ipc.api.LeaveRequest;
import dev.meshwire.peer.ipc.api.ForgetMeshRequest;
import dev.meshwire.peer.ipc.api.GrantRequest;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.ServiceRevokeRequest;
import dev.meshwire.peer.ipc.api.ModerateRequest;
import dev.meshwire.peer.ipc.api.PingRequest;
import dev.meshwire.peer.ipc.api.RenameRequest;
import dev.meshwire.peer.ipc.api.RequeueRequest;
import dev.meshwire.peer.ipc.api.RevokeRequest;
import dev.meshwire.peer.ipc.api.RoleRequest;
import dev.meshwire.peer.ipc.api.SendRequest;
import dev.meshwire.peer.ipc.api.SessionRequest;
import dev.meshwire.peer.ipc.api.SessionSendRequest;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import dev.meshwire.signaling.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IPC contract test: real daemons and a real coordinator, every route the daemon registers called over real
 * HTTP, and every answer (status and body, errors included) validated against docs/ipc-openapi.yaml; every
 * request body sent is validated against the file too. The file and the server must list the same routes. A field
 * added to a reply, renamed or given another type fails here until the file says so.
 */
class IpcContractTest {
    @TempDir
    static Path tmp;
    static OpenApiContract contract;
    static Coordinator coord;
    static Daemon alice, bob, carol, dave;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Operations whose answers were validated, as the file writes them after {@link OpenApiContract#normalize}. */
    static final TreeSet<String> exercised = new TreeSet<>();
    static final java.util.Set<String> problems = new java.util.LinkedHashSet<>();

    @BeforeAll
    static void start() throws Exception {
        contract = OpenApiContract.load();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        // Relay only: the contract is the same with direct channels, and the test stays quick and deterministic.
        P2pSettings relayOnly = P2pSettings.defaults().withMode(P2pMode.OFF);
        // alice runs forwarded command lines (POST /v1/cli) with the CLI's runner, as a daemon started by 'meshwire up' does
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withP2p(relayOnly),
                dev.meshwire.cli.ForwardedCli.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")).withP2p(relayOnly));
        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")).withP2p(relayOnly));
        dave = Daemon.start(DaemonOptions.of(tmp.resolve("dave")).withP2p(relayOnly));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {alice, bob, carol, dave, coord}) {
            try {
                if (c != null) c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    /** One HTTP exchange: status and JSON body. */
    record Answer(int status, JsonNode body) {}

    /** Calls {@code method path} on {@code d}, validates the request body and the answer, and returns the answer. */
    static Answer call(Daemon d, String method, String template, String path, Object body) {
        JsonNode json = body == null ? null : Json.MAPPER.valueToTree(body);
        if (json != null) problems.addAll(contract.checkRequest(method, template, json));
        return exchange(d, method, template, path, json);
    }

    /** A request the file itself says is invalid: only the answer is validated. */
    static Answer callInvalid(Daemon d, String method, String template, String path, Object body) {
        JsonNode json = Json.MAPPER.valueToTree(body);
        assertTrue(!contract.checkRequest(method, template, json).isEmpty(), "the file refuses " + json);
        return exchange(d, method, template, path, json);
    }

    private static Answer exchange(Daemon d, String method, String template, String path, JsonNode json) {
        return exchange(d, method, template, path, json, null);
    }

    /** A call with a body as the session whose token is {@code sessionToken}; the body is validated against the file. */
    static Answer exchangeAs(Daemon d, String method, String path, Object body, String sessionToken) {
        JsonNode json = Json.MAPPER.valueToTree(body);
        problems.addAll(contract.checkRequest(method, path, json));
        return exchange(d, method, path, path, json, sessionToken);
    }

    /** A body-less call as the session whose token is {@code sessionToken} (header Meshwire-Session). */
    static Answer asSession(Daemon d, String method, String template, String path, String sessionToken) {
        return exchange(d, method, template, path, null, sessionToken);
    }

    private static Answer exchange(Daemon d, String method, String template, String path, JsonNode json, String sessionToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.ipcPort() + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + d.token());
        if (sessionToken != null) b.header(IpcServer.SESSION_HEADER, sessionToken);
        if (json == null) b.method(method, HttpRequest.BodyPublishers.noBody());
        else b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json.toString()));
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = Json.MAPPER.readTree(r.body());
            problems.addAll(contract.checkAnswer(method, template, r.statusCode(), answer));
            exercised.add(method + " " + OpenApiContract.normalize(template));
            return new Answer(r.statusCode(), answer);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static Answer ok(Daemon d, String method, String template, String path, Object body) {
        Answer a = call(d, method, template, path, body);
        assertTrue(a.status() / 100 == 2, method + " " + path + " answered " + a.status() + ": " + a.body());
        return a;
    }

    static Answer get(Daemon d, String template, String path) {
        return ok(d, "GET", template, path, null);
    }

    static Answer post(Daemon d, String path, Object body) {
        return ok(d, "POST", path, path, body);
    }

    static boolean online(Daemon d, String name) {
        for (JsonNode p : get(d, "/v1/peers", "/v1/peers").body().path("items")) {
            if (name.equals(p.path("name").asText()) && p.path("online").asBoolean()) return true;
        }
        return false;
    }

    @Test
    void everyRouteAnswersAsTheOpenApiFileSays() throws Exception {
        // The route lists agree, both ways.
        TreeSet<String> served = new TreeSet<>();
        for (String r : alice.ipcRoutes()) served.add(r.substring(0, r.indexOf(' ')) + " " + OpenApiContract.normalize(r.substring(r.indexOf(' ') + 1)));
        assertEquals(contract.operations(), served, "docs/ipc-openapi.yaml and IpcServer list the same routes");

        get(alice, "/v1/health", "/v1/health");
        JsonNode created = post(alice, "/v1/meshes", new CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken())).body();
        String invite = post(alice, "/v1/invite", new InviteRequest("team", 3, 3_600_000L)).body().path("invite").asText();
        post(bob, "/v1/join", new JoinRequest(invite, "bob"));
        post(carol, "/v1/join", new JoinRequest(invite, "carol"));
        post(dave, "/v1/join", new JoinRequest(invite, "dave"));
        await("alice sees bob, carol and dave online", 30_000, () -> online(alice, "bob") && online(alice, "carol") && online(alice, "dave"));
        await("bob sees alice online", 30_000, () -> online(bob, "alice"));

        // Events: bob's stream, read on its own thread until the first message arrives.
        CompletableFuture<List<String>> streamed = CompletableFuture.supplyAsync(() -> readEvents(bob, "message"));
        await("bob's event stream is open", 10_000,
                () -> get(bob, "/v1/status", "/v1/status").body().path("daemon").path("events").path("open").asInt() == 1);

        JsonNode sent = post(alice, "/v1/send", new SendRequest("team", "bob", "hello bob", "now", "contract-1", null, null)).body();
        assertEquals("accepted_pending", sent.path("status").asText());
        assertTrue(sent.path("state").isMissingNode(), "a send has one status field: " + sent);
        await("contract-1 is done", 30_000,
                () -> "done".equals(get(alice, "/v1/messages/{clientMessageId}", "/v1/messages/contract-1").body().path("state").asText()));
        Answer again = call(alice, "POST", "/v1/send", "/v1/send", new SendRequest("team", "bob", "hello bob", "now", "contract-1", null, null));
        assertEquals(200, again.status(), "a duplicate of a done send: " + again.body());
        assertEquals(List.of(), streamed.get(30, TimeUnit.SECONDS), "event data matches the file");

        get(alice, "/v1/status", "/v1/status");
        get(alice, "/v1/outbox", "/v1/outbox?state=done,pending&limit=5");
        get(alice, "/v1/outbox", "/v1/outbox?mesh=team");
        JsonNode ping = post(alice, "/v1/ping", new PingRequest("team", "bob", 1)).body();
        assertEquals(1, ping.path("items").size(), ping.toString());


        // The inbox: list (peek), delete one, flush.
        await("bob holds the message", 30_000, () -> get(bob, "/v1/inbox", "/v1/inbox?peek=true").body().path("items").size() == 1);
        post(alice, "/v1/send", new SendRequest("team", "bob", "delete me"));
        JsonNode second = await("bob holds the second message", Duration.ofSeconds(30), () -> {
            for (JsonNode m : get(bob, "/v1/inbox", "/v1/inbox?limit=10&unread=true").body().path("items")) {
                if ("delete me".equals(m.path("text").asText())) return m;
            }
            return null;
        });
        ok(bob, "DELETE", "/v1/inbox/{id}", "/v1/inbox/" + second.path("id").asLong(), null);
        // Files: alice offers a small file to bob (via the relay here); bob lists it and accepts it into a directory.
        java.nio.file.Path small = java.nio.file.Files.writeString(tmp.resolve("contract.txt"), "a small file\n");
        Answer offered = call(alice, "POST", "/v1/files/send", "/v1/files/send",
                new dev.meshwire.peer.ipc.api.FileSendRequest("team", "bob", small.toString()));
        assertEquals(202, offered.status(), offered.body().toString());
        String fileId = offered.body().path("id").asText();
        await("bob sees the offer", 30_000, () -> get(bob, "/v1/files", "/v1/files?limit=5").body().path("items").size() == 1);
        ok(bob, "POST", "/v1/files/{id}/accept", "/v1/files/" + fileId + "/accept",
                new dev.meshwire.peer.ipc.api.FileAcceptRequest(tmp.resolve("bob-files").toString()));
        await("the file is done on both sides", 60_000, () -> "done".equals(get(alice, "/v1/files/{id}", "/v1/files/" + fileId).body().path("state").asText())
                && "done".equals(get(bob, "/v1/files/{id}", "/v1/files/" + fileId.substring(0, 8)).body().path("state").asText()));
        assertEquals(404, call(bob, "GET", "/v1/files/{id}", "/v1/files/abcdef0123", null).status());
        assertEquals("done", ok(alice, "POST", "/v1/files/{id}/cancel", "/v1/files/" + fileId + "/cancel", java.util.Map.of()).body().path("state").asText(),
                "a finished transfer stays as it is");
        post(bob, "/v1/inbox/flush", new InboxFlushRequest("team", true));

        // rpc: bob serves contract.echo through a handler stream; alice calls it and reads the answer.
        assertEquals(400, call(bob, "GET", "/v1/rpc/handler", "/v1/rpc/handler", null).status(), "a handler stream needs a method");
        java.util.concurrent.atomic.AtomicBoolean handlerOpen = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<List<String>> rpcServed = CompletableFuture.supplyAsync(() -> serveOnce(bob, "contract.echo", handlerOpen));
        await("bob's handler stream is registered", 10_000, handlerOpen::get);
        JsonNode rpcArgs = Json.MAPPER.readTree("{\"x\":[1,2]}");
        JsonNode rpcStarted = post(alice, "/v1/rpc/call", new dev.meshwire.peer.ipc.api.RpcCallRequest("team", "bob", "contract.echo", rpcArgs,
                30_000L, null, "contract-rpc-1")).body();
        assertEquals("pending", rpcStarted.path("state").asText(), rpcStarted.toString());
        JsonNode rpcDone = await("the rpc call is answered", Duration.ofSeconds(30), () -> {
            JsonNode c = get(alice, "/v1/rpc/calls/{id}", "/v1/rpc/calls/contract-rpc-1?waitMs=5000").body();
            return "pending".equals(c.path("state").asText()) ? null : c;
        });
        assertEquals("ok", rpcDone.path("state").asText(), rpcDone.toString());
        assertEquals(rpcArgs, rpcDone.path("result"));
        assertEquals(List.of(), rpcServed.get(30, TimeUnit.SECONDS), "the call event matches the file");
        assertEquals(404, call(alice, "GET", "/v1/rpc/calls/{id}", "/v1/rpc/calls/nope", null).status());
        assertEquals(404, call(bob, "POST", "/v1/rpc/reply", "/v1/rpc/reply",
                new dev.meshwire.peer.ipc.api.RpcReplyRequest(999_999, null, new dev.meshwire.peer.ipc.api.RpcError("x", "y"))).status());
        JsonNode sameCall = post(alice, "/v1/rpc/call", new dev.meshwire.peer.ipc.api.RpcCallRequest("team", "bob", "contract.echo", null,
                5_000L, null, "contract-rpc-1")).body();
        assertEquals("ok", sameCall.path("state").asText(), "the same id again is the same call: " + sameCall);

        // Sessions: alice mints one (dm only), lists it, sees it as itself in peers; bob's dm lands in its own inbox; it ends.
        JsonNode made = post(alice, "/v1/sessions", new SessionRequest("team", "contract", 3_600_000L, List.of("dm"), null)).body();
        String token = made.path("token").asText();
        String key = made.path("session").path("pubkey").asText();
        assertEquals(1, get(alice, "/v1/sessions", "/v1/sessions?mesh=team").body().path("items").size());
        await("bob sees alice's session", 30_000,
                () -> get(bob, "/v1/peers", "/v1/peers").body().path("items").findValuesAsText("pubkey").contains(key));
        Answer mine = asSession(alice, "GET", "/v1/peers", "/v1/peers", token);
        assertTrue(mine.body().toString().contains("\"session\":\"this\""), mine.body().toString());
        post(bob, "/v1/send", new SendRequest("team", key, "to the session"));
        await("the session holds bob's dm", 30_000,
                () -> asSession(alice, "GET", "/v1/session/inbox", "/v1/session/inbox?peek=true", token).body().path("items").size() == 1);
        Answer sentAs = exchangeAs(alice, "POST", "/v1/session/send", new SessionSendRequest("carol", "from the session", null, null), token);
        assertEquals(200, sentAs.status(), sentAs.body().toString());
        ok(alice, "DELETE", "/v1/sessions/{id}", "/v1/sessions/" + made.path("session").path("id").asText(), null);
        assertEquals(404, asSession(alice, "GET", "/v1/session/inbox", "/v1/session/inbox", token).status());
        assertEquals(404, call(alice, "DELETE", "/v1/sessions/{id}", "/v1/sessions/" + made.path("session").path("id").asText(), null).status());

        // Mesh state reads and changes.
        get(alice, "/v1/members", "/v1/members?mesh=team");
        get(alice, "/v1/mesh/log", "/v1/mesh/log");
        post(alice, "/v1/role", new RoleRequest("team", "carol", "admin"));
        post(alice, "/v1/expire", new ExpireRequest("team", "carol", System.currentTimeMillis() + 3_600_000, null));
        post(alice, "/v1/expire", new ExpireRequest("team", "carol", null, true));
        post(bob, "/v1/rename", new RenameRequest("team", "bobby"));
        await("alice sees the new name", 30_000, () -> online(alice, "bobby"));

        // Grants and services (docs/protocol.md §6.3, §6.4).
        post(bob, "/v1/grant", new GrantRequest("team", "dave", "dm,broadcast", null));
        post(bob, "/v1/grant", new GrantRequest("team", "*", "", null));
        post(bob, "/v1/grant", new GrantRequest("team", "*", null, true));
        JsonNode grants = get(bob, "/v1/grants", "/v1/grants?mesh=team").body();
        assertEquals(1, grants.path("items").size(), grants.toString());
        await("dave's replica has bob's grant for it", 30_000,
                () -> get(dave, "/v1/grants", "/v1/grants").body().path("toYou").size() == 1);
        assertEquals(400, call(bob, "POST", "/v1/grant", "/v1/grant", new GrantRequest("team", "dave", "dm,fly", null)).status());
        // Groups (docs/protocol.md §12.1): create, fill, list, send to @name, refusals, delete.
        assertEquals("@frontend", post(bob, "/v1/groups", new dev.meshwire.peer.ipc.api.GroupCreateRequest("team", "frontend")).body()
                .path("group").asText());
        post(bob, "/v1/groups/member", new dev.meshwire.peer.ipc.api.GroupMemberRequest("team", "frontend", "carol", "lead", null));
        post(bob, "/v1/groups/member", new dev.meshwire.peer.ipc.api.GroupMemberRequest("team", "@frontend", "bobby", null, null));
        await("bob's replica lists @frontend with 2 members", 30_000,
                () -> get(bob, "/v1/groups", "/v1/groups?mesh=team").body().path("groups").path(0).path("members").size() == 2);
        JsonNode toGroup = post(bob, "/v1/send", new SendRequest("team", "@frontend", "hello frontend")).body();
        assertEquals("group", toGroup.path("channel").asText(), toGroup.toString());
        assertEquals(1, toGroup.path("recipients").size(), "carol only: the sender gets no copy");
        await("carol's inbox has the group message", 30_000, () -> {
            for (JsonNode m : get(carol, "/v1/inbox", "/v1/inbox?peek=true").body().path("items")) {
                if ("@frontend".equals(m.path("target").asText())) return true;
            }
            return false;
        });
        assertEquals(404, call(bob, "POST", "/v1/send", "/v1/send", new SendRequest("team", "@nope", "x")).status());
        assertEquals(404, call(bob, "POST", "/v1/groups/member", "/v1/groups/member",
                new dev.meshwire.peer.ipc.api.GroupMemberRequest("team", "nope", "carol", null, null)).status());
        assertEquals(403, call(dave, "POST", "/v1/groups/member", "/v1/groups/member",
                new dev.meshwire.peer.ipc.api.GroupMemberRequest("team", "frontend", "dave", null, null)).status());
        assertEquals(400, call(bob, "POST", "/v1/groups", "/v1/groups", new dev.meshwire.peer.ipc.api.GroupCreateRequest("team", "all")).status());
        post(bob, "/v1/groups/member", new dev.meshwire.peer.ipc.api.GroupMemberRequest("team", "frontend", "carol", null, true));
        post(bob, "/v1/groups", new dev.meshwire.peer.ipc.api.GroupCreateRequest("team", "empty"));
        await("bob's replica has @empty", 30_000, () -> get(bob, "/v1/groups", "/v1/groups").body().path("groups").size() == 2);
        assertEquals(409, call(bob, "POST", "/v1/send", "/v1/send", new SendRequest("team", "@empty", "x")).status());
        post(bob, "/v1/groups/delete", new dev.meshwire.peer.ipc.api.GroupDeleteRequest("team", "empty"));
        // Topics (docs/protocol.md §12.2): create, join, list, post (/v1/send to #name), history, leave.
        post(alice, "/v1/topics", new dev.meshwire.peer.ipc.api.TopicRequest("team", "#contract", null));
        await("bob's replica shows #contract", 30_000,
                () -> get(bob, "/v1/topics", "/v1/topics?mesh=team").body().path("topics").size() == 1);
        post(bob, "/v1/topics/join", new dev.meshwire.peer.ipc.api.TopicRequest("team", "contract", null));
        await("bob holds the key of #contract", 30_000,
                () -> get(bob, "/v1/topics", "/v1/topics").body().path("topics").get(0).path("hasKey").asBoolean());
        JsonNode posted = post(alice, "/v1/send", new SendRequest("team", "#contract", "to the topic", null, "contract-topic", null, null)).body();
        assertEquals("topic", posted.path("channel").asText(), posted.toString());
        await("the topic post is in the history", 30_000, () -> {
            JsonNode h = get(bob, "/v1/topics/history", "/v1/topics/history?mesh=team&topic=%23contract&limit=10").body();
            return h.path("messages").size() == 1 && "to the topic".equals(h.path("messages").get(0).path("text").asText());
        });
        get(alice, "/v1/messages/{clientMessageId}", "/v1/messages/contract-topic");
        await("bob's inbox holds the post as #contract", 30_000, () -> get(bob, "/v1/inbox", "/v1/inbox?peek=true").body()
                .path("items").findValuesAsText("target").contains("#contract"));
        post(bob, "/v1/inbox/flush", new InboxFlushRequest("team", true)); // the inbox checks below start empty
        post(bob, "/v1/topics/leave", new dev.meshwire.peer.ipc.api.TopicRequest("team", "#contract", null));
        assertEquals(404, call(bob, "POST", "/v1/topics/join", "/v1/topics/join", new dev.meshwire.peer.ipc.api.TopicRequest("team", "nosuch", null)).status());
        assertEquals(400, call(bob, "POST", "/v1/topics", "/v1/topics", new dev.meshwire.peer.ipc.api.TopicRequest("team", "Bad Name", null)).status());
        JsonNode service = post(alice, "/v1/services", new ServiceRegisterRequest("team", "hook-1", "webhook", "dm:read,dm:write", null, null)).body();
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                java.nio.file.Files.getPosixFilePermissions(Path.of(service.path("keyFile").asText())), "the service key file is 0600");
        assertEquals("active", get(alice, "/v1/services", "/v1/services?mesh=team").body().path("items").get(0).path("status").asText());
        post(alice, "/v1/services/revoke", new ServiceRevokeRequest("team", "hook-1", "contract test"));
        await("the service is revoked in alice's replica", 30_000,
                () -> "revoked".equals(get(alice, "/v1/services", "/v1/services").body().path("items").get(0).path("status").asText()));
        // A delegated service held by alice's daemon: its inbox and a send as the service.
        JsonNode held = post(alice, "/v1/services", new ServiceRegisterRequest("team", "hook-2", "bot", "dm:read,dm:write", null, true)).body();
        assertEquals("connected", held.path("service").path("connection").asText(), held.toString());
        post(bob, "/v1/send", new SendRequest("team", held.path("service").path("servicePubkey").asText(), "to the service"));
        await("the delegated service holds bob's dm", 30_000,
                () -> get(alice, "/v1/services/{name}/inbox", "/v1/services/hook-2/inbox?mesh=team&peek=true").body().path("items").size() == 1);
        Answer asService = ok(alice, "POST", "/v1/services/{name}/send", "/v1/services/hook-2/send",
                new dev.meshwire.peer.ipc.api.ServiceSendRequest("team", "carol", "from the service", null, null));
        assertEquals(held.path("service").path("servicePubkey").asText(), asService.body().path("servicePubkey").asText());
        assertEquals(404, call(alice, "GET", "/v1/services/{name}/inbox", "/v1/services/nope/inbox", null).status());
        // Sub-peers (docs/protocol.md §6.5): only a service of a fronting type; a bot is refused (403).
        assertEquals(403, call(alice, "POST", "/v1/services/{name}/subpeers", "/v1/services/hook-2/subpeers",
                new dev.meshwire.peer.ipc.api.SubpeersRequest("team", java.util.List.of("lk:x"))).status());
        post(alice, "/v1/services", new ServiceRegisterRequest("team", "room", "livekit-room", "dm:read,dm:write", null, true));
        Answer fronted = ok(alice, "POST", "/v1/services/{name}/subpeers", "/v1/services/room/subpeers",
                new dev.meshwire.peer.ipc.api.SubpeersRequest("team", java.util.List.of("lk:zoe", "lk:amy")));
        assertEquals("[\"lk:amy\",\"lk:zoe\"]", fronted.body().path("names").toString());
        // Files for its sub-peers (docs/protocol.md §12.4 "Sub-peers"; FileToParticipantTest moves one): none wait yet.
        Answer waiting = ok(alice, "GET", "/v1/services/{name}/files", "/v1/services/room/files?mesh=team", null);
        assertEquals(0, waiting.body().path("files").size(), waiting.body().toString());
        // Sending a file as a service needs stream:write (FileToParticipantTest sends one).
        assertEquals(403, call(alice, "POST", "/v1/services/{name}/files", "/v1/services/room/files",
                new dev.meshwire.peer.ipc.api.ServiceFileSendRequest("team", "bob", "/etc/hostname")).status());
        assertEquals(404, call(alice, "POST", "/v1/services/{name}/files/{id}/delivered", "/v1/services/room/files/0123456789ab/delivered?mesh=team",
                java.util.Map.of()).status());

        // Moderation: kick (carol reconnects by hand), ban, the ban list, unban; revoke dave.
        post(alice, "/v1/kick", new ModerateRequest("team", "carol"));
        await("carol's link is kicked", 30_000,
                () -> "kicked".equals(get(carol, "/v1/status", "/v1/status").body().path("meshes").get(0).path("state").asText()));
        post(carol, "/v1/reconnect", new MeshRequest("team"));
        await("alice sees carol again", 30_000, () -> online(alice, "carol"));
        post(alice, "/v1/ban", new ModerateRequest("team", "carol"));
        JsonNode bans = get(alice, "/v1/bans", "/v1/bans?mesh=team").body();
        assertEquals(1, bans.path("items").size(), bans.toString());
        post(alice, "/v1/unban", new ModerateRequest("team", "carol"));
        post(alice, "/v1/revoke", new RevokeRequest("team", "dave", "contract test"));

        // Errors are the one shape, with the status the file declares.
        assertEquals(404, call(alice, "POST", "/v1/send", "/v1/send", new SendRequest("team", "zed", "x")).status());
        assertEquals(400, callInvalid(alice, "POST", "/v1/invite", "/v1/invite", new InviteRequest("team", 0, null)).status());
        assertEquals(404, call(alice, "GET", "/v1/messages/{clientMessageId}", "/v1/messages/nope", null).status());
        assertEquals(404, call(bob, "DELETE", "/v1/inbox/{id}", "/v1/inbox/999999", null).status());
        assertEquals(409, call(alice, "POST", "/v1/outbox/requeue", "/v1/outbox/requeue", new RequeueRequest("contract-1", null)).status());
        Answer unauthorized = unauthenticated(alice);
        assertEquals(401, unauthorized.status());

        // The typed client (the CLI's) reads the same answers into the records.
        IpcClient typed = alice.client();
        assertEquals("team", typed.peers("team").mesh());
        assertEquals("contract-1", typed.message("contract-1").clientMessageId());
        assertEquals("accepted", typed.message("contract-1").recipients().get(0).ackStatus());
        assertTrue(typed.status().daemon().pid() > 0);
        assertTrue(typed.members("team").items().size() >= 4);
        assertTrue(typed.meshLog("team").items().size() >= 4);
        assertTrue(typed.outbox(new OutboxQuery(List.of("done"), 10)).items().size() >= 1);
        assertEquals(0, typed.bans("team").items().size());
        assertEquals("revoked", typed.services("team").items().get(0).status());
        assertEquals(1, bob.client().grants("team").items().size());
        assertTrue(bob.client().inbox(new InboxQuery(null, 10, false, true)).items().isEmpty(), "flushed");

        // A forwarded command line: the answer is its exit code and output; one the daemon does not run is bad_request.
        java.util.Map<String, String> env = new java.util.TreeMap<>();
        for (String k : List.of("TZ", "LANG", "LC_ALL", "LC_CTYPE")) if (System.getenv(k) != null) env.put(k, System.getenv(k));
        String aliceHome = tmp.resolve("alice").toString();
        JsonNode ran = post(alice, "/v1/cli", new dev.meshwire.peer.ipc.api.CliRequest(List.of("--home", aliceHome, "bans", "--json"), env,
                tmp.toString(), false)).body();
        assertEquals(0, ran.path("exit").asInt(), ran.toString());
        assertTrue(ran.path("stdout").asText().contains("\"items\""), ran.toString());
        JsonNode failed = post(alice, "/v1/cli", new dev.meshwire.peer.ipc.api.CliRequest(List.of("--home", aliceHome, "send", "zed", "x"), env,
                tmp.toString(), false)).body();
        assertEquals(4, failed.path("exit").asInt(), "a failing verb is still a 200 with its exit code: " + failed);
        assertEquals(400, call(alice, "POST", "/v1/cli", "/v1/cli", new dev.meshwire.peer.ipc.api.CliRequest(List.of("--home", aliceHome, "up"), env,
                tmp.toString(), false)).status());
        assertEquals(400, call(bob, "POST", "/v1/cli", "/v1/cli", new dev.meshwire.peer.ipc.api.CliRequest(List.of("peers"), env,
                tmp.toString(), false)).status(), "a daemon started without the CLI refuses");
        assertEquals(400, callInvalid(alice, "POST", "/v1/cli", "/v1/cli", java.util.Map.of("cwd", "/", "stdoutIsTerminal", false)).status());

        // Side-cars: a report, a managed bridge (its process fails here: no side-car plug-in on this class path), stop.
        post(alice, "/v1/sidecars/report", new dev.meshwire.peer.ipc.api.SidecarReport("lk-report", "livekit", 4242, "team", "lk-report",
                "ws://127.0.0.1:7880", "standup", true, 2, 3, 30, 4, 40, 4, 3, 0, 0, 1, 0, 0, 0, ""));
        JsonNode cars = get(alice, "/v1/sidecars", "/v1/sidecars").body();
        assertEquals("reporting", cars.path("items").get(0).path("state").asText(), cars.toString());
        JsonNode managed = post(alice, "/v1/sidecars", new dev.meshwire.peer.ipc.api.SidecarStartRequest("contract-bridge", "livekit",
                List.of("--url", "ws://127.0.0.1:1"), System.getProperty("java.class.path"))).body();
        assertTrue(managed.path("managed").asBoolean(), managed.toString());
        assertEquals(400, call(alice, "POST", "/v1/sidecars", "/v1/sidecars", new dev.meshwire.peer.ipc.api.SidecarStartRequest("contract-bridge",
                "livekit", List.of("--home", "/tmp"), "x")).status());
        post(alice, "/v1/sidecars/stop", new dev.meshwire.peer.ipc.api.SidecarStopRequest("contract-bridge"));
        assertEquals(404, call(alice, "POST", "/v1/sidecars/stop", "/v1/sidecars/stop", new dev.meshwire.peer.ipc.api.SidecarStopRequest("contract-bridge")).status());

        // Ending memberships (after the member counts above): carol leaves (after reconnecting), revoked dave forgets the mesh locally.
        post(carol, "/v1/reconnect", new MeshRequest("team"));
        JsonNode left = post(carol, "/v1/leave", new LeaveRequest("team", false)).body();
        assertTrue(left.path("left").asBoolean(), left.toString());
        JsonNode forgot = post(dave, "/v1/mesh/forget", new ForgetMeshRequest("team", false)).body();
        assertFalse(forgot.path("left").asBoolean(), forgot.toString());

        // A pending row to requeue: the coordinator is gone, so the send waits in the outbox.
        coord.close();
        await("alice's link is down", 30_000,
                () -> !get(alice, "/v1/status", "/v1/status").body().path("meshes").get(0).path("connected").asBoolean());
        assertEquals(202, call(alice, "POST", "/v1/send", "/v1/send", new SendRequest("team", "bobby", "later", null, "contract-2", null, null)).status());
        JsonNode requeued = post(alice, "/v1/outbox/requeue", new RequeueRequest("contract-2", "contract-3")).body();
        assertEquals("contract-3", requeued.path("clientMessageId").asText());
        // A batch (one outbox commit): a new send, a duplicate of a pending one, a refused one; each its own result.
        JsonNode batch = post(alice, "/v1/send/batch", new dev.meshwire.peer.ipc.api.SendBatchRequest(List.of(
                new SendRequest("team", "bobby", "batched", null, "contract-b1", null, null),
                new SendRequest("team", "bobby", "later", null, "contract-3", null, null),
                new SendRequest("team", "zed", "nobody", null, "contract-b2", null, null)))).body();
        assertEquals(2, batch.path("accepted").asInt(), batch.toString());
        assertEquals(1, batch.path("refused").asInt(), batch.toString());
        assertEquals(List.of(202, 202, 404), List.of(batch.at("/results/0/status").asInt(), batch.at("/results/1/status").asInt(),
                batch.at("/results/2/status").asInt()), batch.toString());
        assertTrue(batch.at("/results/1/reply/duplicate").asBoolean(), batch.toString());
        assertEquals("unknown_peer", batch.at("/results/2/error/code").asText(), batch.toString());
        assertEquals(400, callInvalid(alice, "POST", "/v1/send/batch", "/v1/send/batch",
                new dev.meshwire.peer.ipc.api.SendBatchRequest(List.of())).status(), "an empty batch is refused");

        post(dave, "/v1/shutdown", null);

        assertEquals(java.util.Set.of(), problems, "every answer and request matches docs/ipc-openapi.yaml");
        TreeSet<String> notCalled = new TreeSet<>(contract.operations());
        notCalled.removeAll(exercised);
        notCalled.remove("GET /v1/events"); // a stream, checked event by event above
        assertEquals(new TreeSet<>(), notCalled, "every route was called and its answer validated");
        assertTrue(created.path("mesh").path("lastError").isMissingNode(), "absent optional fields are omitted, not null: " + created);
    }

    /** GET /v1/health without the token: 401 in the error shape. */
    static Answer unauthenticated(Daemon d) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.ipcPort() + "/v1/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.MAPPER.readTree(r.body());
        problems.addAll(contract.checkAnswer("GET", "/v1/health", r.statusCode(), body));
        return new Answer(r.statusCode(), body);
    }

    /**
     * Serves {@code method} on {@code d}'s handler stream until one call arrives (its data validated against the file),
     * answers it with its own args through POST /v1/rpc/reply, and returns the problems.
     */
    static List<String> serveOnce(Daemon d, String method, java.util.concurrent.atomic.AtomicBoolean open) {
        List<String> found = new ArrayList<>();
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.ipcPort() + "/v1/rpc/handler?method=" + method))
                .header("Authorization", "Bearer " + d.token()).header("Accept", "text/event-stream").GET().build();
        try {
            HttpResponse<InputStream> res = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String event = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(": connected")) open.set(true);
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:") && "call".equals(event)) {
                        JsonNode call = Json.MAPPER.readTree(line.substring(5).trim());
                        found.addAll(contract.checkSchema("RpcHandlerCall", call));
                        post(d, "/v1/rpc/reply", new dev.meshwire.peer.ipc.api.RpcReplyRequest(call.path("callId").asLong(), call.path("args"), null));
                        return found;
                    }
                }
            }
            found.add("the handler stream ended before a call");
        } catch (IOException e) {
            found.add("handler stream failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            found.add("interrupted");
        }
        return found;
    }

    /** Reads {@code /v1/events} of {@code d}, validating every event's data, until an event named {@code until}; returns the problems. */
    static List<String> readEvents(Daemon d, String until) {
        List<String> found = new ArrayList<>();
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.ipcPort() + "/v1/events"))
                .header("Authorization", "Bearer " + d.token()).header("Accept", "text/event-stream").GET().build();
        try {
            HttpResponse<InputStream> res = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String event = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:") && event != null) {
                        found.addAll(contract.checkEvent(event, Json.MAPPER.readTree(line.substring(5).trim())));
                        if (event.equals(until)) return found;
                    }
                }
            }
            found.add("the event stream ended before a '" + until + "' event");
        } catch (IOException e) {
            found.add("event stream failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            found.add("interrupted");
        }
        return found;
    }
}
