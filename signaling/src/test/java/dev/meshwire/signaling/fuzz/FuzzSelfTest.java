package dev.meshwire.signaling.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness itself: it counts outcomes, and a crash fails the run with the seed and a minimized input. */
class FuzzSelfTest {
    private static final Fuzz.Contract REFUSES_IAE = Fuzz.Contract.refusing(IllegalArgumentException.class);

    /** Refuses input without a '{'; "crashes" (NullPointerException) on any input containing "boom". */
    static void fragile(byte[] input) {
        String s = new String(input, StandardCharsets.ISO_8859_1);
        if (s.contains("boom")) throw new NullPointerException();
        if (!s.contains("{")) throw new IllegalArgumentException("no object");
    }

    @Test
    void aCrashFailsWithTheSeedAndTheMinimizedInput() {
        Mutator m = Mutator.json(List.of("{\"a\":\"xxboomxx\",\"b\":[1,2,3]}", "{\"c\":true}"));
        FuzzResult r = Fuzz.run("self", 2_000, m, FuzzSelfTest::fragile, REFUSES_IAE);
        assertEquals(2_000, r.accepted() + r.refused() + r.crashes());
        assertTrue(r.crashes() > 0 && r.accepted() > 0 && r.refused() > 0, r.summary());
        AssertionError e = assertThrows(AssertionError.class, r::assertNoCrash);
        assertTrue(e.getMessage().contains("-Dfuzz.seed=" + r.seed()), e.getMessage());
        assertTrue(e.getMessage().contains("(4 bytes, minimized): \"boom\""), e.getMessage());
        assertTrue(e.getMessage().contains("hex: 626f6f6d"), e.getMessage());
        assertTrue(e.getMessage().contains("NullPointerException"), e.getMessage());
    }

    @Test
    void theOutcomeIsTheSameOnOneThreadAndOnMany() {
        Mutator m = Mutator.json(List.of("{\"a\":\"xxboomxx\"}", "{\"c\":[true,null]}"));
        String before = System.getProperty(Fuzz.THREADS_PROPERTY);
        try {
            System.setProperty(Fuzz.THREADS_PROPERTY, "1");
            FuzzResult one = Fuzz.run("self", 3_000, m, FuzzSelfTest::fragile, REFUSES_IAE);
            System.setProperty(Fuzz.THREADS_PROPERTY, "4");
            FuzzResult four = Fuzz.run("self", 3_000, m, FuzzSelfTest::fragile, REFUSES_IAE);
            assertEquals(List.of(one.accepted(), one.refused(), one.crashes(), one.kept().get(0).index()),
                    List.of(four.accepted(), four.refused(), four.crashes(), four.kept().get(0).index()));
        } finally {
            if (before == null) System.clearProperty(Fuzz.THREADS_PROPERTY);
            else System.setProperty(Fuzz.THREADS_PROPERTY, before);
        }
    }

    @Test
    void anUndocumentedExceptionOrOneWithoutMessageIsNotARefusal() {
        assertTrue(REFUSES_IAE.isRefusal(new IllegalArgumentException("why")));
        assertEquals(false, REFUSES_IAE.isRefusal(new IllegalArgumentException()));
        assertEquals(false, REFUSES_IAE.isRefusal(new NumberFormatException("For input string: \"x\"")));
        assertEquals(false, REFUSES_IAE.isRefusal(new IllegalStateException("other")));
        assertEquals(false, REFUSES_IAE.isRefusal(new StackOverflowError("deep")));
    }
}
