package dev.meshwire.peer.group;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.WireClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group acceptance test of issue #13 (docs/protocol.md §12.1), with a real coordinator (on SQLite here, on
 * PostgreSQL in {@link PostgresGroupDeliveryTest}) and six real
 * daemons: alice sends to {@code @frontend}, a group of five members of whom two are offline. Each member gets the
 * message exactly once — the offline ones after they start again —, the coordinator's database files and its log (debug
 * included) never hold the plaintext (the files do hold the queued envelopes: the scan is not vacuous), and a member
 * removed from the group gets nothing sent to it afterwards.
 */
class GroupDeliveryTest {
    /** The coordinator's database URL (null: its default SQLite file under its data directory). */
    String dbUrl() {
        return null;
    }

    /**
     * Everything the coordinator's store holds, as bytes to scan: here every file of its data directory (the SQLite
     * database, its WAL and journal).
     */
    byte[] storedBytes(Path coordDir) throws Exception {
        return allBytes(coordDir);
    }

    static final long WAIT = 60_000;
    @TempDir
    Path tmp;
    Coordinator coord;
    Daemon alice;
    final Daemon[] m = new Daemon[5];

    /** Everything the coordinator logs during the test, debug included. */
    final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> coordLog = new ch.qos.logback.core.read.ListAppender<>();
    final ch.qos.logback.classic.Logger coordLogger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.meshwire.coordinator");
    ch.qos.logback.classic.Level coordLevel;

    @AfterEach
    void tearDown() {
        for (Daemon d : m) if (d != null) d.close();
        if (alice != null) alice.close();
        if (coord != null) coord.close();
        coordLogger.detachAppender(coordLog);
        coordLogger.setLevel(coordLevel);
    }

    String coordinatorLog() {
        List<ch.qos.logback.classic.spi.ILoggingEvent> events;
        synchronized (coordLog) { // AppenderBase appends under the appender's lock
            events = List.copyOf(coordLog.list);
        }
        StringBuilder sb = new StringBuilder();
        for (var e : events) sb.append(e.getFormattedMessage()).append('\n');
        return sb.toString();
    }

    static WireClient c(Daemon d) {
        return WireClient.of(d.client());
    }

