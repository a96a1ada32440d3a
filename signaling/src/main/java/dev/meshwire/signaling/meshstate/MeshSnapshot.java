package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.BAD_SIGNATURE;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.MALFORMED;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.UNKNOWN_AUTHORITY;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.WRONG_HEAD;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.WRONG_MESH;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.envelope.CanonicalJson;
import dev.meshwire.signaling.grants.GrantEntry;
import dev.meshwire.signaling.service.ServiceEntry;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * A whole mesh state at one version, signed by the authority: what a replica installs when it is
 * too far behind, or on a history the coordinator does not have (a fork). It carries its head event,
 * so the head hash is checked rather than believed, and every authority rotation since genesis, so a
 * replica can follow key changes from the key it pinned.
 *
 * @param members   every key the state knows, sorted by pubkey
 * @param headEvent the event at {@code version}; its hash must be {@code head}
 * @param rotations the {@code authority_rotated} events of the history, oldest first
 * @param grants    every grant of the state (docs/protocol.md §6.3); absent on the wire when none
 * @param services  every recorded service (§6.4), each with its owner's attestation; absent when none
 * @param groups    every group (§12.1); absent when none
 * @param topics    every topic (§12.2); absent when none
 */
public record MeshSnapshot(String mesh, String name, long version, String head, String authority, long at,
                           List<MemberEntry> members, MeshEvent headEvent, List<MeshEvent> rotations, String signature,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<GrantEntry> grants,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ServiceEntry> services,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<GroupEntry> groups,
                           @JsonInclude(JsonInclude.Include.NON_EMPTY) List<TopicEntry> topics) {
    /** Absent grants, services, groups and topics (older coordinators, meshes without any) are empty lists. */
    @JsonCreator
    public MeshSnapshot {
        grants = grants == null ? List.of() : grants;
        services = services == null ? List.of() : services;
        groups = groups == null ? List.of() : groups;
        topics = topics == null ? List.of() : topics;
    }

    /** A snapshot without grants or services (the shape before issue #12). */
    public MeshSnapshot(String mesh, String name, long version, String head, String authority, long at,
                        List<MemberEntry> members, MeshEvent headEvent, List<MeshEvent> rotations, String signature) {
        this(mesh, name, version, head, authority, at, members, headEvent, rotations, signature, List.of(), List.of(), List.of(), List.of());
    }

    /** Signs {@code state} as of {@code headEvent}. */
    public static MeshSnapshot seal(Identity authority, MeshState state, MeshEvent headEvent, List<MeshEvent> rotations, long at) {
        List<MemberEntry> members = state.entries().stream().sorted(Comparator.comparing(MemberEntry::pubkey)).toList();
        List<GrantEntry> grants = state.grants();
        List<ServiceEntry> services = List.copyOf(state.services());
        List<GroupEntry> groups = List.copyOf(state.channels().groups());
        List<TopicEntry> topics = List.copyOf(state.channels().topics());
        String canonical = Canonical.meshSnapshot(state.mesh(), state.version(), state.head().head(), state.authority(), at,
                bodyHash(state.name(), members, grants, services, groups, topics));
        return new MeshSnapshot(state.mesh(), state.name(), state.version(), state.head().head(), state.authority(), at,
                members, headEvent, List.copyOf(rotations), authority.signHex(canonical), grants, services, groups, topics);
    }

    /**
     * SHA-256 hex of RFC 8785 canonical JSON of
     * {@code {"name":…, "members":[…], "grants":[…], "services":[…], "groups":[…], "topics":[…]}}: members sorted by
     * pubkey, grants by (recipient, sender), services by service key, groups and topics by name; each list but
     * {@code members} is left out when empty, so the body of a mesh without them is the one of version 1.
     */
    static String bodyHash(String name, List<MemberEntry> members) {
        return bodyHash(name, members, List.of(), List.of(), List.of(), List.of());
    }

    static String bodyHash(String name, List<MemberEntry> members, List<GrantEntry> grants, List<ServiceEntry> services,
                           List<GroupEntry> groups, List<TopicEntry> topics) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", name);
        ArrayNode arr = body.putArray("members");
        members.stream().sorted(Comparator.comparing(MemberEntry::pubkey)).forEach(m -> arr.add(Json.MAPPER.valueToTree(m)));
        if (!grants.isEmpty()) {
            ArrayNode g = body.putArray("grants");
            grants.stream().sorted(Comparator.comparing(GrantEntry::recipient).thenComparing(GrantEntry::sender))
                    .forEach(x -> g.add(Json.MAPPER.valueToTree(x)));
        }
        if (!services.isEmpty()) {
            ArrayNode sv = body.putArray("services");
            services.stream().sorted(Comparator.comparing((ServiceEntry x) -> x.attestation().servicePubkey()))
                    .forEach(x -> sv.add(Json.MAPPER.valueToTree(x)));
        }
        if (!groups.isEmpty()) {
            ArrayNode gr = body.putArray("groups");
            groups.stream().sorted(Comparator.comparing(GroupEntry::name)).forEach(x -> gr.add(Json.MAPPER.valueToTree(x)));
        }
        if (!topics.isEmpty()) {
            ArrayNode tp = body.putArray("topics");
            topics.stream().sorted(Comparator.comparing(TopicEntry::name)).forEach(x -> tp.add(Json.MAPPER.valueToTree(x)));
        }
        return Canonical.sha256Hex(CanonicalJson.write(body));
    }

    /**
     * The exact string the signature covers.
     *
     * @throws MeshStateException MALFORMED if a member is null or has no key (the body is sorted by key)
     */
    public String canonical() {
        for (MemberEntry m : members == null ? List.<MemberEntry>of() : members) {
            if (m == null || m.pubkey() == null) throw new MeshStateException(MALFORMED, "snapshot lists a member without a key");
        }
        for (GrantEntry g : grants) {
            if (g == null || g.recipient() == null || g.sender() == null) throw new MeshStateException(MALFORMED, "snapshot lists an incomplete grant");
        }
        for (ServiceEntry sv : services) {
            if (sv == null || sv.attestation() == null || sv.attestation().servicePubkey() == null) {
                throw new MeshStateException(MALFORMED, "snapshot lists an incomplete service");
            }
        }
        for (GroupEntry g : groups) if (g == null || g.name() == null) throw new MeshStateException(MALFORMED, "snapshot lists a group without a name");
        for (TopicEntry t : topics) if (t == null || t.name() == null) throw new MeshStateException(MALFORMED, "snapshot lists a topic without a name");
        return Canonical.meshSnapshot(mesh, version, head, authority, at,
                bodyHash(name, members == null ? List.of() : members, grants, services, groups, topics));
    }

    /**
     * Verifies this snapshot for a replica of {@code meshId} that pinned {@code pinnedAuthority} and
     * holds {@code local}, and returns the state it describes.
     *
     * @throws MeshStateException WRONG_MESH, UNKNOWN_AUTHORITY (a key change no rotation from the pinned
     *     key explains), BAD_SIGNATURE, WRONG_HEAD (head event does not hash to {@code head}, or the
     *     snapshot is older than {@code local}: installing it would roll a revocation back) or MALFORMED
     */
    public MeshState verify(String meshId, String pinnedAuthority, StateRef local) {
        if (mesh == null || head == null || authority == null || members == null || headEvent == null || signature == null) {
            throw new MeshStateException(MALFORMED, "snapshot lacks a required field");
        }
        if (!mesh.equals(meshId)) throw new MeshStateException(WRONG_MESH, "snapshot is for mesh " + mesh + ", not " + meshId);
        String key = pinnedAuthority;
        boolean following = false;
        for (MeshEvent r : rotations == null ? List.<MeshEvent>of() : rotations) {
            if (r == null) throw new MeshStateException(MALFORMED, "snapshot lists a null rotation");
            if (!mesh.equals(r.mesh()) || !(r.payload() instanceof EventPayload.AuthorityRotated rot)) {
                throw new MeshStateException(MALFORMED, "snapshot rotation v" + r.version() + " is not an authority rotation of this mesh");
            }
            // Rotations older than the pinned key (a replica that already followed them through events pins
            // the newer key) are skipped; from the first rotation away from the pinned key on, each must be
            // signed by the key it replaces.
            if (!following && !rot.previous().equals(key)) continue;
            following = true;
            if (!rot.previous().equals(key) || !r.signedBy(key)) {
                throw new MeshStateException(UNKNOWN_AUTHORITY, "snapshot rotation v" + r.version() + " is not signed by "
                        + MeshState.abbrev(key));
            }
            key = rot.next();
        }
        if (!key.equals(authority)) {
            throw new MeshStateException(UNKNOWN_AUTHORITY, "snapshot is signed by " + MeshState.abbrev(authority)
                    + " but no rotation from the pinned key " + MeshState.abbrev(pinnedAuthority) + " leads there");
        }
        if (!Signatures.verify(authority, canonical(), signature)) {
            throw new MeshStateException(BAD_SIGNATURE, "snapshot v" + version + " is not signed by the mesh authority");
        }
        if (!mesh.equals(headEvent.mesh()) || headEvent.version() != version || !headEvent.hash().equals(head)) {
            throw new MeshStateException(WRONG_HEAD, "snapshot v" + version + " names head " + MeshState.abbrev(head)
                    + " but its head event does not hash to it");
        }
        String headSigner = headEvent.payload() instanceof EventPayload.AuthorityRotated rot ? rot.previous() : authority;
        if (!headEvent.signedBy(headSigner)) {
            throw new MeshStateException(BAD_SIGNATURE, "snapshot head event v" + version + " is not signed by the mesh authority");
        }
        if (local != null && version < local.version()) {
            throw new MeshStateException(WRONG_HEAD, "snapshot v" + version + " is older than the replica (v" + local.version()
                    + "): refusing to roll back");
        }
        TreeMap<String, MemberEntry> keys = new TreeMap<>();
        for (MemberEntry m : members) {
            if (keys.put(m.pubkey(), m) != null) throw new MeshStateException(MALFORMED, "snapshot lists a member twice");
        }
        return MeshState.withExtras(new MeshState(mesh, name, authority, new StateRef(version, head), keys), grants, services, groups, topics);
    }
}
