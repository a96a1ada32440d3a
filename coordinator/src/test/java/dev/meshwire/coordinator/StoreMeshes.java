package dev.meshwire.coordinator;

import dev.meshwire.coordinator.meshstate.AuthorityKeys;
import dev.meshwire.coordinator.meshstate.Genesis;
import dev.meshwire.coordinator.store.Appended;
import dev.meshwire.coordinator.store.AuthorityKey;
import dev.meshwire.coordinator.store.BanRecord;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.EventSealer;
import dev.meshwire.coordinator.store.JoinResult;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.coordinator.store.RevocationRecord;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Test helper: meshes and mesh events written straight through a {@link CoordinatorStore}, signed like the coordinator signs them. */
final class StoreMeshes {
    private StoreMeshes() {}

    static <T> T await(Future<T> f) throws Exception {
        return f.await(30, TimeUnit.SECONDS);
    }

    /** Creates the mesh with its owner, a fresh authority key and the genesis events; returns the key. */
    static AuthorityKey create(CoordinatorStore store, MeshRecord mesh, MemberRecord owner) throws Exception {
        AuthorityKey key = AuthorityKeys.generate(mesh.id(), owner.joinedAt());
        await(store.createMesh(mesh, owner, key, Genesis.of(AuthorityKeys.identity(key), mesh, owner, owner.joinedAt())));
        return key;
    }

    /** A fresh mesh with an owner and one member, both random keys: returns [meshId, owner, member]. */
    static String[] ownerAndMember(CoordinatorStore store, String name) throws Exception {
        String mesh = "m_" + Hex.encode(Sodium.randomBytes(8));
        String owner = Hex.encode(Sodium.randomBytes(32));
        String member = Hex.encode(Sodium.randomBytes(32));
        long now = System.currentTimeMillis();
        create(store, new MeshRecord(mesh, name + "-" + mesh, owner, now), new MemberRecord(mesh, owner, "s", MemberRecord.OWNER, now));
        MemberRecord r = new MemberRecord(mesh, member, "r", MemberRecord.MEMBER, now);
        if (!(await(store.joinWithInvite("inv", 10, r, joined(r))) instanceof JoinResult.Joined)) {
            throw new IllegalStateException("the member did not join");
        }
        return new String[] {mesh, owner, member};
    }

    /** Seals {@code payload} on whatever head the store hands over, with the key it hands over. */
    static EventSealer sealer(String meshId, long at, String actor, EventPayload payload) {
        return (head, signer) -> MeshEvent.seal(AuthorityKeys.identity(signer), meshId, head, at, actor, payload);
    }

    static EventSealer joined(MemberRecord m) {
        return sealer(m.meshId(), m.joinedAt(), m.pubkey(), new EventPayload.MemberJoined(m.pubkey(), m.name(), m.role(), m.expiresAt()));
    }

    static Appended ban(CoordinatorStore store, String meshId, String pubkey, String name, String actor, long now) throws Exception {
        return await(store.append(meshId, sealer(meshId, now, actor, new EventPayload.MemberBanned(pubkey, name, null)),
                new MeshEffect.Ban(new BanRecord(meshId, pubkey, name, now, actor))));
    }

    static Appended revoke(CoordinatorStore store, String meshId, String pubkey, String actor, String reason, long now) throws Exception {
        return await(store.append(meshId, sealer(meshId, now, actor, new EventPayload.MemberRevoked(pubkey, reason)),
                new MeshEffect.Revoke(new RevocationRecord(meshId, pubkey, now, actor, reason))));
    }
}
