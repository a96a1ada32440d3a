package dev.meshwire.nattest.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Parsing {@code conntrack -L -p udp} (accounting on) into packets received from one address. */
class FlowEvidenceTest {
    private static final String LISTING = String.join("\n",
            // outbound direct flow A -> B's srflx: the peer is the reply's source (40 packets came back)
            "udp      17 118 src=10.1.0.2 dst=203.0.113.12 sport=49306 dport=51592 packets=41 bytes=9000 "
                    + "src=203.0.113.12 dst=203.0.113.11 sport=51592 dport=49306 packets=40 bytes=8800 [ASSURED] mark=0 use=1",
            // inbound flow let in by the EIF map: the peer is the original's source (7 packets)
            "udp      17 118 src=203.0.113.12 dst=203.0.113.11 sport=40000 dport=49306 packets=7 bytes=700 "
                    + "src=10.1.0.2 dst=203.0.113.12 sport=49306 dport=40000 packets=6 bytes=600 mark=0 use=1",
            // a check the peer's filter dropped: nothing came back
            "udp      17 25 src=10.1.0.2 dst=203.0.113.12 sport=49306 dport=7000 packets=9 bytes=900 [UNREPLIED] "
                    + "src=203.0.113.12 dst=203.0.113.11 sport=7000 dport=49306 packets=0 bytes=0 mark=0 use=1",
            // traffic with coturn and the coordinator does not count
            "udp      17 118 src=10.1.0.2 dst=203.0.113.2 sport=49306 dport=3478 packets=99 bytes=9900 "
                    + "src=203.0.113.2 dst=203.0.113.11 sport=3478 dport=49306 packets=99 bytes=9900 [ASSURED] mark=0 use=1"
                    + "conntrack v1.4.7 (conntrack-tools): 4 flow entries have been shown.");

    @Test
    void countsPacketsThatCameFromThePeerInEitherDirectionOfAnEntry() {
        assertEquals(47, FlowEvidence.packetsFrom(LISTING, "203.0.113.12"));
    }

    @Test
    void otherAddressesAndListingsWithoutAccountingCountZero() {
        assertEquals(0, FlowEvidence.packetsFrom(LISTING, "203.0.113.99"));
        assertEquals(0, FlowEvidence.packetsFrom(
                "udp 17 29 src=10.1.0.2 dst=203.0.113.12 sport=1 dport=2 src=203.0.113.12 dst=203.0.113.11 sport=2 dport=1 mark=0 use=1",
                "203.0.113.12"));
        assertEquals(0, FlowEvidence.packetsFrom("", "203.0.113.12"));
    }
}
