package dev.meshwire.coordinator.authority;

import dev.meshwire.signaling.session.SessionAttestation;
import dev.meshwire.signaling.grants.Grants;
import java.util.List;

/**
 * A connection that speaks for a session key, vouched for by its parent member (docs/protocol.md §5
 * "session_hello"): the session key, its optional label and the verified attestation (its capabilities, null:
 * the full member set, and its expiry, when the connection is closed).
 */
public record SessionIdentity(String pubkey, String label, SessionAttestation attestation) {
    public List<String> caps() {
        return attestation.caps();
    }

    public long expiresAt() {
        return attestation.expiresAt();
    }

    /** The seed's {@code senderHasCap}. */
    public boolean has(String cap) {
        return Grants.senderHasCap(caps(), cap);
    }

    /** How others see the session's name: {@code <member name>/<label>}, or the first 8 hex of its key when unlabelled. */
    public String displayName(String memberName) {
        return memberName + '/' + (label != null ? label : pubkey.substring(0, 8));
    }
}
