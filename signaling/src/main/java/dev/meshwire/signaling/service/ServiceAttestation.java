package dev.meshwire.signaling.service;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.session.AttestationVerifier;
import dev.meshwire.signaling.session.Attested;
import java.util.regex.Pattern;

/**
 * A member's signed statement that {@code servicePubkey} acts for it in {@code mesh} as service
 * {@code serviceId} with {@code scopes} until {@code expiresAt} (the seed's ServiceIdentity attestation).
 * The signature (owner's member key) covers {@link Canonical#serviceAttest}; every replica checks it.
 *
 * @param transport how the service is reached: {@code ws}, {@code http-webhook}, {@code livekit}, ...
 * @param delegate  the daemon key that holds the service's secret on its behalf, or null (the service holds it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceAttestation(String mesh, String owner, String serviceId, String servicePubkey, String type, String scopes,
                                 long expiresAt, String transport, String delegate, String signature) implements Attested {
    private static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,63}$");
    private static final Pattern TOKEN = Pattern.compile("^[a-z][a-z0-9-]{0,31}$");
    /** Longest lifetime an attestation may have: 90 days. */
    public static final long MAX_TTL_MS = 90L * 24 * 3600 * 1000;
    /** Clock skew allowed on the upper bound of {@code expiresAt}, at registration and at a service's hello. */
    public static final long SKEW_MS = 60_000;
    /**
     * The verifier of a service's {@code session_hello} ({@link Attested}: signer = owner, subject = service
     * key): at most {@link #MAX_TTL_MS} ahead, with {@link #SKEW_MS} — the bound registration applied.
     */
    public static final AttestationVerifier VERIFIER = new AttestationVerifier(MAX_TTL_MS, SKEW_MS);
    /** Lifetime when none is asked for: 30 days. */
    public static final long DEFAULT_TTL_MS = 30L * 24 * 3600 * 1000;

    /** Signs a new attestation with the owner's member key. */
    public static ServiceAttestation sign(Identity owner, String mesh, String serviceId, String servicePubkey, String type, String scopesCsv,
                                          long expiresAt, String transport, String delegate) {
        String c = Canonical.serviceAttest(mesh, owner.publicKeyHex(), serviceId, servicePubkey, type, scopesCsv, expiresAt, transport, delegate);
        return new ServiceAttestation(mesh, owner.publicKeyHex(), serviceId, servicePubkey, type, scopesCsv, expiresAt, transport, delegate,
                owner.signHex(c));
    }

    /** The exact string the signature covers (call {@link #problem()} first: fields may hold '|'). */
    @Override
    @JsonIgnore
    public String canonical() {
        return Canonical.serviceAttest(mesh, owner, serviceId, servicePubkey, type, scopes, expiresAt, transport, delegate);
    }

    @Override
    @JsonIgnore
    public String signerPubkey() {
        return owner;
    }

    @Override
    @JsonIgnore
    public String subjectPubkey() {
        return servicePubkey;
    }

    @Override
    public String shapeProblem() {
        return problem();
    }

    /** True when the owner's signature verifies (well-formedness is {@link #problem()}). */
    @JsonIgnore
    public boolean signatureValid() {
        return problem() == null && Signatures.verify(owner, canonical(), signature);
    }

    /** A service id: 1-64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit; null if valid. */
    public static String checkServiceId(String id) {
        return id != null && ID.matcher(id).matches() ? null
                : "service name must be 1-64 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit";
    }

    /** Null when every field is well formed, else the first problem in one line. */
    public String problem() {
        if (mesh == null || mesh.isEmpty() || mesh.indexOf('|') >= 0) return "mesh is required";
        if (!Hex.isHex(owner, PublicKey.HEX_CHARS)) return "owner must be 64 lowercase hex characters";
        String idProblem = checkServiceId(serviceId);
        if (idProblem != null) return idProblem;
        if (!Hex.isHex(servicePubkey, PublicKey.HEX_CHARS)) return "servicePubkey must be 64 lowercase hex characters";
        if (servicePubkey.equals(owner)) return "servicePubkey must not be the owner's member key";
        if (type == null || !TOKEN.matcher(type).matches()) return "type must be 1-32 characters of a-z, 0-9 and '-', starting with a letter";
        if (Scopes.fromCsv(scopes) == null) return "scopes must be a sorted, comma-separated list of <what>:<verb> without duplicates";
        if (expiresAt <= 0) return "expiresAt must be epoch milliseconds";
        if (transport == null || !TOKEN.matcher(transport).matches()) return "transport must be 1-32 characters of a-z, 0-9 and '-', starting with a letter";
        if (delegate != null && !Hex.isHex(delegate, PublicKey.HEX_CHARS)) return "delegate must be 64 lowercase hex characters";
        if (signature == null || !Hex.isHex(signature, 128)) return "signature must be 128 lowercase hex characters";
        return null;
    }
}
