package dev.meshwire.peer.meshstate;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.meshwire.signaling.frame.Frames;

/**
 * One key of a mesh as {@code meshwire members} shows it: what the verified mesh state says (name,
 * role, status, joined, expiry, why it was banned or revoked) and, on top, presence as the coordinator
 * last reported it (online, connected since, capabilities, last seen).
 *
 * @param status    {@code active}, {@code expired} (active but past {@code expiresAt}), {@code banned} or {@code revoked}
 * @param lastSeen  epoch ms when this daemon last saw the member online (null: not since the daemon started)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Member(String pubkey, String name, String role, String status, boolean self, boolean online, Long connectedSince,
                     Long lastSeen, Boolean p2p, long joinedAt, Long expiresAt, Long since, String reason, String by) {

    public static final String EXPIRED = "expired";

    public boolean active() {
        return "active".equals(status);
    }

    /** The shape target resolution and transport selection use. */
    public Frames.PeerInfo peerInfo(Frames.Capabilities caps) {
        return new Frames.PeerInfo(pubkey, name, role, online, connectedSince, caps);
    }
}
