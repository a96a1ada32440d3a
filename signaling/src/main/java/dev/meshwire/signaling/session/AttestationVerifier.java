package dev.meshwire.signaling.session;

import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.Signatures;

/**
 * Checks an {@link Attested} statement, in this order (the first failing check decides):
 * <ol>
 *   <li>{@code malformed}: both keys are 64 lowercase hex characters and differ, the signature is 128
 *       lowercase hex characters, {@code expiresAt > 0}, and the statement's own {@link Attested#shapeProblem}
 *       is null;</li>
 *   <li>{@code expired}: {@code expiresAt <= now} (no allowance: a statement is void at its expiry);</li>
 *   <li>{@code ttl_too_long}: {@code expiresAt > now + maxTtl + allowance}. The allowance absorbs the clock
 *       difference between the machine that minted the statement and the verifier's: a 24 h attestation
 *       minted on a clock a few seconds ahead is still accepted;</li>
 *   <li>{@code bad_signature}: the signature does not verify with the signer's key over the canonical string.</li>
 * </ol>
 * Stateless and thread-safe; the verifier never looks at membership (that is the caller's owner of it).
 */
public final class AttestationVerifier {
    /** The longest a session may be vouched for: 24 h (the seed's {@code SESSION_ATTESTATION_MAX_TTL_MS}). */
    public static final long SESSION_MAX_TTL_MS = 24L * 60 * 60 * 1000;
    /**
     * Clock allowance on the upper bound: 30 s. Below the seed's hello skew of 60 s on purpose, so that a
     * statement for 24 h + 60 s (the seed's {@code ttl_too_long} case) is refused by every verifier.
     */
    public static final long CLOCK_ALLOWANCE_MS = 30_000;

    /** The verifier of session attestations: at most 24 h, with the 30 s allowance. */
    public static final AttestationVerifier SESSIONS = new AttestationVerifier(SESSION_MAX_TTL_MS, CLOCK_ALLOWANCE_MS);

    private final long maxTtlMs;
    private final long allowanceMs;

    public AttestationVerifier(long maxTtlMs, long allowanceMs) {
        if (maxTtlMs <= 0 || allowanceMs < 0) throw new IllegalArgumentException("maxTtl must be > 0 and allowance >= 0");
        this.maxTtlMs = maxTtlMs;
        this.allowanceMs = allowanceMs;
    }

    public long maxTtlMs() {
        return maxTtlMs;
    }

    /** Checks {@code a} at {@code now} (epoch ms). Never throws for any field values. */
    public Verdict verify(Attested a, long now) {
        if (a == null) return Verdict.refuse(SessionReason.MALFORMED, "attestation is required");
        if (!Hex.isHex(a.signerPubkey(), PublicKey.HEX_CHARS)) {
            return Verdict.refuse(SessionReason.MALFORMED, "the vouching key must be 64 lowercase hex characters");
        }
        if (!Hex.isHex(a.subjectPubkey(), PublicKey.HEX_CHARS)) {
            return Verdict.refuse(SessionReason.MALFORMED, "the vouched-for key must be 64 lowercase hex characters");
        }
        if (a.signerPubkey().equals(a.subjectPubkey())) {
            return Verdict.refuse(SessionReason.MALFORMED, "a key cannot vouch for itself");
        }
        if (!Hex.isHex(a.signature(), Signatures.HEX_CHARS)) {
            return Verdict.refuse(SessionReason.MALFORMED, "signature must be 128 lowercase hex characters");
        }
        if (a.expiresAt() <= 0) return Verdict.refuse(SessionReason.MALFORMED, "expiresAt must be epoch milliseconds");
        String shape = a.shapeProblem();
        if (shape != null) return Verdict.refuse(SessionReason.MALFORMED, shape);
        if (a.expiresAt() <= now) {
            return Verdict.refuse(SessionReason.EXPIRED, "expired " + (now - a.expiresAt()) + " ms ago (expiresAt " + a.expiresAt() + ")");
        }
        // Written as a difference so that no sum can overflow for any expiresAt.
        if (a.expiresAt() - now > maxTtlMs + allowanceMs) {
            return Verdict.refuse(SessionReason.TTL_TOO_LONG, "expires " + (a.expiresAt() - now) + " ms from now; at most "
                    + maxTtlMs + " ms (+ " + allowanceMs + " ms clock allowance) are allowed");
        }
        try {
            if (!Signatures.verify(a.signerPubkey(), a.canonical(), a.signature())) {
                return Verdict.refuse(SessionReason.BAD_SIGNATURE, "signature does not verify with the vouching key");
            }
        } catch (IllegalArgumentException e) {
            // A 64-hex string that is not a point on the curve.
            return Verdict.refuse(SessionReason.BAD_SIGNATURE, "the vouching key is not a valid Ed25519 key");
        }
        return Verdict.OK;
    }
}
