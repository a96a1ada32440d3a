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
     * {@code meshwire-p2p-sdp|v1|<meshId>|<fromPubkey>|<toPubkey>|<sessionId>|<type>|<sha256 hex of the SDP>}:
     * binds the DTLS fingerprint inside the SDP to the sender's identity, so the coordinator cannot
     * substitute its own. {@code type} is lowercase {@code offer} or {@code answer}.
     */
    public static String p2pSdp(String meshId, String from, String to, String sessionId, String type, String sdp) {
        return "meshwire-p2p-sdp|v1|" + meshId + '|' + from + '|' + to + '|' + sessionId + '|' + type + '|' + sha256Hex(sdp);
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
}
