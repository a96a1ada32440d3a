package dev.meshwire.turn.fuzz;

/**
 * How the server took one fuzz input, as the {@code Fuzz} harness counts it. Returning is "accepted" (a success
 * answer); {@link Refused} is the documented refusal (an error answer, a dropped datagram, a closed connection);
 * {@link ServerFault} is a crash: the server stopped answering or counted an internal error.
 */
final class Outcomes {
    /** How often each refusal reason was seen in the current run (printed after it: what the server did with the input). */
    static final java.util.Map<String, java.util.concurrent.atomic.LongAdder> REASONS = new java.util.concurrent.ConcurrentHashMap<>();

    private Outcomes() {}

    /** The reasons counted since the last call, most frequent first, as one line; resets the count. */
    static String drainReasons() {
        String line = REASONS.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                .map(e -> e.getKey() + ": " + e.getValue().sum())
                .collect(java.util.stream.Collectors.joining(", "));
        REASONS.clear();
        return line;
    }

    /** The server refused or ignored the input, as a TURN server may. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
            REASONS.computeIfAbsent(message, k -> new java.util.concurrent.atomic.LongAdder()).increment();
        }
    }

    /** The server misbehaved: no answer to a valid Binding after the input, or an internal error counted. */
    static final class ServerFault extends Exception {
        ServerFault(String message) {
            super(message);
        }
    }
}
