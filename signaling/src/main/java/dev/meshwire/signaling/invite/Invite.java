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
 */
public record Invite(int v, String coordinator, String mesh, String meshName, String inviteId, String issuer,
                     long expiresAt, int maxUses, String signature) {
    public static final String PREFIX = "mw1.";

    public static Invite create(Identity issuer, String coordinator, String meshId, String meshName, long expiresAt, int maxUses) {
        String inviteId = Hex.encode(dev.meshwire.signaling.crypto.Sodium.randomBytes(16));
        String sig = issuer.signHex(Canonical.invite(meshId, inviteId, issuer.publicKeyHex(), expiresAt, maxUses));
        return new Invite(1, coordinator, meshId, meshName, inviteId, issuer.publicKeyHex(), expiresAt, maxUses, sig);
    }

    public boolean signatureValid() {
        return Signatures.verify(issuer, Canonical.invite(mesh, inviteId, issuer, expiresAt, maxUses), signature);
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
            if (inv.v != 1) throw new IllegalArgumentException("invite version " + inv.v + " is not supported");
            return inv;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invite is corrupted (bad field values)");
        }
    }
}
