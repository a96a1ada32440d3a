package dev.meshwire.signaling.session;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.Signatures;

/**
 * The per-connection proof that the holder of a session's secret key is on this connection: a signature by
 * the <b>session</b> key over {@link Canonical#sessionHello} — the mesh, the parent and session keys, a
 * timestamp and the coordinator's challenge nonce of this connection. The nonce makes a captured hello useless on
 * any other connection (DESIGN: no replayable timestamp-only hellos); the timestamp keeps the seed's
 * {@code timestamp_skew} check. A stolen attestation alone proves nothing: the thief lacks the session secret.
 */
public final class SessionHelloProof {
    /** Largest accepted distance between the hello's timestamp and the verifier's clock: 60 s (the seed's {@code HELLO_SKEW_MS}). */
    public static final long MAX_SKEW_MS = 60_000;

    private SessionHelloProof() {}

    /** Signs the proof with the session's key. */
    public static String sign(Identity session, String meshId, String parentPubkey, long timestamp, String nonce) {
        return session.signHex(Canonical.sessionHello(meshId, parentPubkey, session.publicKeyHex(), timestamp, nonce));
    }

    /**
     * Checks a proof: {@code malformed} for keys or signature not in lowercase hex form, {@code timestamp_skew} when
     * {@code |now - timestamp| > 60 s}, {@code bad_signature} unless the <b>session</b> key signed exactly this mesh,
     * parent, session, timestamp and nonce. Never throws.
     */
    public static Verdict verify(String meshId, String parentPubkey, String sessionPubkey, long timestamp, String nonce,
                                 String signature, long now) {
        if (!Hex.isHex(parentPubkey, PublicKey.HEX_CHARS) || !Hex.isHex(sessionPubkey, PublicKey.HEX_CHARS)) {
            return Verdict.refuse(SessionReason.MALFORMED, "parent and session keys must be 64 lowercase hex characters");
        }
        if (!Hex.isHex(signature, Signatures.HEX_CHARS)) {
            return Verdict.refuse(SessionReason.MALFORMED, "signature must be 128 lowercase hex characters");
        }
        // Math.abs of a difference could overflow for absurd timestamps; compare both ways instead.
        if (timestamp < now - MAX_SKEW_MS || timestamp > now + MAX_SKEW_MS) {
            return Verdict.refuse(SessionReason.TIMESTAMP_SKEW, "timestamp " + timestamp + " is more than " + MAX_SKEW_MS
                    + " ms from the coordinator's clock (" + now + ")");
        }
        boolean valid;
        try {
            valid = Signatures.verify(sessionPubkey, Canonical.sessionHello(meshId, parentPubkey, sessionPubkey, timestamp, nonce), signature);
        } catch (IllegalArgumentException e) {
            valid = false;
        }
        return valid ? Verdict.OK
                : Verdict.refuse(SessionReason.BAD_SIGNATURE, "session hello signature does not verify with the session key over this mesh and challenge");
    }
}
