package dev.meshwire.nattest.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClassifierTest {
    static final String LOCAL = "10.0.0.2:4000";

    @Test
    void sameEndpointEverywhereIsEim() {
        String e = "203.0.113.11:4000";
        assertEquals("EIM", Classifier.mapping(LOCAL, e, e, e, e));
    }

    @Test
    void untranslatedEndpointIsNoNat() {
        assertEquals(Classifier.NO_NAT, Classifier.mapping(LOCAL, LOCAL, LOCAL, LOCAL, LOCAL));
    }

    @Test
    void samePerAddressDifferentAcrossAddressesIsAdm() {
        String x = "203.0.113.11:5000", y = "203.0.113.11:6000";
        // order of arguments: A1:P1, A2:P1, A2:P2, A1:P2
        assertEquals("ADM", Classifier.mapping(LOCAL, x, y, y, x));
    }

    @Test
    void differentPerPortIsApdm() {
        assertEquals("APDM", Classifier.mapping(LOCAL, "203.0.113.11:1", "203.0.113.11:2", "203.0.113.11:3",
                "203.0.113.11:4"));
    }

    @Test
    void portDependentButAddressIndependentIsInconsistent() {
        // same for both addresses on one port, different per port: not an RFC 4787 behaviour
        String x = "203.0.113.11:5000", y = "203.0.113.11:6000";
        assertEquals(Classifier.INCONSISTENT, Classifier.mapping(LOCAL, x, x, y, y));
    }

    @Test
    void partiallyReusedPortsAreInconsistentNotApdm() {
        String x = "203.0.113.11:5000";
        // same port for both ports of A1, but different ports for A2: neither ADM nor APDM
        assertEquals(Classifier.INCONSISTENT, Classifier.mapping(LOCAL, x, "203.0.113.11:2", "203.0.113.11:3", x));
    }

    @Test
    void noAnswersIsNoUdpAndSomeMissingIsInconsistent() {
        assertEquals(Classifier.NO_UDP, Classifier.mapping(LOCAL, null, null, null, null));
        String e = "203.0.113.11:4000";
        assertEquals(Classifier.INCONSISTENT, Classifier.mapping(LOCAL, e, null, e, e));
    }

    @Test
    void filteringClasses() {
        assertEquals("EIF", Classifier.filtering(true, true, true));
        assertEquals("ADF", Classifier.filtering(true, false, false));
        assertEquals("APDF", Classifier.filtering(false, false, false));
        assertEquals(Classifier.INCONSISTENT, Classifier.filtering(false, true, false));
        assertEquals(Classifier.INCONSISTENT, Classifier.filtering(true, true, false));
        assertEquals(Classifier.UNKNOWN, Classifier.filtering(true, null, false));
    }

    @Test
    void behaviourLabels() {
        assertEquals("EIM-APDF", Classifier.behaviour("EIM", "APDF", true));
        assertEquals("UDP_BLOCKED", Classifier.behaviour(Classifier.NO_UDP, Classifier.NO_UDP, true));
        assertEquals("NO_CONNECTIVITY", Classifier.behaviour(Classifier.NO_UDP, Classifier.NO_UDP, false));
        assertEquals("NONE", Classifier.behaviour(Classifier.NO_NAT, "EIF", true));
        assertEquals("NO_NAT-APDF", Classifier.behaviour(Classifier.NO_NAT, "APDF", true));
    }

    @Test
    void answeringSocketFollowsTheChangeRequest() {
        assertEquals("[0, 1]", java.util.Arrays.toString(Protocol.Mode.OTHER_PORT.answerer(0, 0)));
        assertEquals("[1, 0]", java.util.Arrays.toString(Protocol.Mode.OTHER_ADDR.answerer(0, 0)));
        assertEquals("[0, 0]", java.util.Arrays.toString(Protocol.Mode.OTHER_BOTH.answerer(1, 1)));
        assertEquals("[1, 0]", java.util.Arrays.toString(Protocol.Mode.SAME.answerer(1, 0)));
    }
}
