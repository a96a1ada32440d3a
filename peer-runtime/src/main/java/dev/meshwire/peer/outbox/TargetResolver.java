package dev.meshwire.peer.outbox;

import dev.meshwire.peer.PeerException;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.frame.Frames;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns what a user typed into members of a roster (the daemon passes the active members of the verified
 * mesh state, online or not: see {@code MeshRoster}). Order: {@code *}; exact display name; full or
 * prefix (≥ {@value #MIN_PREFIX} hex chars) public key. Names win over prefixes because a name is
 * what people type; a name that happens to be hex still resolves to its owner.
 */
public final class TargetResolver {
    public static final int MIN_PREFIX = 8;

    private TargetResolver() {}

    /** Resolves a single member (for DMs, kick, ban). Does not check online state. */
    public static Frames.PeerInfo resolveOne(String to, Collection<Frames.PeerInfo> roster, String selfPubkey, boolean refuseSelf) {
        if (to == null || to.isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "no recipient given");
        String t = to.trim();
        if (t.equals("*")) throw new PeerException(PeerException.BAD_REQUEST, "'*' means every member; it cannot be used here");
        List<Frames.PeerInfo> byName = roster.stream().filter(p -> t.equals(p.name())).toList();
        if (byName.isEmpty()) {
            byName = roster.stream().filter(p -> p.name() != null && p.name().equalsIgnoreCase(t)).toList();
        }
        List<Frames.PeerInfo> matches = byName;
        if (matches.isEmpty()) {
            String lower = t.toLowerCase(Locale.ROOT);
            if (Hex.isHexPrefix(lower)) {
                if (lower.length() < MIN_PREFIX) {
                    throw new PeerException(PeerException.UNKNOWN_PEER, "no member named '" + t + "', and a public key prefix needs at least "
                            + MIN_PREFIX + " hex characters; members: " + memberNames(roster, selfPubkey), memberNameList(roster, selfPubkey));
                }
                matches = roster.stream().filter(p -> p.pubkey().startsWith(lower)).toList();
            }
        }
        if (matches.isEmpty()) {
            throw new PeerException(PeerException.UNKNOWN_PEER,
                    "unknown peer '" + t + "'; members: " + memberNames(roster, selfPubkey), memberNameList(roster, selfPubkey));
        }
        if (matches.size() > 1) {
            List<String> cands = matches.stream().sorted(Comparator.comparing(Frames.PeerInfo::pubkey))
                    .map(p -> p.name() + " (" + p.pubkey().substring(0, 12) + ")").toList();
            throw new PeerException(PeerException.AMBIGUOUS_PEER,
                    "'" + t + "' matches " + matches.size() + " members: " + String.join(", ", cands)
                            + "; use a longer public key prefix", cands);
        }
        Frames.PeerInfo p = matches.get(0);
        if (refuseSelf && p.pubkey().equals(selfPubkey)) {
            throw new PeerException(PeerException.SELF_SEND, "refusing to send to yourself ('" + t + "' is you)");
        }
        return p;
    }

    /** The other members a user could have meant, online or not (offline members are addressable too). */
    static List<String> memberNameList(Collection<Frames.PeerInfo> roster, String selfPubkey) {
        return roster.stream().filter(p -> !p.pubkey().equals(selfPubkey))
                .map(Frames.PeerInfo::name).sorted().toList();
    }

    static String memberNames(Collection<Frames.PeerInfo> roster, String selfPubkey) {
        List<String> names = memberNameList(roster, selfPubkey);
        return names.isEmpty() ? "(nobody else)" : String.join(", ", names);
    }
}
