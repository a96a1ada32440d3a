package dev.meshwire.coordinator.authority;

import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshRecord;

/** A successful hello or join: the mesh and the member the session now speaks for. */
public record Authenticated(MeshRecord mesh, MemberRecord member, boolean newlyJoined) {}
