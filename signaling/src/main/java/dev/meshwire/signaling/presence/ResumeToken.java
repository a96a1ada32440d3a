package dev.meshwire.signaling.presence;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.Signatures;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A presence resume token (docs/protocol.md "Continuous presence"): the coordinator's signed statement "this
 * identity held a presence in this mesh", handed out in {@code hello_ack} and echoed in the next {@code hello}.
 *
 * <p>Wire form: the canonical string {@link Canonical#resume} followed by {@code |} and the lowercase hex Ed25519
 * signature of its UTF-8 bytes by the coordinator's resume key, i.e. seven {@code |}-separated fields:
 * {@code meshwire-resume|v1|<meshId>|<pubkey>|<issuedAtMs>|<expiresAtMs>|<signature>}. Clients treat it as opaque.
 * Only the coordinator that issued it verifies it (by signature: tokens are not stored). It is never an
 * authenticator on its own: a hello carrying it must still sign the challenge.
 *
 * @param meshId    the mesh the presence belongs to
 * @param pubkey    the identity key (64 lowercase hex) the presence belongs to
 * @param issuedAt  epoch milliseconds when the coordinator issued it
 * @param expiresAt epoch milliseconds after which it is refused
 * @param signature 128 lowercase hex characters
 */
public record ResumeToken(String meshId, String pubkey, long issuedAt, long expiresAt, String signature) {
    /** Longest token accepted in a hello; a real one is about 250 characters. Longer is refused as malformed input. */
    public static final int MAX_CHARS = 512;
    /** How far {@code issuedAt} may lie in the future (clock steps of the coordinator itself). */
    public static final long MAX_FUTURE_SKEW_MS = 60_000;

    private static final String PREFIX = "meshwire-resume";
    private static final String VERSION = "v1";
    private static final Pattern MESH_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern MILLIS = Pattern.compile("0|[1-9][0-9]{0,15}");

    /** Why a token is not accepted; {@link #tag()} is the metric tag and log word. */
    public enum Rejection {
        MALFORMED("malformed"),
        BAD_SIGNATURE("bad_signature"),
        WRONG_MESH("wrong_mesh"),
        WRONG_IDENTITY("wrong_identity"),
        EXPIRED("expired"),
        NOT_YET_VALID("not_yet_valid");

        private final String tag;

        Rejection(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** Signs a token for {@code pubkey} in {@code meshId} with the coordinator's resume key. */
    public static ResumeToken issue(Identity resumeKey, String meshId, String pubkey, long issuedAt, long expiresAt) {
        if (!MESH_ID.matcher(meshId).matches()) throw new IllegalArgumentException("mesh id cannot go into a resume token: " + meshId);
        if (!Hex.isHex(pubkey, PublicKey.HEX_CHARS)) throw new IllegalArgumentException("pubkey must be 64 lowercase hex characters");
        if (issuedAt < 0 || expiresAt <= issuedAt) throw new IllegalArgumentException("expiresAt must be after issuedAt");
        return new ResumeToken(meshId, pubkey, issuedAt, expiresAt, resumeKey.signHex(Canonical.resume(meshId, pubkey, issuedAt, expiresAt)));
    }

    /** The signed part. */
    public String canonical() {
        return Canonical.resume(meshId, pubkey, issuedAt, expiresAt);
    }

    /** The wire form (what {@code hello_ack.resumeToken} carries). */
    public String encode() {
        return canonical() + '|' + signature;
    }

    /** Parses the wire form strictly (every field in its one canonical spelling); empty when it is not a token. */
    public static Optional<ResumeToken> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_CHARS) return Optional.empty();
        String[] f = text.split("\\|", -1);
        if (f.length != 7 || !PREFIX.equals(f[0]) || !VERSION.equals(f[1]) || !MESH_ID.matcher(f[2]).matches()
                || !Hex.isHex(f[3], PublicKey.HEX_CHARS) || !MILLIS.matcher(f[4]).matches() || !MILLIS.matcher(f[5]).matches()
                || !Hex.isHex(f[6], Signatures.HEX_CHARS)) {
            return Optional.empty();
        }
        long iat = Long.parseLong(f[4]);
        long exp = Long.parseLong(f[5]);
        if (exp <= iat) return Optional.empty();
        return Optional.of(new ResumeToken(f[2], f[3], iat, exp, f[6]));
    }

    /**
     * Checks a presented token against the hello it came with. Empty means valid: signed by {@code resumeKeyHex},
     * for this mesh and identity, issued no later than {@link #MAX_FUTURE_SKEW_MS} from now and not expired.
     * The signature is checked before anything the token claims is believed.
     */
    public static Optional<Rejection> check(String text, String resumeKeyHex, String meshId, String pubkey, long now) {
        Optional<ResumeToken> parsed = parse(text);
        if (parsed.isEmpty()) return Optional.of(Rejection.MALFORMED);
        ResumeToken t = parsed.get();
        if (!Signatures.verify(resumeKeyHex, t.canonical(), t.signature())) return Optional.of(Rejection.BAD_SIGNATURE);
        if (!t.meshId().equals(meshId)) return Optional.of(Rejection.WRONG_MESH);
        if (!t.pubkey().equals(pubkey)) return Optional.of(Rejection.WRONG_IDENTITY);
        if (t.issuedAt() > now + MAX_FUTURE_SKEW_MS) return Optional.of(Rejection.NOT_YET_VALID);
        if (now >= t.expiresAt()) return Optional.of(Rejection.EXPIRED);
        return Optional.empty();
    }
}
