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
 * it while the file is unchanged (its token may have expired) or unreadable, and with the file's token again once an
 * operator replaced the file.
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
    void reJoinsUseTheRefreshedTokenUntilTheFileIsReplaced() throws Exception {
        try (StandInServer server = new StandInServer(RoomClientTest.KEY, RoomClientTest.SECRET)) {
            server.start();
            Path file = tmp.resolve("token");
            String first = token("bob", 3_600_000);
            Files.writeString(file, first + "\n");
            Recorder rec = new Recorder();
            try (RoomClient c = new RoomClient(RoomConfig.of(server.url(), "r1", "bob"), new RoomToken.FromFile(file), rec)) {
                c.start().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                until(() -> c.tokenRefreshes() == 1, "a refresh_token from the server");
                assertEquals(first, server.joinTokens().get(0));

                // The file is unchanged (its token may expire any time): the re-join uses the server's refresh_token.
                c.dropConnection("test: connection drop");
                until(() -> connects(rec) == 2, "the re-join with the refreshed token");
                assertEquals(server.refreshTokens().get(0), server.joinTokens().get(1), "re-joined with the server's refresh_token");

                // The file is gone (unreadable): the latest refresh_token still carries the re-join.
                until(() -> c.tokenRefreshes() == 2, "the second join's refresh_token");
                Files.delete(file);
                c.dropConnection("test: connection drop");
                until(() -> connects(rec) == 3, "the re-join without a readable file");
                assertEquals(server.refreshTokens().get(1), server.joinTokens().get(2));

                // An operator writes a new file: its token wins over the refreshed one.
                String replaced = token("bob", 3_600_000);
                Files.writeString(file, replaced);
                c.dropConnection("test: connection drop");
                until(() -> connects(rec) == 4, "the re-join with the replaced file");
                assertEquals(replaced, server.joinTokens().get(3));
                assertNotEquals(server.joinTokens().get(2), server.joinTokens().get(3));
            }
        }
    }
}
