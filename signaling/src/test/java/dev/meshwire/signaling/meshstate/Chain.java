package dev.meshwire.signaling.meshstate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.CanonicalJson;
import java.util.ArrayList;
import java.util.List;

/** A mesh history under construction in a test: every event is sealed, applied and kept. */
final class Chain {
    static final long T0 = 1_767_225_600_000L;

    final String mesh;
    Identity signer;
    MeshState state;
    final List<MeshEvent> events = new ArrayList<>();

    Chain(String mesh, Identity authority) {
        this.mesh = mesh;
        this.signer = authority;
        this.state = MeshState.empty(mesh, authority.publicKeyHex());
    }

    /** v1 mesh_created by the coordinator, v2 member_joined of {@code owner} as owner. */
    static Chain created(String mesh, String meshName, Identity authority, Identity owner, String ownerName) {
        Chain c = new Chain(mesh, authority);
        c.add(MeshEvent.COORDINATOR, new EventPayload.MeshCreated(meshName, owner.publicKeyHex(), authority.publicKeyHex()));
        c.add(owner.publicKeyHex(), new EventPayload.MemberJoined(owner.publicKeyHex(), ownerName, MemberEntry.OWNER, null));
        return c;
    }

    long nextAt() {
        return T0 + 1000 * (state.version() + 1);
    }

    /** Seals the next event with the current signer (not applied). */
    MeshEvent seal(String actor, EventPayload p) {
        return MeshEvent.seal(signer, mesh, state.head(), nextAt(), actor, p);
    }

    /** Seals and applies the next event; returns it. */
    MeshEvent add(String actor, EventPayload p) {
        return push(seal(actor, p));
    }

    MeshEvent push(MeshEvent e) {
        state = state.apply(e);
        events.add(e);
        return e;
    }

    /** The next event with arbitrary raw {@code data}, signed correctly by {@code by}. */
    MeshEvent raw(Identity by, String kind, JsonNode data) {
        long v = state.version() + 1;
        long at = nextAt();
        String canonical = Canonical.meshEvent(mesh, v, state.head().head(), kind, at, MeshEvent.COORDINATOR, CanonicalJson.write(data));
        return new MeshEvent(mesh, v, state.head().head(), kind, at, MeshEvent.COORDINATOR, data, by.signHex(canonical));
    }

    MeshEvent event(long version) {
        return events.get((int) version - 1);
    }

    /** Asserts that {@code s.apply(e)} is refused with {@code reason} and leaves {@code s} exactly as it was. */
    static MeshStateException refused(MeshState s, MeshEvent e, MeshStateException.Reason reason) {
        StateRef head = s.head();
        String authority = s.authority();
        String name = s.name();
        List<MemberEntry> entries = List.copyOf(s.entries());
        MeshStateException ex = assertThrows(MeshStateException.class, () -> s.apply(e));
        assertEquals(reason, ex.reason(), ex.getMessage());
        assertEquals(reason.name().toLowerCase(java.util.Locale.ROOT), ex.code());
        assertSame(head, s.head(), "head unchanged");
        assertEquals(authority, s.authority(), "authority unchanged");
        assertEquals(name, s.name(), "name unchanged");
        assertEquals(entries, List.copyOf(s.entries()), "entries unchanged");
        return ex;
    }
}