    /** The inbox items (any state) whose text is {@code text}. */
    static List<JsonNode> received(Daemon d, String text) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode i : c(d).inbox(null, 500, false, true).path("items")) if (text.equals(i.path("text").asText())) out.add(i);
        return out;
    }

    static int groupSize(Daemon d, String group) {
        for (JsonNode g : c(d).get("/v1/groups").path("groups")) if (group.equals(g.path("group").asText())) return g.path("members").size();
        return -1;
    }

    /** Every byte of every file under {@code dir} (the database, its WAL and journal). */
    static byte[] allBytes(Path dir) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) out.write(Files.readAllBytes(f));
        }
        return out.toByteArray();
    }

    static boolean contains(byte[] hay, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= hay.length; i++) {
            for (int j = 0; j < n.length; j++) if (hay[i + j] != n[j]) continue outer;
            return true;
        }
        return false;
    }

    /**
     * The base64 text that any base64 encoding containing {@code text} must contain, for each of the three alignments
     * of {@code text} within the encoded bytes (the characters that depend on neighbouring bytes are cut off).
     */
    static List<String> base64Forms(String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (int pad = 0; pad < 3; pad++) {
            byte[] b = new byte[pad + t.length];
            System.arraycopy(t, 0, b, pad, t.length);
            String enc = java.util.Base64.getEncoder().withoutPadding().encodeToString(b);
            int skip = (pad * 8 + 5) / 6; // characters that carry bits of the padding bytes
            out.add(enc.substring(skip, enc.length() - 2));
        }
        return out;
    }

    /**
     * Sender keys (docs/protocol.md §12.1, body v3): every copy of the group message carries {@code box(K) ‖ n2 ‖
     * secretbox(content)} where only the 48-byte {@code box(K)} differs between recipients — the content was encrypted
     * once, not once per member — and no copy holds the text in the clear.
     */
    static void assertSealedOnceWithSenderKeys(dev.meshwire.peer.outbox.OutboxStore.Request request, String secret) throws IOException {
        assertEquals(5, request.copies().size(), request.toString());
        byte[] shared = null;
        for (var copy : request.copies()) {
            JsonNode env = dev.meshwire.signaling.Json.MAPPER.readTree(copy.envelopeJson());
            assertEquals("group", env.path("channel").asText());
            assertEquals(dev.meshwire.signaling.envelope.Body.SENDER_KEY_V3, env.path("body").path("bodyVersion").asInt(), env.toString());
            byte[] ct = java.util.Base64.getDecoder().decode(env.path("body").path("ciphertext").asText());
            assertFalse(contains(ct, secret), "the copy's body is sealed");
            byte[] content = java.util.Arrays.copyOfRange(ct, dev.meshwire.signaling.crypto.SenderKeyBody.SEALED_KEY_BYTES, ct.length);
            if (shared == null) shared = content;
            else assertTrue(java.util.Arrays.equals(shared, content), "one secretbox of the content shared by every copy");
        }
    }

    @Test
    void aGroupMessageReachesEveryMemberOnceOfflineOnesAfterReconnectAndNothingReachesARemovedMember() throws Exception {
        coordLevel = coordLogger.getLevel();
        coordLogger.setLevel(ch.qos.logback.classic.Level.DEBUG);
        coordLog.start();
        coordLogger.addAppender(coordLog);
        Path coordDir = tmp.resolve("coord");
        String url = dbUrl();
        coord = Coordinator.start(CoordinatorConfig.defaults(coordDir).withListen("127.0.0.1", 0).withStunPort(-1).withDbUrl(url));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        WireClient a = c(alice);
        a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken());
        String invite = a.invite(null, 5, 3_600_000).path("invite").asText();
        for (int i = 0; i < 5; i++) {
            m[i] = Daemon.start(DaemonOptions.of(tmp.resolve("m" + i)));
            c(m[i]).join(invite, "m" + i);
        }
        await("alice sees the five members", WAIT, () -> {
            for (int i = 0; i < 5; i++) if (!a.seesOnline("m" + i)) return false;
            return true;
        });
        assertEquals("@frontend", a.post("/v1/groups", WireClient.map("name", "frontend")).path("group").asText());
        for (int i = 0; i < 5; i++) {
            JsonNode added = a.post("/v1/groups/member", WireClient.map("group", "frontend", "member", "m" + i, "role", i == 0 ? "lead" : null));
            assertEquals(i == 0 ? "lead" : "member", added.path("role").asText(), added.toString());
        }
        for (Daemon d : new Daemon[] {alice, m[0], m[1], m[2], m[3], m[4]}) {
            await("every replica has @frontend with five members", WAIT, () -> groupSize(d, "@frontend") == 5);
        }

        // m3 and m4 go offline; alice sends to the group.
        m[3].close();
        m[4].close();
        m[3] = null;
        m[4] = null;
        String secret = "group secret " + UUID.randomUUID();
        JsonNode sent = a.send(null, "@frontend", secret);
        assertEquals("group", sent.path("channel").asText(), sent.toString());
        assertEquals(5, sent.path("recipients").size(), "one copy per member; alice is not in the group: " + sent);
        String cmid = sent.path("clientMessageId").asText();
        await("every copy is with the coordinator or delivered", WAIT, () -> "done".equals(a.message(cmid).path("state").asText()));
        assertSealedOnceWithSenderKeys(alice.outboxStore().find(cmid), secret);
        for (int i = 0; i < 3; i++) {
            Daemon d = m[i];
            await("m" + i + " has the group message", WAIT, () -> !received(d, secret).isEmpty());
        }

        // The coordinator holds the two offline copies (their envelopes name the message id) but never the text.
        byte[] db = storedBytes(coordDir);
        assertTrue(contains(db, cmid), "the queued envelopes of the offline members are in the coordinator's files");
        assertFalse(contains(db, secret), "no plaintext in the coordinator's database files");
        assertFalse(contains(db, "group secret"), "no plaintext in the coordinator's database files");
        assertFalse(contains(db, java.util.HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8))), "nor its hex");
        for (String b64 : base64Forms(secret)) assertFalse(contains(db, b64), "nor its base64 (at any alignment): " + b64);
        String log = coordinatorLog();
        assertFalse(coordLog.list.isEmpty(), "the coordinator's log was captured");
        assertFalse(log.contains("group secret"), "no plaintext in the coordinator's log");

        m[3] = Daemon.start(DaemonOptions.of(tmp.resolve("m3")));
        m[4] = Daemon.start(DaemonOptions.of(tmp.resolve("m4")));
        for (int i = 3; i < 5; i++) {
            Daemon d = m[i];
            await("m" + i + " has the group message after it reconnected", WAIT, () -> !received(d, secret).isEmpty());
        }
        await("alice's copies are all delivered", WAIT, () -> "delivered".equals(a.message(cmid).path("delivery").asText()));
        for (int i = 0; i < 5; i++) {
            List<JsonNode> got = received(m[i], secret);
            assertEquals(1, got.size(), "m" + i + " has it exactly once: " + got);
            assertEquals("@frontend", got.get(0).path("target").asText());
            assertEquals("group", got.get(0).path("channel").asText());
            assertEquals("alice", got.get(0).path("from").path("name").asText());
        }

        // m2 is removed from the group: the next message has no copy for it, and it gets nothing.
        JsonNode removed = a.post("/v1/groups/member", WireClient.map("group", "frontend", "member", "m2", "remove", true));
        assertTrue(removed.path("detail").asText().contains("removed from @frontend"), removed.toString());
        for (Daemon d : new Daemon[] {alice, m[2]}) await("the replica shows m2 out of @frontend", WAIT, () -> groupSize(d, "@frontend") == 4);
        String second = "after the removal " + UUID.randomUUID();
        JsonNode sent2 = a.send(null, "@frontend", second);
        Set<String> names = new HashSet<>();
        for (JsonNode r : sent2.path("recipients")) names.add(r.path("name").asText());
        assertEquals(Set.of("m0", "m1", "m3", "m4"), names);
        for (int i : new int[] {0, 1, 3, 4}) {
            Daemon d = m[i];
            await("m" + i + " has the second message", WAIT, () -> received(d, second).size() == 1);
        }
        String sentinel = "sentinel " + UUID.randomUUID();
        a.send(null, "m2", sentinel);
        await("m2 has the later sentinel dm", WAIT, () -> !received(m[2], sentinel).isEmpty());
        assertTrue(received(m[2], second).isEmpty(), "the removed member got nothing sent to the group after its removal");
        String endLog = coordinatorLog();
        assertFalse(endLog.contains(secret) || endLog.contains(second), "no plaintext in the coordinator's log at the end either");
    }
}
