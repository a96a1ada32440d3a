package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.queue.DeliveryPump;
import dev.meshwire.coordinator.queue.QueueService;
import dev.meshwire.coordinator.queue.QueueSettings;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.coordinator.store.SqliteCoordinatorStore;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * SQLite group commit with an online recipient under a stream of sends: groups overlap (two in flight), so the pump's
 * claim can be pending when the next group brings its recipient's rows, and a second claim then joins that group
 * (docs/storage.md {@code commitGroup}; in-process, with instant acks, that happened once in a local run of 3,000 sends — the
 * relay over WebSockets hits it far more often). Whatever the overlap, every message must be pushed exactly once, in
 * the order it was accepted, none as a redelivery, and the acks must empty the queue.
 */
class GroupedClaimsTest {
    static final int MESSAGES = 3000;
    static final int WINDOW = 64;

    @Test
    void overlappingGroupsPushEveryRowOnceInOrder() throws Exception {
        Path dir = Files.createTempDirectory("mw-grouped-claims");
        Vertx vertx = Vertx.vertx();
        SqliteCoordinatorStore store = SqliteCoordinatorStore.open(vertx, "jdbc:sqlite:" + dir.resolve("c.db"));
        CoordinatorMetrics metrics = new CoordinatorMetrics(Set.of());
        QueueService queue = new QueueService(vertx, store, QueueSettings.defaults().withRateLimit(0, 1), metrics, Clock.systemUTC());
        try {
            String[] m = StoreMeshes.ownerAndMember(store, "grouped");
            String mesh = m[0], sender = m[1], recipient = m[2];
            List<String> accepted = Collections.synchronizedList(new ArrayList<>());
            List<String> pushed = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Void> done = new CompletableFuture<>();
            Context ctx = vertx.getOrCreateContext();
            AtomicReference<DeliveryPump> pump = new AtomicReference<>();
            ctx.runOnContext(v -> {
                pump.set(queue.attach(mesh, recipient, new AckingSink(ctx, pump::get, pushed::add)));
                // WINDOW sends outstanding at all times, each answered send replaced by the next: the relay bench's load.
                new Object() {
                    int next;

                    void send(int n) {
                        for (int i = 0; i < n && next < MESSAGES; i++) {
                            long t = System.currentTimeMillis();
                            Queued.Enqueue e = new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), mesh, sender, recipient,
                                    "c" + next++, Hex.encode(Sodium.randomBytes(32)), "next", "{\"v\":2,\"pad\":\"" + "x".repeat(1400) + "\"}", t,
                                    t + 86_400_000L);
                            queue.submit(e).onComplete(ar -> {
                                if (ar.failed()) {
                                    done.completeExceptionally(ar.cause());
                                    return;
                                }
                                accepted.add(((Queued.Result.Accepted) ar.result()).messageId());
                                if (accepted.size() == MESSAGES) done.complete(null);
                                send(1);
                            });
                        }
                    }
                }.send(WINDOW);
            });
            done.get(120, TimeUnit.SECONDS);
            Conditions.await("every message pushed and the queue drained", Duration.ofSeconds(300),
                    () -> pushed.size() >= MESSAGES && queueDepth(store, mesh, recipient) == 0);
            assertEquals(List.copyOf(accepted), List.copyOf(pushed), "each accepted message pushed once, in acceptance order");
            assertEquals(0.0, metrics.count("meshwire_queue_redelivered"), "no row pushed twice");
            assertTrue(metrics.count("meshwire_queue_claims") < MESSAGES, "claims were grouped");
        } finally {
            queue.stop();
            store.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private static long queueDepth(SqliteCoordinatorStore store, String mesh, String recipient) {
        try {
            return StoreMeshes.await(store.queueDepth(mesh, recipient));
        } catch (Exception e) {
            throw new AssertionError("queue depth of " + recipient, e);
        }
    }
}
