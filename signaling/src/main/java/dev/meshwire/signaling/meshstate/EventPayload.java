package dev.meshwire.signaling.meshstate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.Names;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.grants.Caps;
import dev.meshwire.signaling.grants.Grants;
import dev.meshwire.signaling.group.GroupName;
import dev.meshwire.signaling.service.ServiceAttestation;

/**
 * The typed {@code data} of a mesh event, one record per kind. On the wire {@code data} is a JSON
 * object; an event of a kind this version does not know is still verified and chained, and applies
 * as {@link Unknown} (no change), so newer coordinators can add kinds.
 */
public sealed interface EventPayload {
    String kind();

    /** The member key this event is about, or null. */
    default String subject() {
        return null;
    }

    /** The genesis event (version 1): the mesh, its owner and the authority key that signs its history. */
    record MeshCreated(String name, String owner, String authority) implements EventPayload {
        public String kind() { return EventKind.MESH_CREATED; }
    }

    /** A key became a member ({@code role} owner, admin or member); {@code expiresAt} is optional (epoch ms). */
    record MemberJoined(String pubkey, String name, String role, Long expiresAt) implements EventPayload {
        public String kind() { return EventKind.MEMBER_JOINED; }
        public String subject() { return pubkey; }
    }

    /** The member left by itself: its membership is gone and its name is free again. */
    record MemberLeft(String pubkey) implements EventPayload {
        public String kind() { return EventKind.MEMBER_LEFT; }
        public String subject() { return pubkey; }
    }

    record MemberRenamed(String pubkey, String name) implements EventPayload {
        public String kind() { return EventKind.MEMBER_RENAMED; }
        public String subject() { return pubkey; }
    }

    /** Audit only: the member's connection was closed with 4001; its membership is unchanged. */
    record MemberKicked(String pubkey, String reason) implements EventPayload {
        public String kind() { return EventKind.MEMBER_KICKED; }
        public String subject() { return pubkey; }
    }

    /** The key is refused everywhere until unbanned. It need not be a member ({@code name} may be null). */
    record MemberBanned(String pubkey, String name, String reason) implements EventPayload {
        public String kind() { return EventKind.MEMBER_BANNED; }
        public String subject() { return pubkey; }
    }

    record MemberUnbanned(String pubkey) implements EventPayload {
        public String kind() { return EventKind.MEMBER_UNBANNED; }
        public String subject() { return pubkey; }
    }

    /** Emergency removal: the key is refused everywhere, for good. */
    record MemberRevoked(String pubkey, String reason) implements EventPayload {
        public String kind() { return EventKind.MEMBER_REVOKED; }
        public String subject() { return pubkey; }
    }

    record RoleChanged(String pubkey, String role) implements EventPayload {
        public String kind() { return EventKind.ROLE_CHANGED; }
        public String subject() { return pubkey; }
    }

    /** The membership ends silently at {@code expiresAt} (epoch ms); null clears an expiry. */
    record ExpirySet(String pubkey, Long expiresAt) implements EventPayload {
        public String kind() { return EventKind.EXPIRY_SET; }
        public String subject() { return pubkey; }
    }

    /** From this event on, events are signed by {@code next}. Signed by {@code previous}, the key it replaces. */
    record AuthorityRotated(String previous, String next) implements EventPayload {
        public String kind() { return EventKind.AUTHORITY_ROTATED; }
    }

    /**
     * The recipient member's grant for {@code sender} (a key, or {@code *} for every sender without its own
     * entry): {@code caps} is the wire CSV of {@link Caps} ("" = blocked), or null to remove the entry (back to
     * the default, the full member set). Must be the recipient's own act: {@code actor} = {@code recipient}.
     */
    record GrantSet(String recipient, String sender, String caps) implements EventPayload {
        public String kind() { return EventKind.GRANT_SET; }
        public String subject() { return Grants.ANY.equals(sender) ? null : sender; }
    }

    /**
     * A service attestation ({@link ServiceAttestation}, without {@code mesh}: it is the event's mesh), signed
     * by {@code owner}, who must be the event's actor. Replicas verify the signature.
     */
    record ServiceRegistered(String serviceId, String servicePubkey, String owner, String type, String scopes, long expiresAt,
                             String transport, String delegate, String signature) implements EventPayload {
        public String kind() { return EventKind.SERVICE_REGISTERED; }
        public String subject() { return servicePubkey; }

        public static ServiceRegistered of(ServiceAttestation a) {
            return new ServiceRegistered(a.serviceId(), a.servicePubkey(), a.owner(), a.type(), a.scopes(), a.expiresAt(), a.transport(),
                    a.delegate(), a.signature());
        }

        /** The attestation this event carries, in {@code mesh}. */
        public ServiceAttestation attestation(String mesh) {
            return new ServiceAttestation(mesh, owner, serviceId, servicePubkey, type, scopes, expiresAt, transport, delegate, signature);
        }
    }

