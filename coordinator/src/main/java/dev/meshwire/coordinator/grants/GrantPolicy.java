package dev.meshwire.coordinator.grants;

import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.grants.Caps;
import dev.meshwire.signaling.meshstate.MeshState;

/**
 * Decides, from the mesh state this coordinator holds, whether a recipient's grants let a sender's envelope
 * through (the recipient side of {@code Grants.allowed}; the sender side — a session's caps — is checked before,
 * and refused explicitly, by whoever knows the connection's caps), and
 * counts what it refuses ({@code meshwire_grant_dropped_total{path}}). Used at {@code send} (path
 * {@code relay}) and when a queued row is about to be pushed (path {@code queue}: the grant may have changed
 * since the row was queued). Synchronous and allocation-free when the recipient set no grants: it reads the
 * ledger's cached state, which every admitted session of the mesh has loaded.
 *
 * <p>With several coordinators on one database, a grant committed by another coordinator applies here once
 * this one next reads the mesh's history (the same lag as for its other events; docs/protocol.md §6.3).
 */
public final class GrantPolicy {
    public static final String PATH_RELAY = "relay";
    public static final String PATH_QUEUE = "queue";

    private final MeshLedger ledger;
    private final CoordinatorMetrics metrics;
    private final PresenceRegistry presence;

    /** {@code presence} says which member is behind a session key (grants are member-keyed on both ends). */
    public GrantPolicy(MeshLedger ledger, CoordinatorMetrics metrics, PresenceRegistry presence) {
        this.ledger = ledger;
        this.metrics = metrics;
        this.presence = presence;
    }

    /**
     * True when the member behind {@code recipientKey} (a member, or a connected session: its parent) set no
     * grants at all (everything is allowed; the channel need not be read).
     */
    public boolean unrestricted(String meshId, String recipientKey) {
        MeshState s = ledger.cached(meshId);
        return s == null || s.grantsOf(presence.memberOf(meshId, recipientKey)).isEmpty();
    }

    /**
     * {@link #allows} for a queued row: its sender side is the member recorded with the row ({@link
     * dev.meshwire.coordinator.store.Queued.Message#senderMember}: a session's parent, a service's owner, known even
     * after that session disconnected); {@code recipientKey} is the key the row is pushed to, resolved through
     * presence (it is connected: its pump is claiming).
     */
    public boolean allowsRow(String meshId, String senderMember, String recipientKey, Channel channel) {
        return allows(meshId, senderMember, presence.memberOf(meshId, recipientKey), channel);
    }

    /**
     * Whether {@code recipient}'s grants let {@code sender} send it an envelope of {@code channel}. Both are
     * member keys: a session of a blocked member is blocked, and a dm to a session is judged by its parent's grants.
     */
    public boolean allows(String meshId, String sender, String recipient, Channel channel) {
        MeshState s = ledger.cached(meshId);
        // No cached state: the mesh's history failed to verify or was never read here; the queue's own
        // membership checks refuse what they must, and grants cannot be known: allow.
        return s == null || s.grants(recipient, sender, Caps.forChannel(channel));
    }

    /** Counts one envelope dropped because of a grant, on {@code path} ({@link #PATH_RELAY} or {@link #PATH_QUEUE}). */
    public void dropped(String path) {
        metrics.grantDropped(path);
    }
}
