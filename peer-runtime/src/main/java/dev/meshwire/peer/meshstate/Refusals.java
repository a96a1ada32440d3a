package dev.meshwire.peer.meshstate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a mesh refused because its sender was not an active member (banned, revoked, left, expired or
 * never a member), per path: relay {@code deliver}s, direct data-channel frames, p2p signaling. Each
 * refusal was acked (where there is an ack) and dropped. Shown in {@code status} as {@code refused}.
 */
public final class Refusals {
    public final AtomicLong relay = new AtomicLong();
    public final AtomicLong direct = new AtomicLong();
    public final AtomicLong signaling = new AtomicLong();

    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("relay", relay.get());
        m.put("direct", direct.get());
        m.put("signaling", signaling.get());
        return m;
    }
}