    /** A group {@code @name} is created, with no members; the actor is its creator (docs/protocol.md §12.1). */
    record GroupCreated(String name) implements EventPayload {
        public String kind() { return EventKind.GROUP_CREATED; }
    }

    /**
     * {@code pubkey} is in group {@code group} with {@code role} (added, or its role changed), or leaves the group when
     * {@code role} is null. Who may do it: docs/protocol.md §12.1 ({@link GroupRules}).
     */
    record GroupMemberSet(String group, String pubkey, String role) implements EventPayload {
        public String kind() { return EventKind.GROUP_MEMBER_SET; }
        public String subject() { return pubkey; }
    }

    /** The group {@code name} is deleted (its members are simply no longer in it). */
    record GroupDeleted(String name) implements EventPayload {
        public String kind() { return EventKind.GROUP_DELETED; }
    }

    // ---- topics (docs/protocol.md §12.2) ----

    /** {@code actor} created {@code topic} with the key of {@code keyCheck} (epoch 1), sealed for itself ({@code seal.sealer} = actor). */
    record TopicCreated(String topic, String keyCheck, TopicSeal seal) implements EventPayload {
        public String kind() { return EventKind.TOPIC_CREATED; }
    }

    /** {@code pubkey} (= actor) joined {@code topic}; it waits for a seal. */
    record TopicJoined(String topic, String pubkey) implements EventPayload {
        public String kind() { return EventKind.TOPIC_JOINED; }
        public String subject() { return pubkey; }
    }

    /** {@code pubkey} left {@code topic} (actor: itself, the mesh owner or an admin); the topic needs a re-key. */
    record TopicLeft(String topic, String pubkey) implements EventPayload {
        public String kind() { return EventKind.TOPIC_LEFT; }
        public String subject() { return pubkey; }
    }

    /** The actor ({@code seal.sealer}), holding the key of {@code epoch}, sealed it for the waiting member {@code pubkey}. */
    record TopicKeySealed(String topic, long epoch, String pubkey, TopicSeal seal) implements EventPayload {
        public String kind() { return EventKind.TOPIC_KEY_SEALED; }
        public String subject() { return pubkey; }
    }

    /** The actor replaced the key of {@code topic}: {@code epoch} = current + 1, one seal per member it covers, all by the actor. */
    record TopicKeyRotated(String topic, long epoch, String keyCheck, java.util.List<TopicEntry.Member> seals) implements EventPayload {
        public String kind() { return EventKind.TOPIC_KEY_ROTATED; }
    }

    /** A kind this version does not know: verified and chained, applied as no change. */
    record Unknown(String kind) implements EventPayload {}

    /** The wire form of {@code data}. */
    static JsonNode toData(EventPayload p) {
        if (p instanceof Unknown) throw new IllegalArgumentException("an unknown payload cannot be written");
        return Json.MAPPER.valueToTree(p);
    }

