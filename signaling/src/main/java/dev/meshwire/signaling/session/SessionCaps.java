package dev.meshwire.signaling.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Session capabilities: the verbs a session may use (the seed's session-capabilities spec). On the wire and
 * in the canonical string a capability list is <b>canonical</b>: lower-case names of the form
 * {@code [a-z][a-z0-9-]{0,31}}, strictly ASCII-ascending (sorted, no duplicates), at most {@link #MAX_CAPS}.
 * A list that is not canonical is {@code malformed} — verifiers never re-sort, so what is signed is exactly what
 * is sent. Absent (null) means the full member set; an empty list means no capabilities at all.
 *
 * <p>Names the coordinator enforces today are {@link #KNOWN}; other well-formed names are accepted in an
 * attestation (forward compatibility) but the CLI refuses them, to catch typos.
 */
public final class SessionCaps {
    private SessionCaps() {}

    /** kick. */
    public static final String KICK = "kick";
    /** ban, unban, revoke. */
    public static final String BAN = "ban";
    /** set_grant (the parent's grants). */
    public static final String GRANT = "grant";
    /** service_register, service_revoke. */
    public static final String SERVICE_DEPLOY = "service-deploy";
    /** rename. */
    public static final String PROFILE_WRITE = "profile-write";

    /**
     * The seed's session capabilities (sorted), plus {@code rpc} and {@code stream}: a send needs the cap
     * {@code Caps.forChannel} names for its channel, on the session side as on the grants side. Not all are
     * enforced yet: docs/protocol.md lists which are.
     */
    public static final List<String> KNOWN = List.of("ban", "broadcast", "dm", "grant", "kick", "profile-write",
            "rpc", "service-deploy", "state-read", "state-write", "stream");

    public static final int MAX_CAPS = 32;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** Null when {@code caps} is null (absent) or canonical; else what is wrong with it. */
    public static String problem(List<String> caps) {
        if (caps == null) return null;
        if (caps.size() > MAX_CAPS) return "at most " + MAX_CAPS + " capabilities";
        String prev = null;
        for (String c : caps) {
            if (c == null || !NAME.matcher(c).matches()) {
                return "capability '" + clip(c) + "' must match [a-z][a-z0-9-]{0,31}";
            }
            if (prev != null && prev.compareTo(c) >= 0) {
                return "capabilities must be ASCII-sorted without duplicates ('" + prev + "' before '" + c + "')";
            }
            prev = c;
        }
        return null;
    }

    /**
     * The canonical list of a user's comma-separated input ({@code "DM, broadcast"} → {@code [broadcast, dm]}):
     * trimmed, lower-cased, sorted, duplicates removed; an empty input is the empty list (no capabilities).
     *
     * @throws IllegalArgumentException naming the first unknown or ill-formed name
     */
    public static List<String> parseKnown(String csv) {
        Set<String> out = new TreeSet<>();
        if (csv != null && !csv.isBlank()) {
            for (String raw : csv.split(",", -1)) {
                String c = raw.strip().toLowerCase(Locale.ROOT);
                if (c.isEmpty()) throw new IllegalArgumentException("empty capability in '" + clip(csv) + "'");
                if (!KNOWN.contains(c)) {
                    throw new IllegalArgumentException("unknown capability '" + clip(c) + "' (known: " + String.join(", ", KNOWN) + ")");
                }
                out.add(c);
            }
        }
        return List.copyOf(new ArrayList<>(out));
    }

    private static String clip(String s) {
        if (s == null) return "null";
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
