package dev.meshwire.peer.topic;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.*;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.RevokeRequest;
import dev.meshwire.peer.ipc.api.SendRequest;
import dev.meshwire.peer.ipc.api.TopicHistoryItem;
import dev.meshwire.peer.ipc.api.TopicItem;
import dev.meshwire.peer.ipc.api.TopicRequest;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.TopicEntry;
import dev.meshwire.signaling.topic.TopicKeys;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue #13's topic acceptance with a real coordinator (SQLite and PostgreSQL subclasses) and three real daemons:
 * bob joins {@code #general} after alice created it and posted, gets the key by alice's daemon re-sealing it, and reads
 * the history; carol joins and leaves, bob is revoked — each time a remaining daemon rotates the key, and the departed
 * member's own key material (its keyring file and its secret key) cannot open what is posted afterwards; the
 * coordinator's database and log hold no topic key and no plaintext.
 *
 * <p>The stores are top-level subclasses ({@link SqliteTopicDaemonTest}, {@link PostgresTopicDaemonTest}): Surefire's
 * default excludes skip nested classes, so nested store variants never ran in the build.
 */
abstract class TopicDaemonTest {
    static final long WAIT = 60_000;
    static final String MESH = "team";
    @TempDir
    Path tmp;
    Coordinator coord;
    Daemon alice, bob, carol;
    String dbUrl;
    ListAppender<ILoggingEvent> coordLog;
    Logger coordLogger;
    Level coordLevel;

    abstract String dbUrl();

    @AfterEach
    void tearDown() {
        for (Daemon d : new Daemon[] {carol, bob, alice}) if (d != null) d.close();
        if (coord != null) coord.close();
        if (coordLogger != null) {
            coordLogger.detachAppender(coordLog);
            coordLogger.setLevel(coordLevel);
        }
    }

    static String meshOf(Daemon d) {
        return d.session(MESH).config().meshId();
    }

    static TopicItem topic(Daemon d) {
        return d.client().topics(MESH).topics().stream().filter(t -> t.topic().equals("#general")).findFirst().orElse(null);
    }

    static boolean holdsKey(Daemon d, long epoch) {
        TopicItem t = topic(d);
        return t != null && t.hasKey() && t.epoch() == epoch;
    }

    static List<InboxItem> topicInbox(Daemon d) {
        return d.client().inbox(new InboxQuery(MESH, 1000, false, true)).items().stream().filter(i -> "#general".equals(i.target())).toList();
    }

    MeshState state(Daemon d) {
        return d.session(MESH).roster().replica().state();
    }

    /** Posts as {@code d} and waits until the coordinator accepted it; returns the client message id. */
    String post(Daemon d, String text) {
        String cmid = d.client().send(new SendRequest(MESH, "#general", text)).clientMessageId();
        await("post '" + text + "' accepted", WAIT, () -> "done".equals(d.client().message(cmid).state()));
        return cmid;
    }

    /** The envelope of a post as the coordinator's database stores it (what a departed member could obtain from it). */
    Envelope stored(String cmid) throws Exception {
        String json;
        if (dbUrl == null) {
            try (var conn = java.sql.DriverManager.getConnection("jdbc:sqlite:" + tmp.resolve("coord").resolve(Coordinator.DB_FILE));
                 var ps = conn.prepareStatement("SELECT envelope FROM topic_messages WHERE client_message_id = ?")) {
                ps.setString(1, cmid);
                try (var rs = ps.executeQuery()) {
                    assertTrue(rs.next(), "post " + cmid + " is in the history");
                    json = rs.getString(1);
                }
            }
        } else {
            Vertx vertx = Vertx.vertx();
            try {
                SqlClient sql = PgBuilder.client().connectingTo(dev.meshwire.coordinator.store.PgCoordinatorStore.connectOptions(dbUrl)).using(vertx).build();
                var rows = sql.preparedQuery("SELECT envelope FROM topic_messages WHERE client_message_id = $1")
                        .execute(io.vertx.sqlclient.Tuple.of(cmid)).await(30, TimeUnit.SECONDS);
                assertEquals(1, rows.rowCount(), "post " + cmid + " is in the history");
                json = rows.iterator().next().getString(0);
                sql.close().await(10, TimeUnit.SECONDS);
            } finally {
                vertx.close().await();
            }
        }
        return Json.MAPPER.readValue(json, Envelope.class);
    }

    /**
     * What the departed member {@code home} holds — every key in its keyring file and its secret key (its seals) —
     * cannot open {@code env}: asserted for each key, and for every seal of the current state.
     */
    static void cannotOpen(Path home, Daemon former, String meshId, Envelope env, MeshState now) {
        byte[] nonce = Base64.getDecoder().decode(env.body().nonce());
        byte[] ct = Base64.getDecoder().decode(env.body().ciphertext());
        List<byte[]> keys = keysIn(home, meshId);
        assertFalse(keys.isEmpty(), "the former member held keys before (else this check proves nothing)");
        for (byte[] k : keys) assertThrows(CryptoException.class, () -> TopicKeys.decrypt(k, nonce, ct), "a key of the former member opens it");
        BoxCipher formerCipher = new BoxCipher(former.session(MESH).identity());
        TopicEntry t = now.channels().topic("general").orElseThrow();
        for (TopicEntry.Member m : t.members()) {
            if (m.seal() == null) continue;
            assertThrows(CryptoException.class, () -> TopicKeys.open(formerCipher, m.seal(), meshId, "general", t.epoch(), t.keyCheck()),
                    "the former member's secret key opens a seal of the new key");
        }
    }

    /** Every key in a daemon's keyring file, read as an attacker holding the file would. */
    static List<byte[]> keysIn(Path home, String meshId) {
        List<byte[]> out = new ArrayList<>();
        try (TopicKeyring k = new TopicKeyring(home.resolve("daemon").resolve("topics.db"))) {
            for (long epoch = 1; epoch <= 10; epoch++) k.key(meshId, "general", epoch).ifPresent(out::add);
        }
        return out;
    }

    @Test
    void joinReadRotateAndNothingForTheCoordinator() throws Exception {
        dbUrl = dbUrl();
        coordLogger = (Logger) LoggerFactory.getLogger("dev.meshwire.coordinator");
        coordLevel = coordLogger.getLevel();
        coordLogger.setLevel(Level.DEBUG); // everything the coordinator would log, debug included
        coordLog = new ListAppender<>();
        coordLog.start();
        coordLogger.addAppender(coordLog);
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1).withDbUrl(dbUrl));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")));
        IpcClient a = alice.client(), b = bob.client(), c = carol.client();
        a.createMesh(new CreateMeshRequest(MESH, coord.publicUrl(), "alice", coord.adminToken()));
        String invite = a.invite(MESH, 5, 3_600_000L).invite();
        b.join(invite, "bob");
        c.join(invite, "carol");
        String meshId = meshOf(alice);
        String bobPub = bob.session(MESH).selfPubkey();
        await("alice's replica knows bob and carol", WAIT, () -> alice.session(MESH).roster().isActive(bobPub)
                && alice.session(MESH).roster().isActive(carol.session(MESH).selfPubkey()));

        // alice creates #general (her daemon makes the key) and posts before anyone else is in it
        a.topicCreate(new TopicRequest(MESH, "#general", null));
        await("alice holds the key of epoch 1", WAIT, () -> holdsKey(alice, 1));
        List<String> secrets = new ArrayList<>(List.of("first secret before bob joined"));
        post(alice, secrets.get(0));

        // bob joins after creation: alice's daemon re-seals the key for him; he reads the history
        await("bob's replica shows #general", WAIT, () -> topic(bob) != null);
        b.topicJoin(new TopicRequest(MESH, "general", null));
        await("bob holds the key (re-sealed by alice's daemon)", WAIT, () -> holdsKey(bob, 1));
        List<TopicHistoryItem> history;
        try {
            history = b.topicHistory(MESH, "#general", null, null).messages();
        } catch (dev.meshwire.peer.ipc.IpcException e) {
            throw new AssertionError("history: " + e.status() + " " + e.code() + " " + e.getMessage(), e);
        }
        assertEquals(List.of(secrets.get(0)), history.stream().map(TopicHistoryItem::text).toList(), "bob reads what was posted before he joined");
        String bobsSealer = state(bob).channels().topic("general").orElseThrow().member(bobPub).orElseThrow().seal().sealer();
        assertEquals(alice.session(MESH).selfPubkey(), bobsSealer, "alice's daemon sealed bob's copy");

        // a live post reaches bob's inbox as #general
        secrets.add("second secret, live");
        post(alice, secrets.get(1));
        await("bob's inbox has the live post", WAIT, () -> topicInbox(bob).stream().anyMatch(i -> secrets.get(1).equals(i.text())));

        // carol joins, reads, leaves: a remaining daemon rotates the key; what follows is closed to carol
        c.topicJoin(new TopicRequest(MESH, "general", null));
        await("carol holds the key", WAIT, () -> holdsKey(carol, 1));
        c.topicLeave(new TopicRequest(MESH, "general", null));
        await("the key is rotated to epoch 2 without carol", WAIT, () -> {
            TopicEntry t = state(alice).channels().topic("general").orElse(null);
            return t != null && t.epoch() == 2 && !t.rekeyNeeded() && holdsKey(alice, 2) && holdsKey(bob, 2);
        });
        secrets.add("third secret, after carol left");
        String third = post(bob, secrets.get(2));
        await("alice reads bob's post", WAIT, () -> topicInbox(alice).stream().anyMatch(i -> secrets.get(2).equals(i.text())));
        Envelope thirdEnv = stored(third);
        assertEquals(2, TopicKeys.epochOf(Base64.getDecoder().decode(thirdEnv.body().ciphertext())));
        cannotOpen(tmp.resolve("carol"), carol, meshId, thirdEnv, state(alice));

        // bob is revoked: alice's daemon rotates again; bob's key material opens the third post but not the fourth
        a.revoke(new RevokeRequest(MESH, "bob", "lost laptop"));
        await("the key is rotated to epoch 3 without bob", WAIT, () -> {
            TopicEntry t = state(alice).channels().topic("general").orElse(null);
            return t != null && t.epoch() == 3 && !t.isMember(bobPub) && !t.rekeyNeeded() && holdsKey(alice, 3);
        });
        secrets.add("fourth secret, after bob was revoked");
        String fourth = post(alice, secrets.get(3));
        Envelope fourthEnv = stored(fourth);
        byte[] n3 = Base64.getDecoder().decode(thirdEnv.body().nonce());
        byte[] c3 = Base64.getDecoder().decode(thirdEnv.body().ciphertext());
        assertTrue(keysIn(tmp.resolve("bob"), meshId).stream().anyMatch(k -> {
            try {
                return secrets.get(2).equals(new String(TopicKeys.decrypt(k, n3, c3), StandardCharsets.UTF_8));
            } catch (CryptoException e) {
                return false;
            }
        }), "bob's keyring opens the post from before his revocation (the check can see access)");
        cannotOpen(tmp.resolve("bob"), bob, meshId, fourthEnv, state(alice));
        cannotOpen(tmp.resolve("carol"), carol, meshId, fourthEnv, state(alice));

        // the coordinator holds no topic key and no plaintext: its database and its log
        List<byte[]> aliceKeys = keysIn(tmp.resolve("alice"), meshId);
        assertEquals(3, aliceKeys.size(), "alice kept every epoch's key");
        List<String> forbidden = new ArrayList<>(secrets);
        for (byte[] k : aliceKeys) {
            forbidden.add(Hex.encode(k));
            forbidden.add(Base64.getEncoder().encodeToString(k));
        }
        String db = databaseText();
        assertTrue(db.contains("general"), "the scan reads the database (it names the topic)");
        String log = coordLog.list.stream().map(ILoggingEvent::getFormattedMessage).reduce("", (x, y) -> x + "\n" + y);
        assertFalse(coordLog.list.isEmpty(), "the coordinator's log was captured");
        for (String f : forbidden) {
            assertFalse(db.contains(f), "the coordinator's database holds " + f);
            assertFalse(log.contains(f), "the coordinator's log holds " + f);
        }
    }

    /**
     * A post while a re-key is pending does the re-key itself: carol leaves while the member that would rotate at once
     * (the first remaining one in key order) is offline, and the other one's post rotates and goes out under epoch 2.
     */
    @Test
    void aPostWhileAReKeyIsPendingRotatesFirst() throws Exception {
        dbUrl = dbUrl();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1).withDbUrl(dbUrl));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")));
        alice.client().createMesh(new CreateMeshRequest(MESH, coord.publicUrl(), "alice", coord.adminToken()));
        String invite = alice.client().invite(MESH, 5, 3_600_000L).invite();
        bob.client().join(invite, "bob");
        carol.client().join(invite, "carol");
        alice.client().topicCreate(new TopicRequest(MESH, "general", null));
        await("bob and carol see #general", WAIT, () -> topic(bob) != null && topic(carol) != null);
        bob.client().topicJoin(new TopicRequest(MESH, "general", null));
        carol.client().topicJoin(new TopicRequest(MESH, "general", null));
        await("everyone holds the key", WAIT, () -> holdsKey(alice, 1) && holdsKey(bob, 1) && holdsKey(carol, 1));
        // the first remaining member in key order goes offline; the other one posts after carol left
        boolean aliceFirst = alice.session(MESH).selfPubkey().compareTo(bob.session(MESH).selfPubkey()) < 0;
        Daemon first = aliceFirst ? alice : bob;
        Daemon poster = aliceFirst ? bob : alice;
        String posterKey = poster.session(MESH).selfPubkey();
        first.close();
        if (aliceFirst) alice = null;
        else bob = null;
        carol.client().topicLeave(new TopicRequest(MESH, "general", null));
        await("the poster's replica says a re-key is pending", WAIT, () -> {
            TopicEntry t = state(poster).channels().topic("general").orElse(null);
            return t != null && !t.isMember(carol.session(MESH).selfPubkey());
        });
        String cmid = post(poster, "after the re-key");
        TopicEntry t = state(poster).channels().topic("general").orElseThrow();
        assertEquals(2, t.epoch(), "the post waited for (and did) the rotation");
        assertEquals(posterKey, t.member(posterKey).orElseThrow().seal().sealer(), "the poster's daemon rotated");
        assertEquals(2, TopicKeys.epochOf(Base64.getDecoder().decode(stored(cmid).body().ciphertext())), "posted under the new key");
    }

    /**
     * A joiner whose seal is not made at once (the first key holder is offline; the other holder re-seals at its 30 s
     * pass) still gets the posts sent meanwhile: they wait in its keyring database and reach the inbox with the key.
     */
    @Test
    void postsBeforeTheReSealWaitForTheKey() throws Exception {
        dbUrl = dbUrl();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1).withDbUrl(dbUrl));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        carol = Daemon.start(DaemonOptions.of(tmp.resolve("carol")));
        alice.client().createMesh(new CreateMeshRequest(MESH, coord.publicUrl(), "alice", coord.adminToken()));
        String invite = alice.client().invite(MESH, 5, 3_600_000L).invite();
        bob.client().join(invite, "bob");
        carol.client().join(invite, "carol");
        alice.client().topicCreate(new TopicRequest(MESH, "general", null));
        await("carol sees #general", WAIT, () -> topic(carol) != null && topic(bob) != null);
        carol.client().topicJoin(new TopicRequest(MESH, "general", null));
        await("carol holds the key", WAIT, () -> holdsKey(carol, 1));
        // the holder that would re-seal at once goes offline; the other one posts right after bob joins
        boolean aliceFirst = alice.session(MESH).selfPubkey().compareTo(carol.session(MESH).selfPubkey()) < 0;
        Daemon away = aliceFirst ? alice : carol;
        Daemon poster = aliceFirst ? carol : alice;
        away.close();
        if (aliceFirst) alice = null;
        else carol = null;
        bob.client().topicJoin(new TopicRequest(MESH, "general", null));
        String text = "sent while bob waits for the key";
        post(poster, text);
        await("bob's inbox gets the post once the key is re-sealed (at most one 30 s pass)", WAIT,
                () -> topicInbox(bob).stream().anyMatch(i -> text.equals(i.text())));
        assertTrue(holdsKey(bob, 1));
        assertEquals(poster.session(MESH).selfPubkey(), state(bob).channels().topic("general").orElseThrow()
                .member(bob.session(MESH).selfPubkey()).orElseThrow().seal().sealer(), "the online holder sealed bob's copy");
    }

    /**
     * A member whose membership expires (no event says so) is keyed out too: a remaining member's daemon rotates at its
     * next pass, sealing the new key for the active members only; the expired member's key material opens nothing after.
     */
    @Test
    void anExpiredMemberIsKeyedOut() throws Exception {
        dbUrl = dbUrl();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1).withDbUrl(dbUrl));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        alice.client().createMesh(new CreateMeshRequest(MESH, coord.publicUrl(), "alice", coord.adminToken()));
        bob.client().join(alice.client().invite(MESH, 1, 3_600_000L).invite(), "bob");
        String meshId = meshOf(alice);
        String bobPub = bob.session(MESH).selfPubkey();
        alice.client().topicCreate(new TopicRequest(MESH, "general", null));
        await("bob sees #general", WAIT, () -> topic(bob) != null);
        bob.client().topicJoin(new TopicRequest(MESH, "general", null));
        await("bob holds the key", WAIT, () -> holdsKey(bob, 1));
        alice.client().expire(new dev.meshwire.peer.ipc.api.ExpireRequest(MESH, "bob", System.currentTimeMillis() + 2_000, null));
        await("alice's daemon rotates #general without the expired bob", WAIT, () -> {
            TopicEntry t = state(alice).channels().topic("general").orElse(null);
            return t != null && t.epoch() == 2 && t.member(bobPub).map(m -> m.seal() == null).orElse(false) && holdsKey(alice, 2);
        });
        String cmid = post(alice, "after bob expired");
        cannotOpen(tmp.resolve("bob"), bob, meshId, stored(cmid), state(alice));
    }

    /** Everything the coordinator's database holds, as text. */
    String databaseText() throws Exception {
        if (dbUrl == null) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try (Stream<Path> files = Files.walk(tmp.resolve("coord"))) {
                for (Path p : files.filter(Files::isRegularFile).toList()) all.write(Files.readAllBytes(p));
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
        Vertx vertx = Vertx.vertx();
        try {
            SqlClient sql = PgBuilder.client().connectingTo(dev.meshwire.coordinator.store.PgCoordinatorStore.connectOptions(dbUrl)).using(vertx).build();
            StringBuilder sb = new StringBuilder();
            var tables = sql.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").execute().await(30, TimeUnit.SECONDS);
            for (Row t : tables) {
                var rows = sql.query("SELECT t::text FROM " + t.getString(0) + " t").execute().await(30, TimeUnit.SECONDS);
                for (Row r : rows) sb.append(r.getString(0)).append('\n');
            }
            sql.close().await(10, TimeUnit.SECONDS);
            return sb.toString();
        } finally {
            vertx.close().await();
        }
    }
}
