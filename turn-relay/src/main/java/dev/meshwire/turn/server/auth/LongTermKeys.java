package dev.meshwire.turn.server.auth;

import dev.meshwire.turn.RestCredentials;
import dev.meshwire.turn.server.stun.Integrity;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The long-term key of a REST username, MD5(username:realm:base64(HMAC-SHA1(secret, username))), cached per username
 * so a client's steady stream of Refresh/CreatePermission/ChannelBind costs one HMAC-SHA1 each, not an extra MD5 and
 * HMAC. The cache is bounded (least recently used out) so a flood of distinct usernames cannot grow it. Not
 * thread-safe.
 */
public final class LongTermKeys {
    private static final int MAX_ENTRIES = 8192;
    private final String secret;
    private final String realm;
    private final Map<String, byte[]> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    public LongTermKeys(String secret, String realm) {
        this.secret = secret;
        this.realm = realm;
    }

    public byte[] keyOf(String username) {
        byte[] key = cache.get(username);
        if (key == null) {
            key = Integrity.longTermKey(username, realm, RestCredentials.password(secret, username));
            cache.put(username, key);
        }
        return key;
    }
}
