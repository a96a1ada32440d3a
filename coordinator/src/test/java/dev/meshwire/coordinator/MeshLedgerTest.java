package dev.meshwire.coordinator;

import static dev.meshwire.coordinator.StoreMeshes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.meshwire.coordinator.meshstate.EventPublisher;
import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.meshstate.StateSyncer;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.coordinator.store.AuthorityKey;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.StateRef;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link MeshLedger} and {@link StateSyncer} on real stores, without sockets: the 1,000-event limit of
 * a mesh_sync, and two coordinators (two ledgers, two stores) appending to one PostgreSQL mesh at once.
 * Ledger calls run on a Vert.x context, as in the coordinator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeshLedgerTest {
    Vertx vertx;
    CoordinatorMetrics metrics;

    @BeforeAll
    void open() {
        vertx = Vertx.vertx();
        metrics = new CoordinatorMetrics(Set.of());
    }

    @AfterAll
    void close() throws Exception {
        metrics.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    record Node(Context context, CoordinatorStore store, MeshLedger ledger, StateSyncer syncer) {
        <T> T call(Supplier<Future<T>> work) throws Exception {
            Promise<T> p = Promise.promise();
            context.runOnContext(v -> work.get().onComplete(p));
            return await(p.future());
        }
    }

    Node node(CoordinatorStore store) {
        MeshLedger ledger = new MeshLedger(store, new EventPublisher(new PresenceRegistry()), metrics, Clock.systemUTC());
        return new Node(vertx.getOrCreateContext(), store, ledger, new StateSyncer(ledger, metrics, Clock.systemUTC()));
    }

    record Mesh(String id, String owner, String member, AuthorityKey authority) {}

    static Mesh mesh(CoordinatorStore store) throws Exception {
        String id = "m_" + Hex.encode(Sodium.randomBytes(8));
        String owner = Hex.encode(Sodium.randomBytes(32));
        long now = System.currentTimeMillis();
        AuthorityKey k = StoreMeshes.create(store, new MeshRecord(id, "led-" + id.substring(2, 12), owner, now),
                new MemberRecord(id, owner, "owner", MemberRecord.OWNER, now));
        String member = Hex.encode(Sodium.randomBytes(32));
        MemberRecord m = new MemberRecord(id, member, "bob", MemberRecord.MEMBER, now);
        await(store.joinWithInvite("inv", 10, m, StoreMeshes.joined(m)));
        return new Mesh(id, owner, member, k);
    }

    @Test
    void aSyncCarriesAtMostAThousandEventsElseASnapshot() throws Exception {
        CoordinatorStore store = StoreKind.SQLITE.open(vertx, StoreKind.SQLITE.freshUrl(Files.createTempDirectory("mw-ledger"), "ledger"));
        try {
            Node n = node(store);
            Mesh m = mesh(store); // v3
            for (int i = 0; i < 1000; i++) {
                String reason = "k" + i;
                n.call(() -> n.ledger().append(m.id(), m.owner(), new EventPayload.MemberKicked(m.member(), reason), new MeshEffect.None()));
            }
            List<MeshEvent> all = await(store.events(m.id(), 0, 2000));
            assertEquals(1003, all.size());
            StateRef v2 = all.get(1).ref(), v3 = all.get(2).ref(), head = all.get(1002).ref();

            StateSyncer.Plan fromNothing = n.call(() -> n.syncer().plan(m.id(), null, "a"));
            assertNull(fromNothing.frame().events());
            assertEquals(head, fromNothing.frame().snapshot().verify(m.id(), m.authority().publicKey(), null).head());
            StateSyncer.Plan from2 = n.call(() -> n.syncer().plan(m.id(), v2, "b")); // 1,001 missing
            assertNotNull(from2.frame().snapshot());
            StateSyncer.Plan from3 = n.call(() -> n.syncer().plan(m.id(), v3, "c")); // exactly 1,000 missing
            assertEquals(1000, from3.frame().events().size());
            assertEquals("c", from3.frame().id());
            MeshState s = MeshState.empty(m.id(), m.authority().publicKey());
            for (MeshEvent e : all.subList(0, 3)) s = s.apply(e);
            for (MeshEvent e : from3.frame().events()) s = s.apply(e);
            assertEquals(head, s.head());
            assertEquals(List.of(), n.call(() -> n.syncer().plan(m.id(), head, "d")).frame().events());
        } finally {
            store.close();
        }
    }

    @Test
    void twoCoordinatorsOnOnePostgresAppendWithoutGapOrForkAndBothFoldTheWholeHistory() throws Exception {
        String url = PgCluster.freshDatabase("ledger");
        CoordinatorStore s1 = StoreKind.POSTGRES.open(vertx, url);
        CoordinatorStore s2 = StoreKind.POSTGRES.open(vertx, url);
        try {
            Node a = node(s1);
            Node b = node(s2);
            Mesh m = mesh(s1);
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Node n = i % 2 == 0 ? a : b;
                String reason = "k" + i;
                Promise<Object> p = Promise.promise();
                n.context().runOnContext(v -> n.ledger().append(m.id(), m.owner(), new EventPayload.MemberKicked(m.member(), reason),
                        new MeshEffect.None()).map(x -> (Object) x).onComplete(p));
                all.add(p.future());
            }
            for (Future<?> f : all) await(f);
            MeshState sa = a.call(() -> a.ledger().current(m.id()));
            MeshState sb = b.call(() -> b.ledger().current(m.id()));
            assertEquals(33, sa.version());
            assertEquals(sa.head(), sb.head());
            assertEquals(sa.head(), await(s1.head(m.id())).orElseThrow());
        } finally {
            s1.close();
            s2.close();
        }
    }
}
