package dev.meshwire.signaling.envelope;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Delivery urgency: {@code now} interrupts, {@code next} waits for a boundary, {@code low} is background. */
public enum Priority {
    NOW,
    NEXT,
    LOW;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Priority fromWire(String name) {
        for (Priority p : values()) {
            if (p.wireName().equals(name)) return p;
        }
        throw new IllegalArgumentException("priority must be one of now, next, low (got '" + name + "')");
    }
}
