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

    /** {@code meshwire-mesh-create|v1|<name>|<ownerPubkey>|<ownerName>|<createdAtMs>} */
    public static String meshCreate(String name, String ownerPubkey, String ownerName, long createdAt) {
        return "meshwire-mesh-create|v1|" + name + '|' + ownerPubkey + '|' + ownerName + '|' + createdAt;
    }
}
