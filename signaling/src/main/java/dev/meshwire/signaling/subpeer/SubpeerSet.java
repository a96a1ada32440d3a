package dev.meshwire.signaling.subpeer;

import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.service.Scopes;
import dev.meshwire.signaling.service.ServiceAttestation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A service's signed statement of the sub-peers it fronts right now (docs/protocol.md §6.5): the <em>whole</em> current
 * set, never a delta, so a lost or repeated statement cannot leave a receiver with a wrong set, and the newest
 * {@code seq} wins. Canonical string: {@code meshwire-subpeers|v1|<mesh>|<service>|<seq>|<names joined by "\n">}, signed
 * by the service key; {@code names} sorted by their UTF-8 bytes (unsigned), unique.
 *
 * <p>A name is {@code <kind>:<local>}: {@code kind} {@code [a-z][a-z0-9-]{0,15}}, {@code local} 1..{@value #MAX_LOCAL_CHARS}
 * characters with no whitespace, no control character and no {@code "\n"} (the side-car percent-encodes those), so the
 * canonical string is unambiguous. At most {@value #MAX_NAMES} names.
 *
 * @param mesh      the mesh id (in the canonical string; a frame does not repeat it)
 * @param service   the service key (64 hex) that signs
 * @param seq       grows with every statement of this service (meshwire: epoch ms, or the last + 1)
 * @param names     the sub-peers present now, canonical order
 * @param signature the service key's Ed25519 signature over {@link #canonical()} (128 hex)
 */
public record SubpeerSet(String mesh, String service, long seq, List<String> names, String signature) {
    /** Most sub-peers one service may front at a time. */
    public static final int MAX_NAMES = 1000;
    /** Longest {@code local} part of a name, in characters (code points). */
    public static final int MAX_LOCAL_CHARS = 128;
    /** Service types that may front sub-peers: a LiveKit room side-car (docs/livekit.md). */
    public static final Set<String> FRONTING_TYPES = Set.of("livekit-room", "livekit");

    public SubpeerSet {
        names = names == null ? List.of() : List.copyOf(names);
    }

    /** A statement signed by {@code service} (the names are put in canonical order; call {@link #nameProblem} first). */
    public static SubpeerSet sign(Identity service, String mesh, long seq, Collection<String> names) {
        List<String> sorted = canonicalOrder(names);
        String c = canonical(mesh, service.publicKeyHex(), seq, sorted);
        return new SubpeerSet(mesh, service.publicKeyHex(), seq, sorted, service.signHex(c));
    }

    /** The exact string the signature covers. */
    public String canonical() {
        return canonical(mesh, service, seq, names);
    }

    public static String canonical(String mesh, String service, long seq, List<String> names) {
        return "meshwire-subpeers|v1|" + mesh + '|' + service + '|' + seq + '|' + String.join("\n", names);
    }

    /** Why this statement is malformed (names, order, counts, key and signature shapes), or null. */
    public String problem() {
        if (!Hex.isHex(service, PublicKey.HEX_CHARS)) return "service must be 64 lowercase hex characters";
        if (seq < 1) return "seq must be a positive integer";
        if (signature == null || !Hex.isHex(signature, Signatures.HEX_CHARS)) return "signature must be 128 lowercase hex characters";
        if (names.size() > MAX_NAMES) return "names has " + names.size() + " entries; at most " + MAX_NAMES;
        for (String n : names) {
            String p = nameProblem(n);
            if (p != null) return p;
        }
        if (!names.equals(canonicalOrder(names)) || new TreeSet<>(names).size() != names.size()) {
            return "names must be unique and sorted by their UTF-8 bytes";
        }
        return null;
    }

    /** True when well formed and the service key's signature verifies. */
    public boolean valid() {
        return problem() == null && Signatures.verify(service, canonical(), signature);
    }

    /** Why {@code name} is not a sub-peer name ({@code <kind>:<local>}), or null. */
    public static String nameProblem(String name) {
        if (name == null) return "a sub-peer name is missing";
        int colon = name.indexOf(':');
        String shown = name.length() > 40 ? name.substring(0, 40) + "…" : name;
        if (colon < 1 || !name.substring(0, colon).matches("[a-z][a-z0-9-]{0,15}")) {
            return "sub-peer name '" + printable(shown) + "' must be <kind>:<local> with a kind of 1-16 characters a-z, 0-9 and '-' (e.g. lk:alice)";
        }
        String local = name.substring(colon + 1);
        int cps = local.codePointCount(0, local.length());
        if (cps < 1 || cps > MAX_LOCAL_CHARS) {
            return "sub-peer name '" + printable(shown) + "' must have 1-" + MAX_LOCAL_CHARS + " characters after the ':'";
        }
        for (int i = 0; i < local.length(); ) {
            int cp = local.codePointAt(i);
            if (Character.isWhitespace(cp) || Character.isISOControl(cp) || Character.isSpaceChar(cp)
                    || Character.getType(cp) == Character.SURROGATE) {
                return "sub-peer name '" + printable(shown) + "' contains whitespace or a control character (percent-encode them)";
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /**
     * Why a service registered with {@code attestation} may not front sub-peers, or null: its type must be one of
     * {@link #FRONTING_TYPES} and its scopes must include {@code dm:read} (a sub-peer is reached through dms to it).
     */
    public static String frontingRefusal(ServiceAttestation attestation) {
        if (!FRONTING_TYPES.contains(attestation.type())) {
            return "service '" + attestation.serviceId() + "' is of type " + attestation.type() + "; only "
                    + String.join(", ", new TreeSet<>(FRONTING_TYPES)) + " services may front sub-peers";
        }
        var scopes = Scopes.fromCsv(attestation.scopes());
        if (scopes == null || !scopes.contains(Scopes.DM_READ)) {
            return "service '" + attestation.serviceId() + "' lacks the dm:read scope, so its sub-peers could not be reached";
        }
        return null;
    }

    /** {@code names} unique and sorted by their UTF-8 bytes, unsigned: the order the canonical string uses. */
    public static List<String> canonicalOrder(Collection<String> names) {
        List<String> out = new ArrayList<>(new TreeSet<>(names));
        out.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
        return List.copyOf(out);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp)) b.append('?');
            else b.appendCodePoint(cp);
        });
        return b.toString();
    }
}
