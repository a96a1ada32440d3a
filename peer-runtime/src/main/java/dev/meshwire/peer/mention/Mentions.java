package dev.meshwire.peer.mention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.frame.Frames;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code @name} mentions and replies (docs/protocol.md §12.6). On the wire {@code meta.mentions} holds the public keys
 * of the mentioned members: keys stay right across renames and are never ambiguous; a receiver shows names from its own
 * roster. The sender's daemon finds the mentions in the text: a word {@code @name} (not preceded by a letter, digit,
 * {@code .}, {@code _}, {@code -} or {@code @}, so e-mail addresses are not mentions) whose name is an active member's
 * display name — exactly, else in any case when only one member matches. Trailing {@code .}, {@code _} and {@code -}
 * are punctuation when the longer word names nobody ({@code "thanks @bob."}). Words naming nobody stay plain text.
 * Names come from {@link MeshRoster}, the one owner of names.
 */
public final class Mentions {
    /** At most this many mentions per message (sent and received). */
    public static final int MAX_MENTIONS = 32;
    /** At most this many characters per mention (a 64-hex key, or a name another client sent). */
    public static final int MAX_MENTION_CHARS = 128;
    /** The longest {@code meta.replyToId} (a clientMessageId, docs/delivery.md). */
    public static final int MAX_REPLY_TO_CHARS = 128;
    private static final Pattern WORD = Pattern.compile("(?<![A-Za-z0-9._@-])@([A-Za-z0-9][A-Za-z0-9._-]{0,31})");

    private Mentions() {}

    /** The keys of the active members {@code text} mentions, in order of first mention, without repeats. */
    public static List<String> fromText(String text, MeshRoster roster) {
        if (text == null || text.indexOf('@') < 0 || !roster.known()) return List.of();
        List<Frames.PeerInfo> members = roster.active();
        Set<String> keys = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text);
        while (m.find() && keys.size() < MAX_MENTIONS) {
            String word = m.group(1);
            String key = member(word, members);
            while (key == null && word.length() > 1 && ".-_".indexOf(word.charAt(word.length() - 1)) >= 0) {
                word = word.substring(0, word.length() - 1);
                key = member(word, members);
            }
            if (key != null) keys.add(key);
        }
        return List.copyOf(keys);
    }

    /** The key of the one active member called {@code name} (exact, else any case when unique), or null. */
    private static String member(String name, List<Frames.PeerInfo> members) {
        for (Frames.PeerInfo p : members) if (name.equals(p.name())) return p.pubkey();
        String found = null;
        for (Frames.PeerInfo p : members) {
            if (p.name() != null && p.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                if (found != null) return null; // two members differ only in case: name them exactly
                found = p.pubkey();
            }
        }
        return found;
    }

    /**
     * The meta to seal: {@code meta} unchanged when it already has {@code mentions} (the caller chose them) or the text
     * mentions nobody; else a copy with {@code mentions} = the keys {@link #fromText} finds.
     */
    public static JsonNode withTextMentions(JsonNode meta, String text, MeshRoster roster) {
        if (meta != null && meta.has("mentions")) return meta;
        List<String> keys = fromText(text, roster);
        if (keys.isEmpty()) return meta;
        ObjectNode out = meta == null ? Json.MAPPER.createObjectNode() : ((ObjectNode) meta).deepCopy();
        ArrayNode arr = out.putArray("mentions");
        keys.forEach(arr::add);
        return out;
    }

    /**
     * Whether {@code mentions} name the recipient: its key (any case), or its display name (any case, with or without
     * a leading {@code @}) as another client may send names.
     */
    public static boolean mentionsMe(List<String> mentions, String selfKey, String selfName) {
        if (mentions == null) return false;
        for (String m : mentions) {
            if (m == null) continue;
            String t = m.startsWith("@") ? m.substring(1) : m;
            if (t.equalsIgnoreCase(selfKey) || (selfName != null && t.equalsIgnoreCase(selfName))) return true;
        }
        return false;
    }

    /** Why a received envelope's reply and mention fields cannot be stored, or null when they can. */
    public static String problem(Meta meta) {
        if (meta == null) return null;
        if (meta.replyToId() != null && (meta.replyToId().isEmpty() || meta.replyToId().length() > MAX_REPLY_TO_CHARS)) {
            return "meta.replyToId must be 1.." + MAX_REPLY_TO_CHARS + " characters";
        }
        List<String> ms = meta.mentions();
        if (ms == null) return null;
        if (ms.size() > MAX_MENTIONS) return "meta.mentions has " + ms.size() + " entries (at most " + MAX_MENTIONS + ")";
        for (String m : ms) {
            if (m == null || m.isEmpty() || m.length() > MAX_MENTION_CHARS) {
                return "meta.mentions entries must be 1.." + MAX_MENTION_CHARS + " characters";
            }
        }
        return null;
    }
}
