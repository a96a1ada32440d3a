package dev.meshwire.coordinator.authority;

import dev.meshwire.coordinator.meshstate.AuthorityKeys;
import dev.meshwire.coordinator.meshstate.Genesis;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.store.AuthorityKey;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.coordinator.store.StoreException;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Names;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.StateRef;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Creates meshes. The owner proves possession of its key by signing the request; the signed
 * {@code createdAt} must be within {@link #MAX_SKEW} of the coordinator's clock so an old signed
 * request cannot be replayed much later (name uniqueness stops replays within the window). The mesh is
 * stored with a new authority key and its genesis events (v1 mesh_created, v2 the owner's member_joined)
 * in one transaction.
 */
public final class MeshRegistration {
    public static final Duration MAX_SKEW = Duration.ofMinutes(10);

    /** A created mesh, its authority key (public, hex) and its state head. */
    public record Created(MeshRecord mesh, String authority, StateRef state) {}

    private final CoordinatorStore store;
    private final CoordinatorMetrics metrics;
    private final Clock clock;

    public MeshRegistration(CoordinatorStore store, CoordinatorMetrics metrics, Clock clock) {
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Future<Created> create(CreateMeshRequest req) {
        try {
            validate(req);
        } catch (ApiException e) {
            return Future.failedFuture(e);
        }
        MeshRecord mesh = new MeshRecord("m_" + Hex.encode(Sodium.randomBytes(8)), req.name(), req.ownerPubkey(), req.createdAt());
        MemberRecord owner = new MemberRecord(mesh.id(), req.ownerPubkey(), req.ownerName(), MemberRecord.OWNER, clock.millis());
        AuthorityKey key = AuthorityKeys.generate(mesh.id(), clock.millis());
        List<MeshEvent> genesis = Genesis.of(AuthorityKeys.identity(key), mesh, owner, clock.millis());
        return store.createMesh(mesh, owner, key, genesis).map(m -> {
            for (MeshEvent e : genesis) metrics.meshEvent(e.kind());
            return new Created(m, key.publicKey(), genesis.get(genesis.size() - 1).ref());
        }).recover(e -> Future.failedFuture(
                e instanceof StoreException.DuplicateMeshName ? new ApiException(409, ApiException.MESH_NAME_TAKEN, e.getMessage()) : e));
    }

    private void validate(CreateMeshRequest req) {
        String problem = Names.checkMeshName(req.name());
        if (problem != null) throw bad(problem);
        problem = Names.checkDisplayName(req.ownerName());
        if (problem != null) throw bad("ownerName: " + problem);
        if (!Hex.isHex(req.ownerPubkey(), PublicKey.HEX_CHARS)) throw bad("ownerPubkey must be 64 lowercase hex characters");
        if (req.createdAt() == null) throw bad("createdAt (epoch milliseconds) is required");
        if (Math.abs(clock.millis() - req.createdAt()) > MAX_SKEW.toMillis()) {
            throw bad("createdAt is more than " + MAX_SKEW.toMinutes() + " minutes away from the coordinator's clock; check the system time");
        }
        if (req.signature() == null) throw bad("signature is required");
        if (!Signatures.verify(req.ownerPubkey(), Canonical.meshCreate(req.name(), req.ownerPubkey(), req.ownerName(), req.createdAt()), req.signature())) {
            throw new ApiException(400, ApiException.BAD_SIGNATURE, "signature does not verify for ownerPubkey over the mesh-create string");
        }
    }

    private static ApiException bad(String message) {
        return new ApiException(400, ApiException.INVALID_REQUEST, message);
    }
}
