package dev.meshwire.livekit.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import livekit.LivekitModels.DataPacket;
import livekit.LivekitRtc.DataChannelReceiveState;
import org.junit.jupiter.api.Test;

/** Duplicate reliable packets by (sender sid, sequence), as LiveKit's SDKs drop them after a sender's resume. */
class ReceiveSequencesTest {
    static DataPacket p(String sid, int seq, DataPacket.Kind kind) {
        return DataPacket.newBuilder().setParticipantSid(sid).setSequence(seq).setKind(kind).build();
    }

    @Test
    void reSentReliablePacketsAreDroppedAndTheStatesReportTheHighest() {
        ReceiveSequences r = new ReceiveSequences();
        assertFalse(r.seenBefore(p("PA_a", 1, DataPacket.Kind.RELIABLE)));
        assertFalse(r.seenBefore(p("PA_a", 2, DataPacket.Kind.RELIABLE)));
        assertTrue(r.seenBefore(p("PA_a", 2, DataPacket.Kind.RELIABLE)), "the same sequence again");
        assertTrue(r.seenBefore(p("PA_a", 1, DataPacket.Kind.RELIABLE)), "an older one");
        assertFalse(r.seenBefore(p("PA_b", 1, DataPacket.Kind.RELIABLE)), "another sender numbers on its own");
        assertFalse(r.seenBefore(p("PA_a", 1, DataPacket.Kind.LOSSY)), "lossy packets are not numbered");
        assertFalse(r.seenBefore(p("PA_a", 0, DataPacket.Kind.RELIABLE)), "unnumbered packets pass");
        List<DataChannelReceiveState> states = new ArrayList<>();
        r.states().forEach(states::add);
        assertEquals(List.of("PA_a:2", "PA_b:1"), states.stream().map(s -> s.getPublisherSid() + ":" + s.getLastSeq()).toList());
        r.forget("PA_a");
        assertFalse(r.seenBefore(p("PA_a", 1, DataPacket.Kind.RELIABLE)), "a sender that left starts afresh");
    }
}
