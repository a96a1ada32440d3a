package dev.meshwire.coordinator.meshstate;

import dev.meshwire.coordinator.store.BanRecord;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.StateRef;
import java.util.ArrayList;
import java.util.List;

/** The first events of a mesh's history, signed by its authority key. */
public final class Genesis {
    private Genesis() {}

    /** v1 {@code mesh_created} (actor {@code coordinator}) and v2 the owner's {@code member_joined} (role owner). */
    public static List<MeshEvent> of(Identity authority, MeshRecord mesh, MemberRecord owner, long at) {
        MeshEvent created = MeshEvent.seal(authority, mesh.id(), StateRef.EMPTY, at, MeshEvent.COORDINATOR,
                new EventPayload.MeshCreated(mesh.name(), owner.pubkey(), authority.publicKeyHex()));
        MeshEvent joined = MeshEvent.seal(authority, mesh.id(), created.ref(), at, owner.pubkey(),
                new EventPayload.MemberJoined(owner.pubkey(), owner.name(), MemberRecord.OWNER, owner.expiresAt()));
        return List.of(created, joined);
    }

    /**
     * The history given to a mesh created before mesh state existed: mesh_created, then member_joined for
     * every member (the owner first; actor {@code coordinator}), then member_banned for every ban.
     */
    public static List<MeshEvent> adopted(Identity authority, MeshRecord mesh, List<MemberRecord> members, List<BanRecord> bans, long at) {
        List<MeshEvent> out = new ArrayList<>();
        MeshEvent e = MeshEvent.seal(authority, mesh.id(), StateRef.EMPTY, at, MeshEvent.COORDINATOR,
                new EventPayload.MeshCreated(mesh.name(), mesh.ownerPubkey(), authority.publicKeyHex()));
        out.add(e);
        List<MemberRecord> ordered = new ArrayList<>(members);
        ordered.sort((a, b) -> Boolean.compare(!a.isOwner(), !b.isOwner()));
        for (MemberRecord m : ordered) {
            e = MeshEvent.seal(authority, mesh.id(), e.ref(), at, MeshEvent.COORDINATOR,
                    new EventPayload.MemberJoined(m.pubkey(), m.name(), m.role(), m.expiresAt()));
            out.add(e);
        }
        for (BanRecord b : bans) {
            e = MeshEvent.seal(authority, mesh.id(), e.ref(), at, MeshEvent.COORDINATOR,
                    new EventPayload.MemberBanned(b.pubkey(), b.name(), null));
            out.add(e);
        }
        return out;
    }
}
