package dev.meshwire.signaling.invite;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Signatures;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A signed invitation to a mesh. Anyone holding the text can join until it expires or its uses are
 * spent; the coordinator counts uses. The text form is {@code mw1.} followed by unpadded base64url of
 * the JSON, so it survives chat clients and shells.
 *
 * @param coordinator the coordinator's WebSocket base URL, e.g. {@code ws://host:7600}
 * @param issuer      the hex public key of the member who signed it
 * @param expiresAt   epoch milliseconds
 * @param authority   (v2) the mesh authority's public key, which the joining daemon pins: a coordinator
 *                    cannot substitute its own, because the inviting member signed it. Null in v1.
 */
public record Invite(int v, String coordinator, String mesh, String meshName, String inviteId, String issuer,
                     long expiresAt, int maxUses, String signature, String authority) {
    public static final String PREFIX = "mw1.";

    /** A v2 invite naming the mesh authority key {@code authority} (null makes a v1 invite without it). */
    public static Invite create(Identity issuer, String coordinator, String meshId, String meshName, long expiresAt, int maxUses,
                                String authority) {
        String inviteId = Hex.encode(dev.meshwire.signaling.crypto.Sodium.randomBytes(16));
        int v = authority == null ? 1 : 2;
        String sig = issuer.signHex(canonical(v, meshId, inviteId, issuer.publicKeyHex(), expiresAt, maxUses, authority));
        return new Invite(v, coordinator, meshId, meshName, inviteId, issuer.publicKeyHex(), expiresAt, maxUses, sig, authority);
    }

    /** A v1 invite (no authority key: the joining daemon trusts the first one the coordinator names). */
    public static Invite create(Identity issuer, String coordinator, String meshId, String meshName, long expiresAt, int maxUses) {
        return create(issuer, coordinator, meshId, meshName, expiresAt, maxUses, null);
    }

    private static String canonical(int v, String mesh, String inviteId, String issuer, long expiresAt, int maxUses, String authority) {
        return v == 1 ? Canonical.invite(mesh, inviteId, issuer, expiresAt, maxUses)
                : Canonical.inviteV2(mesh, inviteId, issuer, expiresAt, maxUses, authority);
    }

    public boolean signatureValid() {
        if (v == 2 && !Hex.isHex(authority, dev.meshwire.signaling.crypto.PublicKey.HEX_CHARS)) return false;
        return Signatures.verify(issuer, canonical(v, mesh, inviteId, issuer, expiresAt, maxUses, authority), signature);
    }

    public String encode() {
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(this);
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @throws IllegalArgumentException with a user-readable reason if the text is not an invite */
    public static Invite decode(String text) {
        if (text == null || !text.trim().startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a meshwire invite (it should start with '" + PREFIX + "')");
        }
        if (text.length() > 4096) throw new IllegalArgumentException("invite is too long");
        byte[] json;
        try {
            json = Base64.getUrlDecoder().decode(text.trim().substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invite is corrupted (not valid base64url)");
        }
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invite is corrupted (not valid JSON)");
        }
        for (String field : new String[] {"v", "coordinator", "mesh", "inviteId", "issuer", "expiresAt", "maxUses", "signature"}) {
            if (tree == null || !tree.hasNonNull(field)) throw new IllegalArgumentException("invite is incomplete (no " + field + ")");
        }
        try {
            Invite inv = Json.MAPPER.treeToValue(tree, Invite.class);
            if (inv.v != 1 && inv.v != 2) throw new IllegalArgumentException("invite version " + inv.v + " is not supported");
            return inv;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invite is corrupted (bad field values)");
        }
    }
}
