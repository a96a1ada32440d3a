package dev.meshwire.peer.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How {@link PathTable} names a peer's path as the channel opens and ICE changes its selected pair. */
class PathTableTest {
    private static final String PEER = "ab".repeat(32);
    private static final CandidatePair TURN = new CandidatePair("relay", "udp", "srflx", "udp");
    private static final CandidatePair SRFLX = new CandidatePair("host", "udp", "srflx", "udp");

    @Test
    void firstPairKeepsTheOpenTimeAsSince() {
        PathTable t = new PathTable();
        t.state(PEER, SessionState.OPEN, 1_000);
        assertEquals("direct", t.get(PEER).path());
        t.pair(PEER, TURN, 1_200);
        assertEquals("turn udp", t.get(PEER).path());
        assertEquals(1_000, t.get(PEER).since());
    }

    @Test
    void switchFromTurnToDirectIsShownWithANewSince() {
        PathTable t = new PathTable();
        t.state(PEER, SessionState.OPEN, 1_000);
        t.pair(PEER, TURN, 1_200);
        t.pair(PEER, SRFLX, 5_000);
        assertEquals("direct srflx", t.get(PEER).path());
        assertEquals(5_000, t.get(PEER).since());
        t.pair(PEER, SRFLX, 9_000);          // same pair re-read: nothing changes
        assertEquals(5_000, t.get(PEER).since());
    }

    @Test
    void aPairReportedAfterTheChannelClosedIsIgnored() {
        PathTable t = new PathTable();
        t.state(PEER, SessionState.OPEN, 1_000);
        t.state(PEER, SessionState.CLOSED, 2_000);
        t.pair(PEER, SRFLX, 2_100);
        assertEquals(PeerPath.RELAY, t.get(PEER).path());
    }
}
