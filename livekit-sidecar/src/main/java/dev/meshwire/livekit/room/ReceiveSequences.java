package dev.meshwire.livekit.room;

import java.util.LinkedHashMap;
import java.util.Map;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitRtc.DataChannelReceiveState;

/**
 * Per sender (participant sid), the highest reliable {@code DataPacket.sequence} received. LiveKit's SDKs number their
 * reliable packets and, after their own resume, re-send what was still buffered from the sequence the server reports
 * ({@code ReconnectResponse.last_message_seq}); a receiver drops what it already had, as the SDKs do (rust-sdks
 * {@code update_packet_rx_state}). The same numbers are our {@code SyncState} data channel receive states.
 * Bounded ({@link #MAX_SENDERS}); owned by one session's thread.
 */
final class ReceiveSequences {
    static final int MAX_SENDERS = 10_000;
    private final Map<String, Integer> last = new LinkedHashMap<>();

    /** True if {@code p} is a reliable packet this sender already sent us (drop it); records it otherwise. */
    boolean seenBefore(DataPacket p) {
        if (p.getKind() != DataPacket.Kind.RELIABLE || p.getSequence() == 0 || p.getParticipantSid().isEmpty()) return false;
        Integer prev = last.get(p.getParticipantSid());
        if (prev != null && Integer.compareUnsigned(p.getSequence(), prev) <= 0) return true;
        if (prev != null || last.size() < MAX_SENDERS) last.put(p.getParticipantSid(), p.getSequence());
        return false;
    }

    /** A sender left: when it comes back (even under the same sid) its numbering starts afresh. */
    void forget(String sid) {
        last.remove(sid);
    }

    /** The receive states for a {@code SyncState}. */
    Iterable<DataChannelReceiveState> states() {
        return last.entrySet().stream().map(e -> DataChannelReceiveState.newBuilder()
                .setPublisherSid(e.getKey()).setLastSeq(e.getValue()).build()).toList();
    }
}