    /**
     * Reads and validates {@code data} for {@code kind}.
     *
     * @throws MeshStateException MALFORMED with the field that is wrong
     */
    static EventPayload parse(String kind, JsonNode data) {
        if (kind == null) throw new MeshStateException(MeshStateException.Reason.MALFORMED, "event has no kind");
        if (data == null || !data.isObject()) throw malformed(kind, "data must be a JSON object");
        Class<? extends EventPayload> type = switch (kind) {
            case EventKind.MESH_CREATED -> MeshCreated.class;
            case EventKind.MEMBER_JOINED -> MemberJoined.class;
            case EventKind.MEMBER_LEFT -> MemberLeft.class;
            case EventKind.MEMBER_RENAMED -> MemberRenamed.class;
            case EventKind.MEMBER_KICKED -> MemberKicked.class;
            case EventKind.MEMBER_BANNED -> MemberBanned.class;
            case EventKind.MEMBER_UNBANNED -> MemberUnbanned.class;
            case EventKind.MEMBER_REVOKED -> MemberRevoked.class;
            case EventKind.ROLE_CHANGED -> RoleChanged.class;
            case EventKind.EXPIRY_SET -> ExpirySet.class;
            case EventKind.AUTHORITY_ROTATED -> AuthorityRotated.class;
            case EventKind.GRANT_SET -> GrantSet.class;
            case EventKind.SERVICE_REGISTERED -> ServiceRegistered.class;
            case EventKind.GROUP_CREATED -> GroupCreated.class;
            case EventKind.GROUP_MEMBER_SET -> GroupMemberSet.class;
            case EventKind.GROUP_DELETED -> GroupDeleted.class;
            case EventKind.TOPIC_CREATED -> TopicCreated.class;
            case EventKind.TOPIC_JOINED -> TopicJoined.class;
            case EventKind.TOPIC_LEFT -> TopicLeft.class;
            case EventKind.TOPIC_KEY_SEALED -> TopicKeySealed.class;
            case EventKind.TOPIC_KEY_ROTATED -> TopicKeyRotated.class;
            default -> null;
        };
        if (type == null) return new Unknown(kind);
        EventPayload p;
        try {
            p = Json.MAPPER.treeToValue(data, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw malformed(kind, "data has fields of the wrong type");
        }
        validate(p);
        return p;
    }

    private static void validate(EventPayload p) {
        String kind = p.kind();
        if (p instanceof MeshCreated m) {
            if (Names.checkMeshName(m.name()) != null) throw malformed(kind, "name is not a valid mesh name");
            key(kind, "owner", m.owner());
            key(kind, "authority", m.authority());
        } else if (p instanceof MemberJoined m) {
            key(kind, "pubkey", m.pubkey());
            name(kind, m.name());
            role(kind, m.role());
        } else if (p instanceof MemberRenamed m) {
            key(kind, "pubkey", m.pubkey());
            name(kind, m.name());
        } else if (p instanceof MemberBanned m) {
            key(kind, "pubkey", m.pubkey());
            if (m.name() != null) name(kind, m.name());
        } else if (p instanceof RoleChanged m) {
            key(kind, "pubkey", m.pubkey());
            role(kind, m.role());
        } else if (p instanceof AuthorityRotated m) {
            key(kind, "previous", m.previous());
            key(kind, "next", m.next());
        } else if (p instanceof GrantSet g) {
            key(kind, "recipient", g.recipient());
            if (!Grants.ANY.equals(g.sender())) key(kind, "sender", g.sender());
            if (g.recipient().equals(g.sender())) throw malformed(kind, "a member cannot grant itself");
            if (g.caps() != null && Caps.fromCsv(g.caps()) == null) {
                throw malformed(kind, "caps must be a sorted, comma-separated list of capabilities without duplicates (\"\" = none)");
            }
        } else if (p instanceof ServiceRegistered r) {
            String problem = r.attestation("mesh").problem();
            if (problem != null) throw malformed(kind, problem);
        } else if (p instanceof GroupCreated g) {
            groupName(kind, "name", g.name());
        } else if (p instanceof GroupMemberSet g) {
            groupName(kind, "group", g.group());
            key(kind, "pubkey", g.pubkey());
            if (g.role() != null && GroupName.roleProblem(g.role()) != null) throw malformed(kind, "role: " + GroupName.roleProblem(g.role()));
        } else if (p instanceof GroupDeleted g) {
            groupName(kind, "name", g.name());
        } else if (p instanceof TopicCreated || p instanceof TopicJoined || p instanceof TopicLeft || p instanceof TopicKeySealed
                || p instanceof TopicKeyRotated) {
            TopicPayloads.validate(p);
        } else if (!(p instanceof Unknown)) {
            key(kind, "pubkey", p.subject());
        }
    }

    static void key(String kind, String field, String value) {
        if (!Hex.isHex(value, PublicKey.HEX_CHARS)) throw malformed(kind, field + " must be 64 lowercase hex characters");
    }

    private static void groupName(String kind, String field, String value) {
        String problem = GroupName.problem(value);
        if (problem != null) throw malformed(kind, field + ": " + problem);
    }

    private static void name(String kind, String value) {
        String problem = Names.checkDisplayName(value);
        if (problem != null) throw malformed(kind, "name: " + problem);
    }

    private static void role(String kind, String value) {
        if (value == null || !MemberEntry.ROLES.contains(value)) throw malformed(kind, "role must be one of " + MemberEntry.ROLES);
    }

    static MeshStateException malformed(String kind, String why) {
        return new MeshStateException(MeshStateException.Reason.MALFORMED, kind + ": " + why);
    }
}
