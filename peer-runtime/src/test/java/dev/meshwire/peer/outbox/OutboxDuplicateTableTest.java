package dev.meshwire.peer.outbox;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.WireClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IPC accept algorithm's duplicate table (docs/delivery.md §3), all 11 cases, through the real
 * IPC server and a real SQLite outbox. The coordinator is stopped after the mesh is set up, so new
 * rows stay {@code pending} (nothing can drain); rows are moved into the other states with the
 * store's own transitions (the ones the drain worker and requeue use).
 */
class OutboxDuplicateTableTest {
    @TempDir
    static Path tmp;
    static Daemon alice;
    static WireClient a;
    static String bobPub;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void setUp() throws Exception {
        Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        a = WireClient.of(alice.client());
        JsonNode created = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        try (Daemon bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")))) {
            bobPub = WireClient.of(bob.client()).join(created.path("invite").asText(), "bob").path("mesh").path("pubkey").asText();
            await("alice knows bob", 15_000, () -> alice.session("team").roster().peer(bobPub) != null);
        }
        coord.close();
        await("alice's link is down", 15_000, () -> !alice.session("team").link().connected());
    }

    @AfterAll
    static void tearDown() {
        if (alice != null) alice.close();
    }

    record Answer(int status, JsonNode body) {}

    /** POST /v1/send keeping the HTTP status (IpcClient hides 200 vs 202). */
    static Answer send(String id, String text) throws IOException, InterruptedException {
        String json = dev.meshwire.signaling.Json.MAPPER.writeValueAsString(Map.of("to", "bob", "message", text, "clientMessageId", id));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + alice.ipcPort() + "/v1/send"))
                .header("Authorization", "Bearer " + alice.token()).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), dev.meshwire.signaling.Json.MAPPER.readTree(r.body()));
    }

    static OutboxStore store() {
        return alice.outboxStore();
    }

    static OutboxStore.Copy copy(String id) {
        return store().find(id).copies().get(0);
    }

    /** pending → inflight through the drain's own claim (the link is down, so nothing else claims it). */
    static void toInflight(String id) {
        OutboxStore.Request r = store().find(id);
        List<OutboxStore.Copy> claimed = store().claimDue(r.meshId(), System.currentTimeMillis() + 1, 10_000);
        assertTrue(claimed.stream().anyMatch(c -> c.clientMessageId().equals(id)));
        // put back anything else this test class queued so other cases keep their state
        for (OutboxStore.Copy c : claimed) {
            if (!c.clientMessageId().equals(id)) store().markRetry(c.outboxId(), c.recipientPubkey(), "test", 0, System.currentTimeMillis());
        }
        assertEquals(OutboxStore.State.INFLIGHT, store().find(id).state());
    }

    static void assertConflict(Answer ans, String code, String id) {
        assertEquals(409, ans.status(), ans.body().toString());
        JsonNode err = ans.body().path("error");
        assertEquals(code, err.path("code").asText());
        assertTrue(err.path("message").asText().contains(id), err.toString());
        String fp = store().find(id).fingerprint();
        assertEquals(fp.substring(0, 16), err.path("fingerprintPrefix").asText());
    }

    @Test
    void noRowInsertsPendingAnd202() throws Exception {
        Answer ans = send("t-new", "hello");
        assertEquals(202, ans.status());
        assertEquals("accepted_pending", ans.body().path("status").asText());
        assertFalse(ans.body().path("duplicate").asBoolean());
        assertEquals("pending", store().find("t-new").state().wire());
        assertEquals(bobPub, store().find("t-new").destinationRef());
    }

    @Test
    void pendingSameIs202AndPendingDifferentIs409() throws Exception {
        assertEquals(202, send("t-p", "one").status());
        Answer same = send("t-p", "one");
        assertEquals(202, same.status());
        assertEquals("accepted_pending", same.body().path("status").asText());
        assertTrue(same.body().path("duplicate").asBoolean());
        assertConflict(send("t-p", "two"), "outbox_pending_fingerprint_mismatch", "t-p");
        assertEquals(1, store().find("t-p").copies().size());
    }

    @Test
    void inflightSameIs202AndInflightDifferentIs409() throws Exception {
        send("t-i", "one");
        toInflight("t-i");
        Answer same = send("t-i", "one");
        assertEquals(202, same.status());
        assertEquals("accepted_inflight", same.body().path("status").asText());
        assertConflict(send("t-i", "two"), "outbox_inflight_fingerprint_mismatch", "t-i");
        assertEquals(OutboxStore.State.INFLIGHT, store().find("t-i").state());
    }

    @Test
    void doneSameIs200WithMessageIdAndDoneDifferentIs409WithMessageId() throws Exception {
        send("t-d", "one");
        toInflight("t-d");
        OutboxStore.Copy c = copy("t-d");
        store().markDone(c.outboxId(), c.recipientPubkey(), "q_done1", "accepted", System.currentTimeMillis());
        Answer same = send("t-d", "one");
        assertEquals(200, same.status());
        assertEquals("done", same.body().path("status").asText());
        assertEquals("q_done1", same.body().path("messageId").asText());
        Answer diff = send("t-d", "two");
        assertConflict(diff, "outbox_done_fingerprint_mismatch", "t-d");
        assertEquals("q_done1", diff.body().path("error").path("messageId").asText());
    }

    @Test
    void deadMatchAndMismatchAre409() throws Exception {
        send("t-x", "one");
        toInflight("t-x");
        OutboxStore.Copy c = copy("t-x");
        store().markDead(c.outboxId(), c.recipientPubkey(), "unknown_recipient: no such member", System.currentTimeMillis());
        assertResendConflicts("t-x", "dead", "reason", "unknown_recipient: no such member");
    }

    @Test
    void abortedMatchAndMismatchAre409() throws Exception {
        send("t-a", "one");
        JsonNode rq = a.requeue("t-a", "t-a2");
        assertEquals("t-a2", rq.path("clientMessageId").asText());
        assertEquals(OutboxStore.State.ABORTED, store().find("t-a").state());
        assertResendConflicts("t-a", "aborted", "supersededBy", "t-a2");
    }

    /**
     * Resending {@code id}'s content ("one") is 409 {@code outbox_<state>_fingerprint_match} whose
     * error carries {@code field = expected}; other content ("two") is 409 {@code _mismatch}.
     */
    private static void assertResendConflicts(String id, String state, String field, String expected) throws Exception {
        Answer same = send(id, "one");
        assertConflict(same, "outbox_" + state + "_fingerprint_match", id);
        assertEquals(expected, same.body().path("error").path(field).asText());
        assertConflict(send(id, "two"), "outbox_" + state + "_fingerprint_mismatch", id);
    }

    @Test
    void validationFailureConsumesNoId() throws Exception {
        IpcException e = assertThrows(IpcException.class, () -> a.post("/v1/send",
                WireClient.map("to", "nobody-by-that-name", "message", "x", "clientMessageId", "t-free")));
        assertEquals("unknown_peer", e.code());
        assertEquals(null, store().find("t-free"));
        assertEquals(202, send("t-free", "x").status());
    }

    @Test
    void idempotencyKeyHeaderIsTheClientId() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + alice.ipcPort() + "/v1/send"))
                .header("Authorization", "Bearer " + alice.token()).header("content-type", "application/json")
                .header("Idempotency-Key", "t-hdr")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"bob\",\"message\":\"h\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        assertNotNull(store().find("t-hdr"));
    }
}
