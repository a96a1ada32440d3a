package dev.meshwire.signaling.service;

import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a service key may do (docs/protocol.md §6.4): {@code <what>:<verb>}. The wire form is a sorted,
 * unique, comma-joined list, as for grant caps.
 */
public final class Scopes {
    private Scopes() {}

    public static final String DM_READ = "dm:read";
    public static final String DM_WRITE = "dm:write";
    public static final String TOPIC_READ = "topic:read";
    public static final String TOPIC_WRITE = "topic:write";
    public static final String RPC_INVOKE = "rpc:invoke";
    public static final String RPC_SERVE = "rpc:serve";
    /** Send on the {@code stream} channel: file transfers and their control messages (receiving one needs {@code dm:read}). */
    public static final String STREAM_WRITE = "stream:write";

    public static final List<String> ALL = List.of(DM_READ, DM_WRITE, TOPIC_READ, TOPIC_WRITE, RPC_INVOKE, RPC_SERVE, STREAM_WRITE);

    /** A user's list, trimmed and lowercased; at least one scope. @throws IllegalArgumentException naming the bad scope */
    public static SortedSet<String> parse(String list) {
        SortedSet<String> out = new TreeSet<>();
        if (list == null || list.isBlank()) throw new IllegalArgumentException("at least one scope is required (known: " + String.join(", ", ALL) + ")");
        for (String part : list.split(",", -1)) {
            String s = part.trim().toLowerCase(Locale.ROOT);
            if (!ALL.contains(s)) throw new IllegalArgumentException("unknown scope '" + s + "' (known: " + String.join(", ", ALL) + ")");
            out.add(s);
        }
        return out;
    }

    /**
     * The sender-side caps ({@link dev.meshwire.signaling.grants.Grants#senderHasCap}) a service connection gets from
     * its scopes: {@code dm:write} → {@code dm}, {@code topic:write} → {@code broadcast}, {@code rpc:invoke} → {@code rpc}, {@code stream:write} → {@code stream}.
     * Read scopes grant no sending (they gate what is pushed to the service). Never null: a service without a write
     * scope may send nothing.
     */
    public static java.util.Set<String> senderCaps(java.util.Collection<String> scopes) {
        java.util.Set<String> caps = new TreeSet<>();
        if (scopes.contains(DM_WRITE)) caps.add(dev.meshwire.signaling.grants.Caps.DM);
        if (scopes.contains(TOPIC_WRITE)) caps.add(dev.meshwire.signaling.grants.Caps.BROADCAST);
        if (scopes.contains(RPC_INVOKE)) caps.add(dev.meshwire.signaling.grants.Caps.RPC);
        if (scopes.contains(STREAM_WRITE)) caps.add(dev.meshwire.signaling.grants.Caps.STREAM);
        return java.util.Collections.unmodifiableSet(caps);
    }

    /**
     * The scope a service key needs to be <em>sent</em> an envelope on {@code channel} (docs/protocol.md §6.4,
     * "Read scopes"): {@code dm:read} for the 1:1 channels ({@code dm}, {@code stream}, {@code system}),
     * {@code topic:read} for the fan-out channels ({@code group}, {@code topic}; a {@code *} broadcast travels
     * as {@code group}), {@code rpc:serve} for {@code rpc}. The one owner of this mapping: the coordinator's relay
     * and queue and the daemons' fan-out and inbound checks all ask here.
     */
    public static String readScopeFor(dev.meshwire.signaling.envelope.Channel channel) {
        return switch (channel) {
            case DM, STREAM, SYSTEM -> DM_READ;
            case GROUP, TOPIC -> TOPIC_READ;
            case RPC -> RPC_SERVE;
        };
    }

    /** Whether a service with {@code scopes} may be sent an envelope on {@code channel} ({@link #readScopeFor}). */
    public static boolean mayReceive(java.util.Collection<String> scopes, dev.meshwire.signaling.envelope.Channel channel) {
        return scopes != null && scopes.contains(readScopeFor(channel));
    }

    /** Strict wire form (sorted, unique, each {@code [a-z]+:[a-z]+}, unknown ones kept for newer clients); null when malformed. */
    public static SortedSet<String> fromCsv(String csv) {
        if (csv == null || csv.isEmpty()) return null;
        SortedSet<String> out = new TreeSet<>();
        for (String s : csv.split(",", -1)) {
            if (!s.matches("[a-z]{1,16}:[a-z]{1,16}")) return null;
            out.add(s);
        }
        return String.join(",", out).equals(csv) ? out : null;
    }
}
