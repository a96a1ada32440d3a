package dev.meshwire.peer.meshstate;

import dev.meshwire.peer.ipc.api.RefusalCounters;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a mesh refused because its sender was not an active member (banned, revoked, left, expired or
 * never a member), per path: relay {@code deliver}s, direct data-channel frames, p2p signaling. Each
 * refusal was acked (where there is an ack) and dropped. {@link #grants} counts envelopes of active members
 * that this member's own grants refuse. Shown in {@code status} as {@code refused}.
 */
public final class Refusals {
    public final AtomicLong relay = new AtomicLong();
    public final AtomicLong direct = new AtomicLong();
    public final AtomicLong signaling = new AtomicLong();
    /** Envelopes from an active member that this member's grants refuse (any path; docs/protocol.md §6.3). */
    public final AtomicLong grants = new AtomicLong();

    public RefusalCounters counters() {
        return new RefusalCounters(relay.get(), direct.get(), signaling.get(), grants.get());
    }
}
