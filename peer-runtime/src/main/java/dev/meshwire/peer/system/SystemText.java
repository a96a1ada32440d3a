package dev.meshwire.peer.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.MeshStateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one-line human description of a verified mesh-state event, as a system entry shows it ({@code bob joined},
 * {@code carol was revoked by alice: lost laptop}). Names come from the state before the event (who left or was
 * kicked is gone after it), else the state after it, else the key's first 12 hex digits. A kind this build has no
 * sentence for — another track's new event, or a kind this version does not know at all — is described generically
 * by its kind, subject and the plain fields of its data, so new kinds show without changes here.
 */
public final class SystemText {
    /** Fields of an unknown kind's data shown generically, in this order, when they are strings. */
    private static final List<String> GENERIC_FIELDS = List.of("group", "topic", "name", "role", "reason");

    private SystemText() {}

    /** {@code lk:alice joined the room via alice/livekit} (docs/protocol.md §6.5). */
    public static String subpeerJoined(String subpeer, String serviceName) {
        return clip(subpeer) + " joined the room via " + serviceName;
    }

    /**
     * {@code lk:alice left the room via alice/livekit}; when the service itself went away ({@code why}: its
     * {@code peer_left} reason), {@code lk:alice is offline: alice/livekit disconnected}.
     */
    public static String subpeerLeft(String subpeer, String serviceName, String why) {
        return why == null ? clip(subpeer) + " left the room via " + serviceName
                : clip(subpeer) + " is offline: " + serviceName + " " + why;
    }

    /** Describes {@code e}, which moved {@code before} to {@code after}. */
    public static String describe(MeshEvent e, MeshState before, MeshState after) {
        Names n = new Names(before, after);
        EventPayload p;
        try {
            p = e.payload();
        } catch (MeshStateException x) {
            return generic(e, null, n); // verified events parse; this is only a fallback
        }
        String by = MeshEvent.COORDINATOR.equals(e.actor()) ? "" : " by " + n.of(e.actor());
        if (p instanceof EventPayload.MeshCreated m) return "mesh " + m.name() + " was created by " + n.of(m.owner());
        if (p instanceof EventPayload.MemberJoined m) {
            return (m.name() != null ? m.name() : n.of(m.pubkey())) + " joined" + (MemberEntry.MEMBER.equals(m.role()) ? "" : " as " + m.role());
        }
        if (p instanceof EventPayload.MemberRenamed m) return n.before(m.pubkey()) + " is now called " + m.name();
        if (p instanceof EventPayload.MemberKicked m) return n.of(m.pubkey()) + " was kicked" + by + reason(m.reason());
        if (p instanceof EventPayload.MemberUnbanned m) return n.of(m.pubkey()) + " was unbanned" + by;
        if (p instanceof EventPayload.RoleChanged m) return n.of(m.pubkey()) + " is now " + m.role() + by;
        if (p instanceof EventPayload.ExpirySet m) {
            return m.expiresAt() == null ? n.of(m.pubkey()) + "'s membership no longer expires" + by
                    : n.of(m.pubkey()) + "'s membership expires at " + Instant.ofEpochMilli(m.expiresAt()) + by;
        }
        if (p instanceof EventPayload.AuthorityRotated m) {
            return "the mesh authority key changed from " + Names.shortKey(m.previous()) + " to " + Names.shortKey(m.next());
        }
        if (p instanceof EventPayload.GrantSet g) {
            String sender = g.subject() == null ? "everyone else" : n.of(g.sender());
            String who = n.of(g.recipient());
            if (g.caps() == null) return who + " reset what " + sender + " may send them";
            if (g.caps().isEmpty()) return who + " blocked " + sender;
            return who + " lets " + sender + " send: " + g.caps();
        }
        if (p instanceof EventPayload.ServiceRegistered r) {
            return n.of(r.owner()) + " registered service " + r.serviceId() + " (" + r.type() + ", scopes " + r.scopes() + ")";
        }
        String channel = channelEvent(p, n, by, after);
        if (channel != null) return channel;
        // A member who left, was banned or revoked also left its topics: say which now need a new key.
        if (p instanceof EventPayload.MemberLeft || p instanceof EventPayload.MemberBanned || p instanceof EventPayload.MemberRevoked) {
            return rekeys(describeMember(p, n, by, before), before, after);
        }
        return generic(e, p, n);
    }

