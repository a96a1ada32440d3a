package dev.meshwire.signaling;

/**
 * Every string meshwire signs, defined once. Each is UTF-8, '|'-separated, starts with a
 * domain-separation prefix (so a signature for one purpose can never be replayed as another) and
 * holds only fields that cannot contain '|' (hex, base64, decimal, validated names).
 * Envelope signatures are in {@link dev.meshwire.signaling.envelope.EnvelopeSignature}.
 */
public final class Canonical {
    private Canonical() {}

    /** {@code meshwire-hello|v1|<meshId>|<pubkey>|<challengeNonce>} */
    public static String hello(String meshId, String pubkey, String nonce) {
        return "meshwire-hello|v1|" + meshId + '|' + pubkey + '|' + nonce;
    }

    /** {@code meshwire-join|v1|<inviteId>|<meshId>|<pubkey>|<name>|<challengeNonce>} */
    public static String join(String inviteId, String meshId, String pubkey, String name, String nonce) {
        return "meshwire-join|v1|" + inviteId + '|' + meshId + '|' + pubkey + '|' + name + '|' + nonce;
    }

    /** {@code meshwire-invite|v1|<meshId>|<inviteId>|<issuer>|<expiresAtMs>|<maxUses>} */
    public static String invite(String meshId, String inviteId, String issuer, long expiresAt, int maxUses) {
        return "meshwire-invite|v1|" + meshId + '|' + inviteId + '|' + issuer + '|' + expiresAt + '|' + maxUses;
    }

    /**
     * {@code meshwire-invite|v2|<meshId>|<inviteId>|<issuer>|<expiresAtMs>|<maxUses>|<authorityPubkey>}:
     * as v1, plus the mesh authority key the joining daemon pins.
     */
    public static String inviteV2(String meshId, String inviteId, String issuer, long expiresAt, int maxUses, String authority) {
        return "meshwire-invite|v2|" + meshId + '|' + inviteId + '|' + issuer + '|' + expiresAt + '|' + maxUses + '|' + authority;
    }

    /**
     * {@code meshwire-p2p-sdp|v1|<meshId>|<fromPubkey>|<toPubkey>|<sessionId>|<type>|<sha256 hex of the SDP>}:
     * binds the DTLS fingerprint inside the SDP to the sender's identity, so the coordinator cannot
     * substitute its own. {@code type} is lowercase {@code offer} or {@code answer}.
     */
    public static String p2pSdp(String meshId, String from, String to, String sessionId, String type, String sdp) {
        return "meshwire-p2p-sdp|v1|" + meshId + '|' + from + '|' + to + '|' + sessionId + '|' + type + '|' + sha256Hex(sdp);
    }

    /**
     * {@code meshwire-resume|v1|<meshId>|<pubkey>|<issuedAtMs>|<expiresAtMs>}: a presence resume token's signed
     * part, signed by the coordinator's resume key (see {@link dev.meshwire.signaling.presence.ResumeToken}).
     */
    public static String resume(String meshId, String pubkey, long issuedAt, long expiresAt) {
        return "meshwire-resume|v1|" + meshId + '|' + pubkey + '|' + issuedAt + '|' + expiresAt;
    }

    /** Lowercase hex SHA-256 of the UTF-8 bytes of {@code text}. */
    public static String sha256Hex(String text) {
        try {
            return dev.meshwire.signaling.crypto.Hex.encode(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** {@code meshwire-mesh-create|v1|<name>|<ownerPubkey>|<ownerName>|<createdAtMs>} */
    public static String meshCreate(String name, String ownerPubkey, String ownerName, long createdAt) {
        return "meshwire-mesh-create|v1|" + name + '|' + ownerPubkey + '|' + ownerName + '|' + createdAt;
    }

    /**
     * {@code meshwire-mesh-event|v1|<meshId>|<version>|<prevHash>|<kind>|<atMs>|<actor>|<canonical(data)>}:
     * one event of a mesh's state history, signed by the mesh authority. Its SHA-256 (hex) is the
     * event's hash, which the next event names as {@code prev}.
     */
    public static String meshEvent(String meshId, long version, String prev, String kind, long at, String actor, String canonicalData) {
        return "meshwire-mesh-event|v1|" + meshId + '|' + version + '|' + prev + '|' + kind + '|' + at + '|' + actor + '|' + canonicalData;
    }

    /**
     * {@code meshwire-mesh-snapshot|v1|<meshId>|<version>|<headHash>|<authority>|<atMs>|<sha256 hex of canonical body>}
     * where the body is {@code {"members":[...],"name":...}} in RFC 8785 form, members sorted by pubkey.
     */
    public static String meshSnapshot(String meshId, long version, String head, String authority, long at, String bodyHash) {
        return "meshwire-mesh-snapshot|v1|" + meshId + '|' + version + '|' + head + '|' + authority + '|' + at + '|' + bodyHash;
    }

    /**
     * {@code meshwire-session-attest|<parentPubkey>|<sessionPubkey>|<expiresAtMs>} when the attestation
     * states no capabilities (the session may do what its member may), or
     * {@code meshwire-session-attest|<parentPubkey>|<sessionPubkey>|<expiresAtMs>|<cap1,cap2,...>} when it
     * does: the capabilities ASCII-sorted, unique, lower-case, comma-joined. An empty list is stated too (the
     * string then ends in {@code |}): "no capabilities" is not "all capabilities". Signed by the parent
     * member's key. The caller passes caps already in canonical order ({@code SessionCaps} checks it).
     */
    public static String sessionAttest(String parentPubkey, String sessionPubkey, long expiresAt, java.util.List<String> caps) {
        String base = "meshwire-session-attest|" + parentPubkey + '|' + sessionPubkey + '|' + expiresAt;
        return caps == null ? base : base + '|' + String.join(",", caps);
    }

    /**
     * {@code meshwire-session-hello|v1|<meshId>|<parentPubkey>|<sessionPubkey>|<timestampMs>|<challengeNonce>}:
     * the per-connection proof of a session, signed by the session key. The challenge nonce makes it
     * unreplayable on another connection; the timestamp is checked against the coordinator's clock as well.
     */
    public static String sessionHello(String meshId, String parentPubkey, String sessionPubkey, long timestamp, String nonce) {
        return "meshwire-session-hello|v1|" + meshId + '|' + parentPubkey + '|' + sessionPubkey + '|' + timestamp + '|' + nonce;
    }

    /**
     * {@code meshwire-service-attest|v1|<meshId>|<ownerPubkey>|<serviceId>|<servicePubkey>|<type>|<scopesCsv>|<expiresAtMs>|<transport>|<delegatePubkey or empty>}:
     * a member vouches for a service key of one mesh (docs/protocol.md §6.4). Signed by the owner's member key.
     */
    public static String serviceAttest(String meshId, String owner, String serviceId, String servicePubkey, String type, String scopesCsv,
                                       long expiresAt, String transport, String delegate) {
        return "meshwire-service-attest|v1|" + meshId + '|' + owner + '|' + serviceId + '|' + servicePubkey + '|' + type + '|' + scopesCsv
                + '|' + expiresAt + '|' + transport + '|' + (delegate == null ? "" : delegate);
    }
}
