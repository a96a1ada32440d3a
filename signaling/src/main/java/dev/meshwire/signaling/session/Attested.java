package dev.meshwire.signaling.session;

/**
 * A statement "key {@link #signerPubkey} vouches for key {@link #subjectPubkey} until {@link #expiresAt}",
 * signed over {@link #canonical}. {@link AttestationVerifier} checks any such statement the same way, so
 * that session attestations and (later) service attestations share one verifier.
 */
public interface Attested {
    /** Who vouches (lowercase hex Ed25519 public key). */
    String signerPubkey();

    /** Who is vouched for (lowercase hex Ed25519 public key). */
    String subjectPubkey();

    /** Epoch milliseconds after which the statement is void. */
    long expiresAt();

    /** Lowercase hex detached Ed25519 signature by {@link #signerPubkey} over {@link #canonical}. */
    String signature();

    /** The signed string; only called once {@link #shapeProblem} said the fields are well-formed. */
    String canonical();

    /** A problem with the statement's own fields (beyond the keys and the signature), or null. */
    default String shapeProblem() {
        return null;
    }
}
