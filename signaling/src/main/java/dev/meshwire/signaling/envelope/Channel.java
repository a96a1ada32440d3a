package dev.meshwire.signaling.envelope;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a message means and how it is encrypted and fanned out (seed end-state spec, layer 5). */
public enum Channel {
    /** 1:1, crypto_box to the recipient. */
    DM,
    /** Fan-out to several members; the sender seals one copy per recipient. {@code *} is the whole mesh. */
    GROUP,
    TOPIC,
    RPC,
    /** Coordinator-originated operational events. */
    SYSTEM,
    /** Ordered chunks; {@code meta.streamId} is required. */
    STREAM;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Channel fromWire(String name) {
        for (Channel c : values()) {
            if (c.wireName().equals(name)) return c;
        }
        throw new IllegalArgumentException("unknown channel '" + name + "'");
    }
}
