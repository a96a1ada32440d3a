package dev.meshwire.peer.p2p;

import dev.meshwire.peer.ipc.api.P2pCounters;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the data plane, daemon-wide: messages and bytes (envelope JSON) by path, upgrades
 * (sessions that opened), failures (sessions that never opened), fallbacks (direct sends not acked
 * before their channel ended or timed out, resent via the relay) and degraded sends (relayed to an
 * online, p2p-capable peer of a 1:1 message because no channel was open yet or any more), backlog-full
 * sends (relayed because the peer's session already held its {@link BacklogLimits} of unacked messages) and
 * stalled sessions (closed because messages waited without an ack for the stall timeout).
 */
public final class P2pMetrics {
    public final LongAdder directMessages = new LongAdder();
    public final LongAdder directBytes = new LongAdder();
    public final LongAdder relayMessages = new LongAdder();
    public final LongAdder relayBytes = new LongAdder();
    public final LongAdder upgrades = new LongAdder();
    public final LongAdder failures = new LongAdder();
    public final LongAdder fallbacks = new LongAdder();
    public final LongAdder degraded = new LongAdder();
    public final LongAdder directReceived = new LongAdder();
    public final LongAdder backlogFull = new LongAdder();
    public final LongAdder stalled = new LongAdder();

    public P2pCounters snapshot() {
        return new P2pCounters(directMessages.sum(), directBytes.sum(), relayMessages.sum(), relayBytes.sum(), directReceived.sum(),
                upgrades.sum(), failures.sum(), fallbacks.sum(), degraded.sum(), backlogFull.sum(), stalled.sum());
    }
}
