package dev.meshwire.coordinator.authority;

import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshRecord;

/**
 * A successful hello, join or session_hello: the mesh and the member the connection now speaks for, and for a
 * session_hello the session (null otherwise), whose parent is {@code member}.
 */
public record Authenticated(MeshRecord mesh, MemberRecord member, boolean newlyJoined, SessionIdentity session) {
    public Authenticated(MeshRecord mesh, MemberRecord member, boolean newlyJoined) {
        this(mesh, member, newlyJoined, null);
    }
}
