package dev.meshwire.peer.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.onvoid.webrtc.RTCStats;
import dev.onvoid.webrtc.RTCStatsReport;
import dev.onvoid.webrtc.RTCStatsType;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The path a user is shown comes from the stats report's selected pair. Seen in the NAT matrix with meshwire's TURN:
 * the peer's relayed address learned as peer-reflexive made a TURN path read "direct prflx".
 */
class SelectedPairTest {

    @Test
    void aPeerReflexiveCandidateThatIsThePeersTrickledRelayAddressIsTurn() {
        RTCStatsReport r = report(remote("r1", "prflx", "203.0.113.2", 49160), remote("r2", "relay", "203.0.113.2", 49160));
        CandidatePair p = P2pSession.selectedPair(r, SignalledCandidates.none());
        assertEquals("relay", p.remoteType());
        assertEquals("turn", p.pathName());
    }

    @Test
    void aPeerReflexiveCandidateElsewhereStaysDirect() {
        // Same host as the relay but another port: a NAT mapping, not the relay.
        RTCStatsReport r = report(remote("r1", "prflx", "203.0.113.2", 40000), remote("r2", "relay", "203.0.113.2", 49160));
        assertEquals("direct prflx", P2pSession.selectedPair(r, SignalledCandidates.none()).pathName());
    }

    @Test
    void aPeerReflexiveCandidateThatIsTheTrickledHostIsDirectHostAtBothEnds() {
        // The demo on one machine: the peer's check won the race with its trickled host candidate. The other end
        // reads "direct host"; so must this one.
        RTCStatsReport r = report(remote("r1", "prflx", "10.0.1.3", 5001), remote("r2", "host", "10.0.1.3", 5001));
        assertEquals("direct host", P2pSession.selectedPair(r, SignalledCandidates.none()).pathName());
    }

    @Test
    void aPeerReflexiveCandidateThatIsTheTrickledSrflxIsDirectSrflx() {
        RTCStatsReport r = report(remote("r1", "prflx", "198.51.100.9", 61000), remote("r2", "srflx", "198.51.100.9", 61000));
        assertEquals("direct srflx", P2pSession.selectedPair(r, SignalledCandidates.none()).pathName());
    }

    @Test
    void aPeerReflexiveCandidateWhoseTrickledTwinIsNotInTheReportIsNamedByWhatThePeerTrickled() {
        // libwebrtc lists a remote candidate only while a pair uses it; the session's own record answers then.
        RTCStatsReport r = report(remote("r1", "prflx", "10.0.1.3", 5001), remote("r2", "srflx", "198.51.100.9", 61000));
        SignalledCandidates trickled = SignalledCandidates.none();
        trickled.add("candidate:1467250027 1 udp 2122260223 10.0.1.3 5001 typ host generation 0 ufrag x network-id 1");
        assertEquals("direct host", P2pSession.selectedPair(r, trickled).pathName());
        assertEquals("direct prflx", P2pSession.selectedPair(r, SignalledCandidates.none()).pathName());
    }

    @Test
    void aTrickledRelayAddressWinsOverAnyOtherTypeAtTheSameAddress() {
        SignalledCandidates trickled = SignalledCandidates.none();
        trickled.add("candidate:2 1 udp 41885439 203.0.113.2 49160 typ relay raddr 0.0.0.0 rport 0");
        trickled.add("candidate:3 1 udp 1686052607 203.0.113.2 49160 typ srflx raddr 10.0.0.2 rport 5000");
        trickled.add("not a candidate");
        assertEquals("relay", trickled.typeOf("203.0.113.2", "49160"));
        RTCStatsReport r = report(remote("r1", "prflx", "203.0.113.2", 49160), remote("r2", "host", "10.9.9.9", 1));
        assertEquals("turn", P2pSession.selectedPair(r, trickled).pathName());
    }

    @Test
    void olderStatsNameTheAddressIp() {
        RTCStatsReport r = report(stats("r1", RTCStatsType.REMOTE_CANDIDATE, Map.of("candidateType", "prflx", "ip", "198.51.100.7", "port", 50000, "protocol", "udp")),
                stats("r2", RTCStatsType.REMOTE_CANDIDATE, Map.of("candidateType", "relay", "ip", "198.51.100.7", "port", 50000, "protocol", "udp")));
        assertEquals("turn", P2pSession.selectedPair(r, SignalledCandidates.none()).pathName());
    }

    private static RTCStats remote(String id, String type, String address, int port) {
        return stats(id, RTCStatsType.REMOTE_CANDIDATE, Map.of("candidateType", type, "address", address, "port", port, "protocol", "udp"));
    }

    /** A report whose selected pair joins a host local candidate to {@code selectedRemote}. */
    private static RTCStatsReport report(RTCStats selectedRemote, RTCStats other) {
        Map<String, RTCStats> all = new HashMap<>();
        all.put("t", stats("t", RTCStatsType.TRANSPORT, Map.of("selectedCandidatePairId", "p")));
        all.put("p", stats("p", RTCStatsType.CANDIDATE_PAIR, Map.of("localCandidateId", "l", "remoteCandidateId", selectedRemote.getId(),
                "state", "succeeded", "nominated", true)));
        all.put("l", stats("l", RTCStatsType.LOCAL_CANDIDATE, Map.of("candidateType", "host", "address", "10.0.1.2", "port", 5000, "protocol", "udp")));
        all.put(selectedRemote.getId(), selectedRemote);
        all.put(other.getId(), other);
        return new RTCStatsReport(all, 0) {};
    }

    private static RTCStats stats(String id, RTCStatsType type, Map<String, Object> attributes) {
        return new RTCStats(0, type, id, attributes) {};
    }
}
