package dev.meshwire.signaling.fuzz;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one network-facing parser over a stream of generated inputs and classifies every outcome:
 * <b>accepted</b> (it returned), <b>refused</b> (it threw its documented refusal, with a message) or
 * <b>crash</b> (anything else escaped: a NullPointerException, a library exception the contract does
 * not name, a StackOverflowError, …). A crash does not stop the run, so one run counts them all; the
 * test then fails through {@link FuzzResult#assertNoCrash()} with the seed and the minimized input.
 *
 * <p>The same tests serve CI and {@code bench/fuzz.sh}; system properties set the size of a run:
 * <ul>
 *   <li>{@value #COUNT_PROPERTY}: inputs per parser (default {@value #DEFAULT_COUNT})</li>
 *   <li>{@value #SEED_PROPERTY}: the run's seed (default: a fixed seed per parser, so CI is repeatable)</li>
 *   <li>{@value #THREADS_PROPERTY}: threads (default: one per core)</li>
 *   <li>{@value #REPORT_PROPERTY}: a directory; when set, each run appends its result as one JSON line
 *       to {@code fuzz-results.jsonl} there (what bench/fuzz.sh summarizes)</li>
 * </ul>
 * Input {@code i} is generated from its own {@code Random(mix(seed, i))}, so any input is reproducible
 * from the seed and its index alone.
 *
 * <p>Where more parsers plug in: a STUN/TURN message decoder (the TURN issue) gets its own test that
 * calls {@code Fuzz.run("stun", Mutator.binary(realMessages, 0, 2, 4, 20), bytes -> Stun.decode(bytes),
 * Contract.refusing(StunException.class))} — the binary mutator already aims at header fields by
 * offset (type, length, magic cookie, first attribute).
 */
public final class Fuzz {
    public static final String COUNT_PROPERTY = "fuzz.count";
    public static final String SEED_PROPERTY = "fuzz.seed";
    public static final String REPORT_PROPERTY = "fuzz.report";
    public static final String THREADS_PROPERTY = "fuzz.threads";
    public static final int DEFAULT_COUNT = 100_000;
    /** Crashes kept with their inputs (the rest are only counted). */
    static final int KEPT_CRASHES = 5;
    /** Inputs a thread takes at a time. */
    private static final int CHUNK = 256;

    /** Produces the input for one attempt; must use only {@code random} for choices (reproducibility). */
    @FunctionalInterface
    public interface Generator {
        byte[] next(Random random);
    }

    /** Feeds one input to the parser under test; returning means accepted. */
    @FunctionalInterface
    public interface Parser {
        void parse(byte[] input) throws Exception;
    }

    /**
     * What a parser may throw when it refuses an input: its documented exception types, each with a
     * non-blank message. NumberFormatException is never a refusal, although it is an
     * IllegalArgumentException: it is what a parser lets escape from {@code Integer.parseInt}.
     */
    public record Contract(List<Class<? extends Throwable>> refusals) {
        @SafeVarargs
        public static Contract refusing(Class<? extends Throwable>... types) {
            return new Contract(List.of(types));
        }

        public boolean isRefusal(Throwable t) {
            if (t instanceof NumberFormatException) return false;
            if (t.getMessage() == null || t.getMessage().isBlank()) return false;
            for (Class<? extends Throwable> c : refusals) if (c.isInstance(t)) return true;
            return false;
        }
    }

    private Fuzz() {}

    /** Each input from one of {@code generators}, chosen at random. */
    public static Generator oneOf(Generator... generators) {
        return r -> generators[r.nextInt(generators.length)].next(r);
    }

    /** The number of inputs per parser for this run. */
    public static int count() {
        return Integer.getInteger(COUNT_PROPERTY, DEFAULT_COUNT);
    }

    /**
     * Runs {@code parser} over {@link #count()} inputs from {@code generator} on {@value #THREADS_PROPERTY}
     * threads (default: one per core) and returns what happened. The parser and the generator must be
     * thread-safe (stateless, or state made per input). The outcome does not depend on the thread count:
     * each input is a function of the seed and its index, and the crashes kept are the earliest ones.
     */
    public static FuzzResult run(String target, Generator generator, Parser parser, Contract contract) {
        return run(target, count(), generator, parser, contract);
    }

    /** As {@link #run(String, Generator, Parser, Contract)}, with {@code count} inputs whatever the property says. */
    public static FuzzResult run(String target, int count, Generator generator, Parser parser, Contract contract) {
        long seed = Long.getLong(SEED_PROPERTY, defaultSeed(target));
        int threads = Math.max(1, Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors()));
        Tally tally = new Tally();
        AtomicLong next = new AtomicLong();
        long t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            Thread t = new Thread(() -> {
                for (long start; (start = next.getAndAdd(CHUNK)) < count; ) {
                    for (long i = start; i < Math.min(count, start + CHUNK); i++) {
                        byte[] input = generator.next(new Random(mix(seed, i)));
                        long s = System.nanoTime();
                        Throwable escaped = attempt(parser, input);
                        tally.add(i, input, escaped, contract, System.nanoTime() - s);
                    }
                }
                tally.cpuNanos.add(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
            }, "fuzz-" + target + "-" + w);
            t.setUncaughtExceptionHandler((th, e) -> tally.generatorFailed(e));
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while fuzzing " + target, e);
            }
        }
        tally.rethrowGeneratorFailure(target);
        List<FuzzResult.Crash> kept = tally.firstCrashes().stream()
                .map(c -> new FuzzResult.Crash(c.index(), Minimizer.minimize(c.input(), in -> {
                    Throwable t = attempt(parser, in);
                    return t != null && !contract.isRefusal(t) && t.getClass() == c.thrown().getClass();
                }), c.thrown()))
                .toList();
        FuzzResult result = new FuzzResult(target, seed, count, tally.accepted.sum(), tally.refused.sum(), tally.crashes.sum(), kept,
                (System.nanoTime() - t0) / 1_000_000, tally.cpuNanos.sum() / 1_000_000, tally.slowestNanos / 1_000, tally.slowestIndex,
                threads);
        result.report(System.getProperty(REPORT_PROPERTY));
        System.out.println(result.summary());
        return result;
    }

    /** The counts of a run, shared by its threads. */
    private static final class Tally {
        final LongAdder accepted = new LongAdder();
        final LongAdder refused = new LongAdder();
        final LongAdder crashes = new LongAdder();
        /** CPU time of the workers: what the run costs whatever else the machine is doing. */
        final LongAdder cpuNanos = new LongAdder();
        /** The earliest crash of each distinct bug (exception type and where it was thrown). */
        private final Map<String, FuzzResult.Crash> firstByBug = new ConcurrentHashMap<>();
        private final AtomicReference<Throwable> generatorFailure = new AtomicReference<>();
        long slowestNanos;
        long slowestIndex = -1;

        void add(long index, byte[] input, Throwable escaped, Contract contract, long nanos) {
            if (escaped == null) {
                accepted.increment();
            } else if (contract.isRefusal(escaped)) {
                refused.increment();
            } else {
                crashes.increment();
                firstByBug.merge(FuzzResult.Crash.bugKey(escaped), new FuzzResult.Crash(index, input, escaped),
                        (a, b) -> a.index() <= b.index() ? a : b);
            }
            synchronized (this) {
                if (nanos > slowestNanos) {
                    slowestNanos = nanos;
                    slowestIndex = index;
                }
            }
        }

        List<FuzzResult.Crash> firstCrashes() {
            return firstByBug.values().stream().sorted(Comparator.comparingLong(FuzzResult.Crash::index)).limit(KEPT_CRASHES).toList();
        }

        void generatorFailed(Throwable e) {
            generatorFailure.compareAndSet(null, e);
        }

        void rethrowGeneratorFailure(String target) {
            Throwable e = generatorFailure.get();
            if (e != null) throw new IllegalStateException("the generator of " + target + " failed (a bug in the test)", e);
        }
    }

    /** Null when the parser returned; else what it threw. */
    private static Throwable attempt(Parser parser, byte[] input) {
        try {
            parser.parse(input);
            return null;
        } catch (Throwable t) { // OutOfMemoryError and StackOverflowError included: an input must not cause them
            return t;
        }
    }

    private static long defaultSeed(String target) {
        return 0x6d657368L * 31 + target.hashCode();
    }

    /** SplitMix64 of (seed, index): independent, well-spread seeds for consecutive indices. */
    static long mix(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
