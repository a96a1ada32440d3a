package dev.meshwire.signaling.service;

import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.session.SessionHelloCheck;
import dev.meshwire.signaling.session.SessionReason;
import dev.meshwire.signaling.session.Verdict;

/**
 * Every cryptographic check of a {@code session_hello} that presents a {@code serviceAttestation} instead of a
 * session's parent attestation (docs/protocol.md §6.4 "Service connections"), in order: the attestation with
 * {@link ServiceAttestation#VERIFIER} ({@code malformed}, {@code expired}, {@code ttl_too_long},
 * {@code bad_signature}); it is for this mesh ({@code bad_signature}); then what every session hello checks
 * ({@link SessionHelloCheck#bound}: the keys it names, and the proof). Whether the service is registered and
 * active is the mesh state's to say, not this class's.
 */
public final class ServiceHelloCheck {
    private ServiceHelloCheck() {}

    public static Verdict check(String meshId, String nonce, Frames.SessionHello hello, long now) {
        ServiceAttestation s = hello.serviceAttestation();
        if (s == null) return Verdict.refuse(SessionReason.MALFORMED, "serviceAttestation is required");
        if (hello.attestation() != null) {
            return Verdict.refuse(SessionReason.MALFORMED, "attestation and serviceAttestation exclude each other");
        }
        Verdict v = ServiceAttestation.VERIFIER.verify(s, now);
        if (!v.ok()) return Verdict.refuse(v.reason(), "serviceAttestation: " + v.detail());
        if (!meshId.equals(s.mesh())) {
            return Verdict.refuse(SessionReason.BAD_SIGNATURE, "the service attestation is for another mesh");
        }
        return SessionHelloCheck.bound(meshId, nonce, hello, s, now);
    }
}
