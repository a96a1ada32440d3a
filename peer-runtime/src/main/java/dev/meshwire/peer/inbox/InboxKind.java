package dev.meshwire.peer.inbox;

import dev.meshwire.peer.PeerException;
import java.util.Locale;

/**
 * Which rows an inbox listing shows: the user messages ({@code inbox}), the daemon's {@code system} entries made from
 * verified mesh-state events ({@code inbox --system}), or both ({@code watch} catching up). The two never mix by
 * accident: a listing names its kind, and the default is {@link #MESSAGES}.
 */
public enum InboxKind {
    MESSAGES("messages"), SYSTEM("system"), ALL("all");

    private final String wire;

    InboxKind(String wire) {
        this.wire = wire;
    }

    /** The value of the {@code kind} query parameter of {@code GET /v1/inbox}. */
    public String wire() {
        return wire;
    }

    /** The SQL condition on the {@code channel} column that selects this kind (no placeholders). */
    String where() {
        return switch (this) {
            case MESSAGES -> " AND channel <> 'system'";
            case SYSTEM -> " AND channel = 'system'";
            case ALL -> "";
        };
    }

    /** Parses the query value; null or empty is {@link #MESSAGES}. @throws PeerException bad_request for anything else */
    public static InboxKind fromWire(String s) {
        if (s == null || s.isEmpty()) return MESSAGES;
        for (InboxKind k : values()) if (k.wire.equals(s.toLowerCase(Locale.ROOT))) return k;
        throw new PeerException(PeerException.BAD_REQUEST, "kind must be messages, system or all (got '"
                + (s.length() > 32 ? s.substring(0, 32) + "…" : s) + "')");
    }
}
