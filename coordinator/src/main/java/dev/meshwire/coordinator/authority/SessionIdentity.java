package dev.meshwire.coordinator.authority;

import dev.meshwire.signaling.grants.Grants;
import dev.meshwire.signaling.service.Scopes;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.session.SessionAttestation;
import java.util.List;

/**
 * A connection that speaks for a key vouched for by a member (docs/protocol.md §5 "session_hello"): a
 * <b>session</b> (its verified parent {@code attestation}) or a <b>service</b> (its owner's registered
 * {@code service} attestation, §6.4) — exactly one of the two. Holds the key, the optional label, and what the
 * attestation says: the sender capabilities (a session's {@code caps}, null: the full member set; a service's
 * from its scopes, {@link Scopes#senderCaps}) and the expiry, when the connection is closed.
 */
public record SessionIdentity(String pubkey, String label, SessionAttestation attestation, ServiceAttestation service) {
    public SessionIdentity(String pubkey, String label, SessionAttestation attestation) {
        this(pubkey, label, attestation, null);
    }

    /** A service connection: the key is the service key; the label defaults to the service's id. */
    public static SessionIdentity service(String label, ServiceAttestation service) {
        return new SessionIdentity(service.servicePubkey(), label != null ? label : service.serviceId(), null, service);
    }

    public boolean isService() {
        return service != null;
    }

    public List<String> caps() {
        if (service != null) return List.copyOf(Scopes.senderCaps(Scopes.fromCsv(service.scopes())));
        return attestation.caps();
    }

    public long expiresAt() {
        return service != null ? service.expiresAt() : attestation.expiresAt();
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
