package dev.meshwire.signaling.grants;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The pure decision of the seed's session-capabilities spec: a message needing {@code cap} may go from a
 * sender to a recipient when <b>the sender has the capability AND the recipient grants it</b>:
 * <pre>allowed = senderHasCap(senderCaps, cap) &amp;&amp; recipientGrants(sender)[cap]</pre>
 * The same function runs on the coordinator (relay and queue) and in every daemon (direct channels).
 */
public final class Grants {
    private Grants() {}

    /** The wildcard sender of a grant: applies to every sender without a grant of its own. */
    public static final String ANY = "*";

    /**
     * The sender side: {@code senderCaps} null is a member (or a session without a declared subset): the full
     * member set, always true; an empty collection is explicitly no caps; otherwise exact membership.
     */
    public static boolean senderHasCap(Collection<String> senderCaps, String cap) {
        if (senderCaps == null) return true;
        return senderCaps.contains(cap);
    }

    /**
     * The recipient side: the caps {@code recipientGrants} (sender key or {@link #ANY} → caps; null or empty
     * map = no grants set) give {@code sender}: its own entry, else the {@code *} entry, else null (no
     * grant set: the full member set).
     */
    public static Set<String> granted(Map<String, ? extends Set<String>> recipientGrants, String sender) {
        if (recipientGrants == null || recipientGrants.isEmpty()) return null;
        Set<String> own = recipientGrants.get(sender);
        return own != null ? own : recipientGrants.get(ANY);
    }

    /** True when the recipient's grants let {@code sender} use {@code cap} (no grant set → true). */
    public static boolean recipientGrants(Map<String, ? extends Set<String>> recipientGrants, String sender, String cap) {
        Set<String> g = granted(recipientGrants, sender);
        return g == null || g.contains(cap);
    }

    /** The intersection: the sender has {@code cap} and the recipient grants it to the sender. */
    public static boolean allowed(Collection<String> senderCaps, Map<String, ? extends Set<String>> recipientGrants, String sender, String cap) {
        return senderHasCap(senderCaps, cap) && recipientGrants(recipientGrants, sender, cap);
    }
}
