package dev.meshwire.coordinator.store;

import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.StateRef;

/**
 * Builds and signs the next event of a mesh. The store calls it inside the append transaction, with the
 * head locked, so the event names the real head and versions stay gap-free across coordinators.
 */
@FunctionalInterface
public interface EventSealer {
    /** The event that follows {@code head}, signed with {@code signer} (the mesh's current authority key). */
    MeshEvent seal(StateRef head, AuthorityKey signer);
}
