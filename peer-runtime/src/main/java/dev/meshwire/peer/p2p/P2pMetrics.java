package dev.meshwire.peer.p2p;

import java.util.LinkedHashMap;
import java.util.Map;
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

    public Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("directMessages", directMessages.sum());
        m.put("directBytes", directBytes.sum());
        m.put("relayMessages", relayMessages.sum());
        m.put("relayBytes", relayBytes.sum());
        m.put("directReceived", directReceived.sum());
        m.put("upgrades", upgrades.sum());
        m.put("failures", failures.sum());
        m.put("fallbacks", fallbacks.sum());
        m.put("degraded", degraded.sum());
        m.put("backlogFull", backlogFull.sum());
        m.put("stalled", stalled.sum());
        return m;
    }
}
