package dev.meshwire.peer.coordinator;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;

/**
 * A joined mesh while the daemon runs: its record, identity, one {@link BoxCipher} (so shared keys
 * are precomputed once per peer for the daemon's lifetime), its coordinator link, and its roster (the
 * verified mesh state plus presence: the one owner of membership, which outlives the link).
 */
public record MeshSession(MeshConfig config, Identity identity, BoxCipher cipher, CoordinatorLink link, MeshRoster roster) {
    /**
     * Refuses ({@code coordinator_unreachable}, naming the link's state) an operation that must reach the
     * coordinator while the link is down; returns this session otherwise.
     */
    public MeshSession requireConnected() {
        if (!link.connected()) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "not connected to the coordinator of mesh '"
                    + name() + "' (" + link.describeState() + ")");
        }
        return this;
    }

    public String name() {
        return config.name();
    }

    public String selfPubkey() {
        return identity.publicKeyHex();
    }
}
