package dev.meshwire.coordinator.p2p;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.coordinator.flow.FlowLimits;
import org.junit.jupiter.api.Test;

/** The signalling buckets of one connection, on an explicit clock. */
class SignalLimiterTest {
    static final FlowLimits LIMITS = FlowLimits.defaults().withSignalRates(200, 400, 50, 100);

    @Test
    void excessIsAnsweredAtMostOnceASecondAndTheBucketRefills() {
        SignalLimiter l = new SignalLimiter(LIMITS, 0);
        for (int i = 0; i < 100; i++) assertEquals(SignalLimiter.Verdict.FORWARD, l.checkPair("bob", 0), "burst of 100 to one peer");
        assertEquals(SignalLimiter.Verdict.REFUSE_ANSWERED, l.checkPair("bob", 0));
        assertEquals("pair", l.lastScope());
        assertEquals(SignalLimiter.Verdict.REFUSE_SILENT, l.checkPair("bob", 10), "a second answer within the second is suppressed");
        assertEquals(SignalLimiter.Verdict.FORWARD, l.checkPair("carol", 10), "other pairs are not affected");
        assertEquals(SignalLimiter.Verdict.FORWARD, l.checkPair("bob", 1000), "refilled at 50/s");
    }

    @Test
    void theMemberBucketCoversEveryRecipient() {
        SignalLimiter l = new SignalLimiter(LIMITS, 0);
        for (int i = 0; i < 400; i++) assertEquals(SignalLimiter.Verdict.FORWARD, l.checkMember(0));
        assertEquals(SignalLimiter.Verdict.REFUSE_ANSWERED, l.checkMember(0));
        assertEquals("member", l.lastScope());
    }

    @Test
    void idlePairBucketsArePrunedSoManyRecipientsLeaveNothingBehind() {
        SignalLimiter l = new SignalLimiter(LIMITS, 0);
        for (int i = 0; i < 1000; i++) l.checkPair("peer" + i, i); // one signal each to 1,000 peers over one second
        assertTrue(l.pairBuckets() <= SignalLimiter.PRUNE_ABOVE + 1, "pair buckets kept: " + l.pairBuckets());
    }

    @Test
    void aRateOfZeroDisablesTheBucket() {
        SignalLimiter l = new SignalLimiter(FlowLimits.defaults().withSignalRates(0, 1, 0, 1), 0);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(SignalLimiter.Verdict.FORWARD, l.checkMember(0));
            assertEquals(SignalLimiter.Verdict.FORWARD, l.checkPair("bob", 0));
        }
        assertEquals(0, l.pairBuckets());
    }
}
