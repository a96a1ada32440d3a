package dev.meshwire.coordinator;

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
import java.io.PrintStream;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process {@link GroupCommitCrashTest} kills: a real {@link QueueService} on a real SQLite store, fed sends for
 * ever by one sender to an online recipient that acks every {@code deliver} at once, so that each group commit holds
 * enqueues, acks and a claim. Prints {@code READY <mesh> <sender> <recipient>} once, then {@code ACKED <cmid> <messageId>}
 * for each send whose future completed as accepted — the moment the coordinator would send the sender its {@code ack}.
 * Arguments: the JDBC URL.
 */
public final class GroupCommitCrashChild {
    /** Sends outstanding at once: enough for groups of hundreds. */
    static final int WINDOW = 512;

    private GroupCommitCrashChild() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false);
        Vertx vertx = Vertx.vertx();
        // Small recent-dedupe generations: merges into message_dedupe run all the time, so the kill lands in one too
        // (docs/storage.md "Recent dedupe records").
        SqliteCoordinatorStore store = SqliteCoordinatorStore.open(vertx, args[0], 300, 32);
        String[] m = StoreMeshes.ownerAndMember(store, "crash");
        String mesh = m[0], sender = m[1], recipient = m[2];
        QueueService queue = new QueueService(vertx, store, QueueSettings.defaults().withRateLimit(0, 1), new CoordinatorMetrics(Set.of()),
                Clock.systemUTC());
        Context ctx = vertx.getOrCreateContext();
        AtomicReference<DeliveryPump> pump = new AtomicReference<>();
        ctx.runOnContext(v -> {
            queue.start();
            pump.set(queue.attach(mesh, recipient, new AckingSink(ctx, pump::get, id -> { })));
            out.println("READY " + mesh + " " + sender + " " + recipient);
            out.flush();
            new Object() {
                long next;

                void fill(int n) {
                    for (int i = 0; i < n; i++) {
                        String cmid = "c" + (next++);
                        long t = System.currentTimeMillis();
                        Queued.Enqueue e = new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), mesh, sender, recipient, cmid,
                                Hex.encode(Sodium.randomBytes(32)), "next", "{\"v\":2,\"pad\":\"" + "x".repeat(1400) + "\"}", t, t + 86_400_000L);
                        queue.submit(e).onComplete(ar -> {
                            if (ar.succeeded() && ar.result() instanceof Queued.Result.Accepted a) {
                                out.println("ACKED " + cmid + " " + a.messageId());
                                out.flush();
                            }
                            fill(1);
                        });
                    }
                }
            }.fill(WINDOW);
        });
        Thread.sleep(Long.MAX_VALUE);
    }
}
