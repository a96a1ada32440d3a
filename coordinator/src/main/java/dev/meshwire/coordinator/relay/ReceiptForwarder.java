package dev.meshwire.coordinator.relay;

import dev.meshwire.coordinator.presence.PeerConnection;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.coordinator.queue.DeliveryReceipts;
import dev.meshwire.signaling.frame.Frames;
import java.util.List;

/**
 * Sends a {@code receipt} to the original sender of an acknowledged message, on its current connection in
 * the same mesh. Who gets it is decided by the stored row (its sender), never by the acking client; a
 * sender that is not connected now (offline, kicked, banned, revoked: presence holds only authenticated
 * members in good standing) gets nothing, because receipts are not stored (docs/protocol.md "receipt").
 * Only connections that listed the {@value #FEATURE} feature in their capabilities get one, so an older
 * daemon never sees a frame type it does not know. Counted like every frame out ({@code meshwire_frames_out_total{type=receipt}}).
 */
public final class ReceiptForwarder implements DeliveryReceipts {
    /** The capability feature a client lists to get receipts. */
    public static final String FEATURE = "receipts";

    private final PresenceRegistry presence;

    public ReceiptForwarder(PresenceRegistry presence) {
        this.presence = presence;
    }

    @Override
    public void acknowledged(String meshId, String sender, String recipient, String messageId, String clientMessageId, long at) {
        if (sender == null || sender.equals(recipient)) return;
        PeerConnection conn = presence.get(meshId, sender);
        if (conn == null || !wantsReceipts(conn)) return;
        conn.send(new Frames.Receipt(meshId, messageId, clientMessageId, recipient, at));
    }

    static boolean wantsReceipts(PeerConnection conn) {
        Frames.PeerInfo info = conn.peerInfo();
        List<String> features = info == null || info.capabilities() == null ? null : info.capabilities().features();
        return features != null && features.contains(FEATURE);
    }
}
