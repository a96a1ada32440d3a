package dev.meshwire.livekit.room;

import io.livekit.server.AccessToken;
import io.livekit.server.CanPublishData;
import io.livekit.server.CanSubscribe;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the room access token comes from. A token is fetched again for every (re)join, so a minted one never
 * expires under a long-lived side-car and a token file can be replaced by an operator while it runs.
 */
public sealed interface RoomToken {

    /** Returns a token for the next join. Throws {@link RoomException} with a one-line reason if it cannot. */
    String next();

    /**
     * Mints tokens with LiveKit's own {@link AccessToken}: room join for {@code room}, may publish data and
     * subscribe, for {@code identity}, valid for {@code ttl}.
     */
    record Minted(String apiKey, String apiSecret, String room, String identity, Duration ttl) implements RoomToken {
        public Minted {
            if (apiKey == null || apiKey.isBlank()) throw new IllegalArgumentException("the LiveKit API key is empty");
            if (apiSecret == null || apiSecret.isBlank()) throw new IllegalArgumentException("the LiveKit API secret is empty");
        }

        @Override
        public String next() {
            AccessToken token = new AccessToken(apiKey, apiSecret);
            token.setIdentity(identity);
            token.setName(identity);
            token.setTtl(ttl.toMillis());
            token.addGrants(new RoomJoin(true), new RoomName(room), new CanPublishData(true), new CanSubscribe(true));
            return token.toJwt();
        }

        @Override
        public String toString() {
            return "Minted[apiKey=" + apiKey + ", room=" + room + ", identity=" + identity + "]"; // never the secret
        }
    }

    /** Reads the token from a file on every join (surrounding whitespace ignored). */
    record FromFile(Path file) implements RoomToken {
        @Override
        public String next() {
            try {
                String token = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (token.isEmpty()) throw new RoomException("the token file " + file + " is empty");
                if (token.length() > 16_384) throw new RoomException("the token file " + file + " holds more than 16 KiB");
                return token;
            } catch (IOException e) {
                throw new RoomException("cannot read the token file " + file + ": " + e.getMessage());
            }
        }
    }

    /** Reads an API secret file (trimmed); a {@link RoomException} with the reason if it is missing or empty. */
    static String readSecret(Path file) {
        try {
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) throw new RoomException("the API secret file " + file + " is empty");
            return secret;
        } catch (IOException e) {
            throw new RoomException("cannot read the API secret file " + file + ": " + e.getMessage());
        }
    }
}
