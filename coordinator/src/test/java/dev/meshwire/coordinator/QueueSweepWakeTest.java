package dev.meshwire.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshwire.coordinator.queue.QueueSettings;
import dev.meshwire.coordinator.relay.Relay;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.Frames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the sweeper wakes (docs/architecture.md "Durable queue"): only the delivery pumps that can claim something.
 * Idle members cost no claim per sweep, while a released lease, and a row another coordinator inserted into the
 * shared database, are still pushed after a sweep. Real coordinator, real WebSockets, SQLite and PostgreSQL
 * (subclasses). Lease 1.5 s, sweep every 200 ms; every wait is a condition with a deadline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueueSweepWakeTest {
    static final String CLAIMS = "meshwire_queue_claims_total";
    static final String SWEEPS = "meshwire_queue_sweeps_total";
    final StoreKind kind;
    Path dir;
    String url;
    CoordinatorFixture fx;

    QueueSweepWakeTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("mw-sweep-wake");
        url = kind.freshUrl(dir, "sweepwake");
        fx = new CoordinatorFixture(c -> c.withDbUrl(url).withQueue(QueueSettings.defaults()
                .withLease(Duration.ofMillis(1500), Duration.ofMillis(200))));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    double metric(String name) throws Exception {
        Matcher mt = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.eE+-]+)$").matcher(fx.get("/metrics").text());
        return mt.find() ? Double.parseDouble(mt.group(1)) : 0;
    }

    /** Waits until {@code n} more sweeps than now have completed. */
    void awaitSweeps(int n) throws Exception {
        double target = metric(SWEEPS) + n;
        Conditions.await(n + " sweeps", () -> {
            try {
                return metric(SWEEPS) >= target;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void idleMembersCostNoClaimAtASweep() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "idle");
        List<TestPeer> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) idle.add(Meshes.joined(fx, m, Identity.generate(), "idle" + i));
            idle.add(Meshes.owner(fx, m));
            // each connection claimed once when it attached; let those settle
            awaitSweeps(2);
            double claims = metric(CLAIMS);
            assertTrue(claims >= idle.size(), "every attach claims once: " + claims);
            awaitSweeps(10);
            // waking every pump would have run 13 claims per sweep, i.e. 130 here
            assertEquals(claims, metric(CLAIMS), "claims while 13 idle members sat through 10 sweeps");
            // and the queue still works: a dm is claimed (by the enqueue's wake) and delivered
            TestPeer owner = idle.get(idle.size() - 1);
            TestPeer first = idle.get(0);
            Identity firstId = first.identity;
            owner.send(new Frames.Send("after-idle", first.pubkey(), owner.dm(firstId, "still here")));
            Frames.Ack ack = owner.await(Frames.Ack.class, a -> "after-idle".equals(a.id()));
            assertEquals(ack.messageId(), first.await(Frames.Deliver.class).messageId());
        } finally {
            for (TestPeer p : idle) p.close();
        }
    }

    @Test
    void aLeaseThatExpiresAfterAReconnectIsPushedAgainAfterTheSweep() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "relapse");
        Identity bobId = Identity.generate();
        Meshes.joined(fx, m, bobId, "bob").close();
        try (TestPeer alice = Meshes.owner(fx, m)) {
            alice.send(new Frames.Send("r1", bobId.publicKeyHex(), alice.dm(bobId, "ack me eventually")));
            String id = alice.await(Frames.Ack.class, a -> "r1".equals(a.id())).messageId();
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                assertEquals(id, bob.await(Frames.Deliver.class).messageId()); // not acked: dies with the connection
            }
            try (TestPeer bob = fx.peer(bobId)) {
                bob.hello(m.id());
                Frames.Deliver taken = bob.await(Frames.Deliver.class); // the new connection takes the row over at once
                assertEquals(id, taken.messageId());
                // not acked again: its lease (1.5 s) expires, a sweep releases it and wakes this pump, which pushes it again
                Frames.Deliver again = bob.await(Frames.Deliver.class);
                assertEquals(id, again.messageId());
                assertEquals(taken.envelope(), again.envelope());
                bob.send(new Frames.ClientAck(id, again.envelope().meta().clientMessageId(), alice.pubkey()));
                bob.sync("acked");
            }
        }
    }

    @Test
    void aRowAnotherCoordinatorInsertedIsPushedAfterTheSweep() throws Exception {
        assumeTrue(kind == StoreKind.POSTGRES, "several coordinators share a database only on PostgreSQL (one per SQLite file)");
        Meshes.Mesh m = Meshes.create(fx, "cluster");
        Identity bobId = Identity.generate();
        try (TestPeer alice = Meshes.owner(fx, m); TestPeer bob = Meshes.joined(fx, m, bobId, "bob");
             var other = new OtherCoordinatorStore(kind, url)) {
            // the shared database gets a row from "another coordinator": this one hears nothing but the sweep
            Envelope env = alice.dm(bobId, "via the other coordinator");
            long now = System.currentTimeMillis();
            String id = "msg_" + Hex.encode(Sodium.randomBytes(12));
            Queued.Enqueue row = new Queued.Enqueue(id, m.id(), alice.pubkey(), bob.pubkey(), env.meta().clientMessageId(),
                    Relay.fingerprint(env), "normal", Json.MAPPER.writeValueAsString(env), now, now + 600_000);
            List<Queued.Result> rs = other.store.enqueue(List.of(row), 1000).await(30, TimeUnit.SECONDS);
            assertInstanceOf(Queued.Result.Accepted.class, rs.get(0), rs.toString());
            Frames.Deliver d = bob.await(Frames.Deliver.class);
            assertEquals(id, d.messageId());
            assertEquals(env, d.envelope());
        }
    }

    /** A second store on the coordinator's database, standing for another coordinator sharing it. */
    static final class OtherCoordinatorStore implements AutoCloseable {
        final io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        final CoordinatorStore store;

        OtherCoordinatorStore(StoreKind kind, String url) throws Exception {
            store = kind.open(vertx, url);
        }

        @Override
        public void close() throws Exception {
            store.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