    /** Groups and topics (docs/protocol.md §12.1, §12.2), or null for another kind. */
    private static String channelEvent(EventPayload p, Names n, String by, MeshState after) {
        if (p instanceof EventPayload.GroupCreated g) return "group @" + g.name() + " was created" + by;
        if (p instanceof EventPayload.GroupDeleted g) return "group @" + g.name() + " was deleted" + by;
        if (p instanceof EventPayload.GroupMemberSet g) {
            return g.role() == null ? n.of(g.pubkey()) + " is no longer in @" + g.group() + by
                    : n.of(g.pubkey()) + " is in @" + g.group() + " as " + g.role() + by;
        }
        if (p instanceof EventPayload.TopicCreated t) return "topic #" + t.topic() + " was created" + by;
        if (p instanceof EventPayload.TopicJoined t) return n.of(t.pubkey()) + " joined #" + t.topic() + " (waiting for the key)";
        if (p instanceof EventPayload.TopicLeft t) {
            boolean rekey = after.channels().topic(t.topic()).map(x -> x.rekeyNeeded()).orElse(false);
            return n.of(t.pubkey()) + " left #" + t.topic() + (rekey ? "; re-key requested: the next key will not be sealed to them" : "");
        }
        if (p instanceof EventPayload.TopicKeySealed t) return n.of(t.pubkey()) + " got the key of #" + t.topic() + " (epoch " + t.epoch() + ")" + by;
        if (p instanceof EventPayload.TopicKeyRotated t) return "#" + t.topic() + " has a new key (epoch " + t.epoch() + ")" + by;
        return null;
    }

    private static String describeMember(EventPayload p, Names n, String by, MeshState before) {
        if (p instanceof EventPayload.MemberLeft m) return n.of(m.pubkey()) + " left";
        if (p instanceof EventPayload.MemberBanned m) return (m.name() != null ? m.name() : n.of(m.pubkey())) + " was banned" + by + reason(m.reason());
        EventPayload.MemberRevoked m = (EventPayload.MemberRevoked) p;
        return (before.service(m.pubkey()).isPresent() ? "service " : "") + n.of(m.pubkey()) + " was revoked" + by + reason(m.reason());
    }

    /** {@code line}, plus the topics that now wait for a re-key because of it. */
    private static String rekeys(String line, MeshState before, MeshState after) {
        List<String> topics = new ArrayList<>();
        after.channels().topics().forEach(t -> {
            boolean wasNeeded = before.channels().topic(t.name()).map(x -> x.rekeyNeeded()).orElse(false);
            if (t.rekeyNeeded() && !wasNeeded) topics.add("#" + t.name());
        });
        return topics.isEmpty() ? line : line + "; re-key requested for " + String.join(", ", topics);
    }

    /** {@code <kind> <subject> [field=value ...] [by <actor>]}. */
    static String generic(MeshEvent e, EventPayload p, Names n) {
        StringBuilder sb = new StringBuilder(e.kind() == null ? "event" : e.kind());
        String subject = p == null ? null : p.subject();
        JsonNode data = e.data();
        if (subject == null && data != null && data.path("pubkey").isTextual()) subject = data.path("pubkey").asText();
        if (subject != null) sb.append(' ').append(n.of(subject));
        List<String> extra = new ArrayList<>();
        if (data != null && data.isObject()) {
            for (String f : GENERIC_FIELDS) {
                JsonNode v = data.get(f);
                if (v != null && v.isTextual() && !v.asText().isEmpty()) extra.add(f + "=" + clip(v.asText()));
            }
        }
        if (!extra.isEmpty()) sb.append(' ').append(String.join(" ", extra));
        if (e.actor() != null && !MeshEvent.COORDINATOR.equals(e.actor())) sb.append(" by ").append(n.of(e.actor()));
        return sb.toString();
    }

    private static String reason(String why) {
        return why == null || why.isBlank() ? "" : ": " + why;
    }

    private static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    /** Names keys from the two states around an event. */
    static final class Names {
        private final MeshState before;
        private final MeshState after;

        Names(MeshState before, MeshState after) {
            this.before = before;
            this.after = after;
        }

        /** The key's name before the event, else after it, else its short form. */
        String of(String key) {
            if (key == null) return "?";
            return name(before, key).or(() -> name(after, key)).orElse(shortKey(key));
        }

        /** The key's name before the event (a rename's old name), else {@link #of}. */
        String before(String key) {
            return name(before, key).orElse(of(key));
        }

        private static Optional<String> name(MeshState s, String key) {
            if (s == null) return Optional.empty();
            Optional<String> member = s.entry(key).map(MemberEntry::name);
            if (member.isPresent()) return member;
            return s.service(key).map(v -> v.attestation().serviceId());
        }

        static String shortKey(String key) {
            return key.length() > 12 ? key.substring(0, 12) : key;
        }
    }
}
