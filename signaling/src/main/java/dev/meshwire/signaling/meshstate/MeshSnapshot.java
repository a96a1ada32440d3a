package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.BAD_SIGNATURE;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.MALFORMED;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.UNKNOWN_AUTHORITY;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.WRONG_HEAD;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.WRONG_MESH;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.envelope.CanonicalJson;
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
 */
public record MeshSnapshot(String mesh, String name, long version, String head, String authority, long at,
                           List<MemberEntry> members, MeshEvent headEvent, List<MeshEvent> rotations, String signature) {

    /** Signs {@code state} as of {@code headEvent}. */
    public static MeshSnapshot seal(Identity authority, MeshState state, MeshEvent headEvent, List<MeshEvent> rotations, long at) {
        List<MemberEntry> members = state.entries().stream().sorted(Comparator.comparing(MemberEntry::pubkey)).toList();
        String canonical = Canonical.meshSnapshot(state.mesh(), state.version(), state.head().head(), state.authority(), at,
                bodyHash(state.name(), members));
        return new MeshSnapshot(state.mesh(), state.name(), state.version(), state.head().head(), state.authority(), at,
                members, headEvent, List.copyOf(rotations), authority.signHex(canonical));
    }

    /** SHA-256 hex of RFC 8785 canonical JSON of {@code {"name":…, "members":[…]}} (members sorted by pubkey). */
    static String bodyHash(String name, List<MemberEntry> members) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", name);
        ArrayNode arr = body.putArray("members");
        members.stream().sorted(Comparator.comparing(MemberEntry::pubkey)).forEach(m -> arr.add(Json.MAPPER.valueToTree(m)));
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
        return Canonical.meshSnapshot(mesh, version, head, authority, at, bodyHash(name, members == null ? List.of() : members));
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
        return new MeshState(mesh, name, authority, new StateRef(version, head), keys);
    }
}
