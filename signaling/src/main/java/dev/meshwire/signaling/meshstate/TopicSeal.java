package dev.meshwire.signaling.meshstate;

/**
 * One member's copy of a topic key (docs/protocol.md §12.2 "Seals"): {@code box} is base64 of
 * {@code crypto_box_easy(key, nonce, member X25519 public, sealer X25519 secret)} with {@code nonce} (base64, 24
 * bytes). {@code sealer} (the sealing member's Ed25519 key, hex) travels inline, as in the seed's wire format, so a
 * copy re-sealed by any member opens the same way as the creator's: the member opens it with the sealer's public
 * key, which also authenticates who sealed it. Immutable.
 */
public record TopicSeal(String sealer, String nonce, String box) {
}
