package dev.meshwire.peer.meshstate;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshSnapshot;
import dev.meshwire.signaling.meshstate.MeshState;
import java.util.ArrayList;
import java.util.List;

/**
 * The coordinator's side of a mesh history, for tests: an authority key that seals events and
 * snapshots exactly as the coordinator does (MeshEvent.seal / MeshSnapshot.seal), applying each to
 * its own MeshState so that the history is valid. Hostile variants are built from it by hand.
 */
public final class MeshHistory {
    public final String mesh;
    public Identity authority;
    public final Identity genesisAuthority;
    public final List<MeshEvent> events = new ArrayList<>();
    public final List<MeshEvent> rotations = new ArrayList<>();
    public MeshState state;
    public long clock = 1_700_000_000_000L;

    public MeshHistory(String mesh, String name, Identity owner, String ownerName) {
        this.mesh = mesh;
        this.authority = Identity.generate();
        this.genesisAuthority = authority;
        this.state = MeshState.empty(mesh, authority.publicKeyHex());
        add(MeshEvent.COORDINATOR, new EventPayload.MeshCreated(name, owner.publicKeyHex(), authority.publicKeyHex()));
        add(owner.publicKeyHex(), new EventPayload.MemberJoined(owner.publicKeyHex(), ownerName, "owner", null));
    }

    /** Seals the next event with the current authority key and applies it. */
    public MeshEvent add(String actor, EventPayload p) {
        MeshEvent e = MeshEvent.seal(authority, mesh, state.head(), ++clock, actor, p);
        state = state.apply(e);
        events.add(e);
        return e;
    }

    public MeshEvent join(Identity who, String name) {
        return add(who.publicKeyHex(), new EventPayload.MemberJoined(who.publicKeyHex(), name, "member", null));
    }

    /** An authority_rotated event signed by the current key; later events are signed by the new one. */
    public MeshEvent rotate() {
        Identity next = Identity.generate();
        MeshEvent e = add(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(authority.publicKeyHex(), next.publicKeyHex()));
        rotations.add(e);
        authority = next;
        return e;
    }

    public MeshEvent head() {
        return events.get(events.size() - 1);
    }

    public MeshSnapshot snapshot() {
        return MeshSnapshot.seal(authority, state, head(), rotations, ++clock);
    }

    public List<MeshEvent> from(long versionExclusive) {
        return events.stream().filter(e -> e.version() > versionExclusive).toList();
    }
}
