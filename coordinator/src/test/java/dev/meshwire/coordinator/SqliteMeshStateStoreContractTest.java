package dev.meshwire.coordinator;

import static dev.meshwire.coordinator.StoreMeshes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.signaling.meshstate.EventPayload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mesh-state store contract ({@link MeshStateStoreContractTest}) on SQLite, and what only SQLite promises. */
class SqliteMeshStateStoreContractTest extends MeshStateStoreContractTest {
    SqliteMeshStateStoreContractTest() {
        super(StoreKind.SQLITE);
    }

    /**
     * SQLite reads each member's standing once per batch (it caches it for the group) but judges the expiry at each
     * send's own time (PostgreSQL judges a batch at its commit's time): the sends made before the key expired are queued, the later ones refused, whichever role
     * (sender or recipient) the key has in each.
     */
    @Test
    void expiryWithinOneBatchIsJudgedAtEachSendsTime() throws Exception {
        Mesh m = mesh(2);
        String a = m.members().get(0), b = m.members().get(1);
        long expiry = System.currentTimeMillis() + 60_000;
        append(m, m.owner(), new EventPayload.ExpirySet(a, expiry), new MeshEffect.SetExpiry(a, expiry));
        List<Queued.Result> rs = await(store.enqueue(List.of(
                msg(m.id(), b, a, "before-to", expiry - 1), msg(m.id(), a, b, "before-from", expiry - 1),
                msg(m.id(), b, a, "after-to", expiry), msg(m.id(), a, b, "after-from", expiry),
                msg(m.id(), b, m.owner(), "others", expiry)), 1000));
        assertInstanceOf(Queued.Result.Accepted.class, rs.get(0));
        assertInstanceOf(Queued.Result.Accepted.class, rs.get(1));
        assertInstanceOf(Queued.Result.RecipientExpired.class, rs.get(2));
        assertEquals(new Queued.Result.SenderInactive("expired"), rs.get(3));
        assertInstanceOf(Queued.Result.Accepted.class, rs.get(4));
    }

}
