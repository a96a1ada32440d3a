package dev.meshwire.livekit.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.meshwire.livekit.testserver.StandInServer;
import io.livekit.server.AccessToken;
import io.livekit.server.CanPublishData;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code refresh_token}: the server hands out a fresh token after the join; with a token file the client re-joins with
 * it once the file's own token has expired, and with the file's token again once an operator replaced the file.
 */
class RoomTokenRefreshTest {
    static final Duration WAIT = RoomClientTest.WAIT;

    @TempDir
    Path tmp;

    static String token(String identity, long ttlMs) {
        AccessToken t = new AccessToken(RoomClientTest.KEY, RoomClientTest.SECRET);
        t.setIdentity(identity);
        t.setTtl(ttlMs);
        t.addGrants(new RoomJoin(true), new RoomName("r1"), new CanPublishData(true));
        return t.toJwt();
    }

    /** Polls {@code cond} (it may depend on the clock or on counters nobody notifies about) until {@code WAIT} passes. */
    static void until(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50); // polling interval of a condition wait
        }
    }

    static long connects(Recorder rec) {
        return rec.events().stream().filter("connected"::equals).count();
    }

    @Test
    void aRefreshedTokenCarriesReJoinsPastTheFilesExpiryAndAReplacedFileWins() throws Exception {
        try (StandInServer server = new StandInServer(RoomClientTest.KEY, RoomClientTest.SECRET)) {
            server.start();
            Path file = tmp.resolve("token");
            long expiresAt = System.currentTimeMillis() + 4_000;
            String shortLived = token("bob", 4_000);
            Files.writeString(file, shortLived + "\n");
            Recorder rec = new Recorder();
            try (RoomClient c = new RoomClient(RoomConfig.of(server.url(), "r1", "bob"), new RoomToken.FromFile(file), rec)) {
                c.start().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                until(() -> c.tokenRefreshes() == 1, "a refresh_token from the server");
                assertEquals(shortLived, server.joinTokens().get(0));

                // The file's token expires (JWT expiry has second granularity: wait on the clock past it).
                until(() -> System.currentTimeMillis() > expiresAt + 1_500, "the file's token to expire");
                c.dropConnection("test: signal drop");
                rec.await(r -> connects(r) == 2, WAIT, "the re-join with the refreshed token");
                assertEquals(server.refreshTokens().get(0), server.joinTokens().get(1), "re-joined with the server's refresh_token");

                // An operator replaces the file: its token wins over the (newer) refreshed one.
                String replaced = token("bob", 3_600_000);
                Files.writeString(file, replaced);
                c.dropConnection("test: signal drop");
                rec.await(r -> connects(r) == 3, WAIT, "the re-join with the replaced file");
                assertEquals(replaced, server.joinTokens().get(2));
                assertNotEquals(server.joinTokens().get(1), server.joinTokens().get(2));
            }
        }
    }
}
