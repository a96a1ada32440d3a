package dev.meshwire.coordinator.meshstate;

import dev.meshwire.coordinator.presence.PeerConnection;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.MeshEvent;

/**
 * Pushes a committed mesh event as {@code system{mesh, event}} to every online session of the mesh, the
 * actor and the subject included, then tells each session so it can update what it knows of itself.
 */
public final class EventPublisher {
    private final PresenceRegistry presence;

    public EventPublisher(PresenceRegistry presence) {
        this.presence = presence;
    }

    public void publish(MeshEvent event) {
        Frames.SystemEvent frame = new Frames.SystemEvent(event.mesh(), event);
        for (PeerConnection c : presence.online(event.mesh())) {
            c.send(frame);
            c.meshEventApplied(event);
        }
    }
}
