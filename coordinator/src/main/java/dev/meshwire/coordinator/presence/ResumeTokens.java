package dev.meshwire.coordinator.presence;

import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.presence.ResumeToken;
import java.time.Duration;
import java.util.Optional;

/**
 * Issues and checks this coordinator's presence resume tokens ({@link ResumeToken}) with its resume key. Tokens are
 * not stored: a token is good when its signature verifies, it names the hello's mesh and key, and it has not expired.
 * Whether it resumes anything is the {@link PresenceRegistry}'s decision (a held presence must exist).
 *
 * @param key the coordinator's resume signing key (persisted in its data directory, so tokens survive a restart)
 * @param ttl how long a token is accepted after it was issued
 */
public record ResumeTokens(Identity key, Duration ttl) {
    /** A token is accepted for a day: the lease, not the token, bounds how long a dropped presence is kept. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);

    public String issue(String meshId, String pubkey, long now) {
        return ResumeToken.issue(key, meshId, pubkey, now, now + ttl.toMillis()).encode();
    }

    /** Empty when {@code token} is a valid token of this coordinator for this mesh and key at {@code now}. */
    public Optional<ResumeToken.Rejection> check(String token, String meshId, String pubkey, long now) {
        return ResumeToken.check(token, key.publicKeyHex(), meshId, pubkey, now);
    }
}
