package dev.meshwire.coordinator.ice;

import java.time.Duration;
import java.util.List;

/**
 * A TURN server the coordinator hands out, with the shared secret of the TURN REST API scheme
 * (coturn: {@code use-auth-secret} + {@code static-auth-secret}), so any server that follows it can be
 * used unchanged.
 *
 * @param urls   e.g. {@code turn:turn.example:3478?transport=udp}, {@code turn:turn.example:3478?transport=tcp}
 * @param secret the shared secret; never sent to peers
 * @param ttl    how long the issued credentials stay valid
 */
public record TurnSettings(List<String> urls, String secret, Duration ttl) {
    public static final Duration DEFAULT_TTL = Duration.ofHours(12);

    public TurnSettings {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) throw new IllegalArgumentException("at least one TURN URL is needed");
        for (String u : urls) {
            if (!u.startsWith("turn:") && !u.startsWith("turns:")) {
                throw new IllegalArgumentException("TURN URL must start with turn: or turns: (got '" + u + "')");
            }
        }
        if (secret == null || secret.isBlank()) throw new IllegalArgumentException("a TURN URL needs the shared secret (--turn-secret-file)");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("TURN credential lifetime must be positive");
    }
}
