package dev.meshwire.signaling.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Identity;
import java.util.List;

/**
 * A member's statement "{@code sessionPubkey} acts for me until {@code expiresAt}", optionally limited to
 * {@code caps}, signed by the member ({@code parentPubkey}) over {@link Canonical#sessionAttest}. Sent in
 * {@code session_hello} and kept by the daemon that holds the session. Wire form (JSON):
 * {@code {"parentPubkey","sessionPubkey","expiresAt","caps"?,"signature"}}; {@code caps} absent = full member
 * set, {@code []} = no capabilities (docs/protocol.md §5 "session_hello").
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionAttestation(String parentPubkey, String sessionPubkey, long expiresAt, List<String> caps,
                                 String signature) implements Attested {
    public SessionAttestation {
        // Null elements are left for the verifier to report (List.copyOf would throw here).
        caps = caps == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(caps));
    }

    /**
     * Mints an attestation for {@code sessionPubkey}, signed by {@code parent}. {@code caps} must be canonical
     * ({@link SessionCaps#problem}) or null.
     */
    public static SessionAttestation sign(Identity parent, String sessionPubkey, long expiresAt, List<String> caps) {
        String problem = SessionCaps.problem(caps);
        if (problem != null) throw new IllegalArgumentException(problem);
        String parentHex = parent.publicKeyHex();
        return new SessionAttestation(parentHex, sessionPubkey, expiresAt, caps,
                parent.signHex(Canonical.sessionAttest(parentHex, sessionPubkey, expiresAt, caps)));
    }

    @Override
    @JsonIgnore
    public String signerPubkey() {
        return parentPubkey;
    }

    @Override
    @JsonIgnore
    public String subjectPubkey() {
        return sessionPubkey;
    }

    @Override
    @JsonIgnore
    public String canonical() {
        return Canonical.sessionAttest(parentPubkey, sessionPubkey, expiresAt, caps);
    }

    @Override
    public String shapeProblem() {
        return SessionCaps.problem(caps);
    }

    /** Checks this attestation with {@link AttestationVerifier#SESSIONS} at {@code now}. */
    public Verdict verify(long now) {
        return AttestationVerifier.SESSIONS.verify(this, now);
    }
}
