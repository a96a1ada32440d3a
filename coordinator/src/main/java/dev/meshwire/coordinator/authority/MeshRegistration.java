package dev.meshwire.coordinator.authority;

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
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;

/**
 * Creates meshes. The owner proves possession of its key by signing the request; the signed
 * {@code createdAt} must be within {@link #MAX_SKEW} of the coordinator's clock so an old signed
 * request cannot be replayed much later (name uniqueness stops replays within the window).
 */
public final class MeshRegistration {
    public static final Duration MAX_SKEW = Duration.ofMinutes(10);

    private final CoordinatorStore store;
    private final Clock clock;

    public MeshRegistration(CoordinatorStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Future<MeshRecord> create(CreateMeshRequest req) {
        try {
            validate(req);
        } catch (ApiException e) {
            return Future.failedFuture(e);
        }
        MeshRecord mesh = new MeshRecord("m_" + Hex.encode(Sodium.randomBytes(8)), req.name(), req.ownerPubkey(), req.createdAt());
        MemberRecord owner = new MemberRecord(mesh.id(), req.ownerPubkey(), req.ownerName(), MemberRecord.OWNER, clock.millis());
        return store.createMesh(mesh, owner).recover(e -> Future.failedFuture(
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
