package dev.meshwire.signaling.session;

import dev.meshwire.signaling.frame.Frames;

/**
 * Every cryptographic check of a {@code session_hello}, in order: the attestation ({@link AttestationVerifier}:
 * {@code malformed}, {@code expired}, {@code ttl_too_long}, {@code bad_signature}); the hello names the same
 * parent and session keys as the attestation ({@code bad_signature}: the attestation does not vouch for the key
 * that is connecting); the proof ({@link SessionHelloProof}: {@code malformed}, {@code timestamp_skew},
 * {@code bad_signature}). Membership of the parent is not checked here: that is the coordinator's mesh authority.
 */
public final class SessionHelloCheck {
    private SessionHelloCheck() {}

    /** Checks {@code hello} as received on a connection whose challenge was {@code nonce}, for mesh {@code meshId}. */
    public static Verdict check(String meshId, String nonce, Frames.SessionHello hello, long now) {
        SessionAttestation a = hello.attestation();
        if (a == null) return Verdict.refuse(SessionReason.MALFORMED, "attestation is required");
        if (hello.serviceAttestation() != null) {
            return Verdict.refuse(SessionReason.MALFORMED, "attestation and serviceAttestation exclude each other");
        }
        Verdict v = a.verify(now);
        if (!v.ok()) return Verdict.refuse(v.reason(), "attestation: " + v.detail());
        return bound(meshId, nonce, hello, a, now);
    }

    /**
     * The checks after an attestation of any kind ({@link Attested}: a session's, or a service's) verified: it
     * vouches for the connecting key ({@code pubkey}) and is signed by {@code parent} ({@code bad_signature}
     * otherwise: an attestation presented for another key), then the proof of the connecting key's secret.
     */
    public static Verdict bound(String meshId, String nonce, Frames.SessionHello hello, Attested a, long now) {
        if (!a.subjectPubkey().equals(hello.pubkey())) {
            return Verdict.refuse(SessionReason.BAD_SIGNATURE, "the attestation vouches for another key than 'pubkey'");
        }
        if (!a.signerPubkey().equals(hello.parent())) {
            return Verdict.refuse(SessionReason.BAD_SIGNATURE, "the attestation is signed by another key than 'parent'");
        }
        return SessionHelloProof.verify(meshId, hello.parent(), hello.pubkey(), hello.timestamp(), nonce, hello.signature(), now);
    }
}
