package dev.meshwire.signaling.meshstate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.envelope.CanonicalJson;

/**
 * One mutation of a mesh's state: version {@code n} follows {@code n-1} and carries the hash of
 * {@code n-1} in {@code prev}, so the history is a hash chain that a replica can check link by link.
 * The mesh authority signs {@link Canonical#meshEvent} with Ed25519.
 *
 * @param mesh      the mesh id
 * @param version   1 for the genesis event ({@code mesh_created}), then +1 per event
 * @param prev      hash of the previous event; {@link #ZERO_HASH} for version 1
 * @param kind      an {@link EventKind}
 * @param at        when the coordinator committed it (epoch ms)
 * @param actor     the member key that caused it, or {@link #COORDINATOR}
 * @param data      kind-specific fields (see {@link EventPayload}); signed as RFC 8785 canonical JSON
 * @param signature the authority's signature (128 hex)
 */
public record MeshEvent(String mesh, long version, String prev, String kind, long at, String actor, JsonNode data,
                        String signature) {
    /** {@code prev} of the genesis event: 64 zeros. */
    public static final String ZERO_HASH = "0".repeat(64);
    /** {@code actor} of events the coordinator made on its own (e.g. the genesis event). */
    public static final String COORDINATOR = "coordinator";

    /** Builds and signs the event that follows {@code head}. */
    public static MeshEvent seal(Identity authority, String mesh, StateRef head, long at, String actor, EventPayload payload) {
        JsonNode data = EventPayload.toData(payload);
        long version = head.version() + 1;
        String canonical = Canonical.meshEvent(mesh, version, head.head(), payload.kind(), at, actor, CanonicalJson.write(data));
        return new MeshEvent(mesh, version, head.head(), payload.kind(), at, actor, data, authority.signHex(canonical));
    }

    /** The exact string the signature covers. @throws MeshStateException MALFORMED if a field is missing */
    public String canonical() {
        if (mesh == null || prev == null || kind == null || actor == null || data == null) {
            throw new MeshStateException(MeshStateException.Reason.MALFORMED, "mesh event v" + version + " lacks a required field");
        }
        if (mesh.indexOf('|') >= 0 || prev.indexOf('|') >= 0 || kind.indexOf('|') >= 0 || actor.indexOf('|') >= 0) {
            throw new MeshStateException(MeshStateException.Reason.MALFORMED, "mesh event v" + version + " has '|' in a field");
        }
        String json;
        try {
            json = CanonicalJson.write(data);
        } catch (IllegalArgumentException e) {
            throw new MeshStateException(MeshStateException.Reason.MALFORMED, "mesh event v" + version + ": " + e.getMessage());
        }
        return Canonical.meshEvent(mesh, version, prev, kind, at, actor, json);
    }

    /** Lowercase hex SHA-256 of {@link #canonical()}: what the next event's {@code prev} names. */
    @JsonIgnore
    public String hash() {
        return Canonical.sha256Hex(canonical());
    }

    /** This event as a point in the history. */
    @JsonIgnore
    public StateRef ref() {
        return new StateRef(version, hash());
    }

    public boolean signedBy(String authorityKey) {
        return Signatures.verify(authorityKey, canonical(), signature);
    }

    /** The typed data. @throws MeshStateException MALFORMED */
    @JsonIgnore
    public EventPayload payload() {
        return EventPayload.parse(kind, data);
    }
}
