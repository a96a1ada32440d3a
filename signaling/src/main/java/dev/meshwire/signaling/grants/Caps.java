package dev.meshwire.signaling.grants;

import dev.meshwire.signaling.envelope.Channel;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The member-level capability vocabulary of grants (docs/protocol.md §6.3, "Grants"): what a recipient
 * lets a sender do to it. {@code dm}, {@code broadcast}, {@code rpc} and {@code stream} gate envelopes by
 * channel today; {@code read}, {@code state-read}, {@code state-write} and {@code file-read} are the seed's
 * other member-level caps, recorded and replicated for the features that will check them.
 *
 * <p>The wire form of a cap set is {@link #csv}: lowercase, sorted (ASCII), unique, comma-joined; the
 * empty string is the empty set (a block).
 */
public final class Caps {
    private Caps() {}

    public static final String DM = "dm";
    public static final String BROADCAST = "broadcast";
    public static final String RPC = "rpc";
    public static final String STREAM = "stream";
    public static final String READ = "read";
    public static final String STATE_READ = "state-read";
    public static final String STATE_WRITE = "state-write";
    public static final String FILE_READ = "file-read";

    /** Every cap, in the order help texts list them. */
    public static final List<String> ALL = List.of(DM, BROADCAST, RPC, STREAM, READ, STATE_READ, STATE_WRITE, FILE_READ);

    /** The full member set (what a sender may do to a recipient that set no grant for it). */
    public static final SortedSet<String> FULL = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(ALL));

    /** The cap an envelope of {@code channel} needs: dm (and system) → dm, group/topic → broadcast, rpc → rpc, stream → stream. */
    public static String forChannel(Channel channel) {
        return switch (channel) {
            case DM, SYSTEM -> DM;
            case GROUP, TOPIC -> BROADCAST;
            case RPC -> RPC;
            case STREAM -> STREAM;
        };
    }

    /**
     * Parses a user's list ({@code "dm, Broadcast"}): trimmed, lowercased, duplicates removed, sorted.
     *
     * @throws IllegalArgumentException naming the unknown cap and the vocabulary
     */
    public static SortedSet<String> parse(String list) {
        SortedSet<String> out = new TreeSet<>();
        if (list == null || list.isBlank()) return out;
        for (String part : list.split(",", -1)) {
            String c = part.trim().toLowerCase(Locale.ROOT);
            if (c.isEmpty()) throw new IllegalArgumentException("empty capability in '" + list + "'");
            if (!ALL.contains(c)) throw new IllegalArgumentException("unknown capability '" + c + "' (known: " + String.join(", ", ALL) + ")");
            out.add(c);
        }
        return out;
    }

    /** The wire form of {@code caps}: sorted, comma-joined; "" for none. */
    public static String csv(Set<String> caps) {
        return String.join(",", new TreeSet<>(caps));
    }

    /**
     * Reads the wire form strictly: it must be exactly {@link #csv} of its own elements (sorted, unique,
     * lowercase, no spaces), each a token of {@code [a-z][a-z-]*} (unknown caps are kept: a newer client
     * may grant caps this version does not know). Returns null when malformed.
     */
    public static SortedSet<String> fromCsv(String csv) {
        if (csv == null) return null;
        SortedSet<String> out = new TreeSet<>();
        if (csv.isEmpty()) return out;
        for (String c : csv.split(",", -1)) {
            if (!c.matches("[a-z][a-z-]{0,31}")) return null;
            out.add(c);
        }
        return csv(out).equals(csv) ? out : null;
    }
}
