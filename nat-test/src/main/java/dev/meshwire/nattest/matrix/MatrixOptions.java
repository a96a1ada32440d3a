package dev.meshwire.nattest.matrix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of {@link NatMatrix}, which is also what {@code ./meshwire nat-test} and
 * {@code nat-test/run-matrix.sh} pass through. {@link #parse} checks everything that can be checked without root,
 * so a typo gives one line and exit 2 before any namespace is built.
 *
 * @param full       the full matrix (else quick)
 * @param turn       which TURN server the coordinator hands out besides its STUN ({@code --turn meshwire|coturn|none})
 * @param only       cell ids to run (null: every cell of the matrix)
 * @param pathWaitMs how long after the first send to wait for an open channel
 * @param list       print the cell ids of the chosen matrix and exit
 */
record MatrixOptions(boolean full, TurnChoice turn, List<String> only, int messages, int parallel, long pathWaitMs,
                     boolean json, boolean list, boolean help, Path jar, Path classes, Path reportDir, Path work) {

    static final String USAGE = "usage: nat-test [--matrix quick|full] [--turn meshwire|coturn|none] [--only CELL,...] [--messages N]"
            + " [--parallel N] [--path-wait SECONDS] [--json] [--list]";

    /** A bad command line: the message is printed as one line, exit 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static MatrixOptions parse(String... args) throws UsageException {
        Boolean full = null;
        TurnChoice turn = TurnChoice.MESHWIRE;
        boolean json = false, list = false, help = false;
        List<String> only = null;
        Integer messages = null, parallel = null;
        Long pathWaitMs = null;
        Path jar = null, classes = null, reportDir = null, work = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "quick", "full" -> full = matrix(full, a);
                case "--matrix" -> full = matrix(full, oneOf(a, value(args, ++i, a), "quick", "full"));
                case "--turn" -> turn = TurnChoice.parse(oneOf(a, value(args, ++i, a), "meshwire", "coturn", "none"));
                case "--only" -> only = cellIds(value(args, ++i, a));
                case "--messages" -> messages = (int) number(a, value(args, ++i, a), 1);
                case "--parallel" -> parallel = (int) number(a, value(args, ++i, a), 1);
                case "--path-wait" -> pathWaitMs = number(a, value(args, ++i, a), 0) * 1000;
                case "--json" -> json = true;
                case "--list" -> list = true;
                case "-h", "--help" -> help = true;
                case "--jar" -> jar = Path.of(value(args, ++i, a));
                case "--classes" -> classes = Path.of(value(args, ++i, a));
                case "--report-dir" -> reportDir = Path.of(value(args, ++i, a));
                case "--work" -> work = Path.of(value(args, ++i, a));
                default -> throw new UsageException((a.startsWith("-") ? "unknown option " : "unexpected argument ") + a);
            }
        }
        boolean isFull = full != null && full;
        if (!help && !list && (jar == null || classes == null)) {
            throw new UsageException("--jar and --classes are required (run it as ./meshwire nat-test or nat-test/run-matrix.sh)");
        }
        // full: more cells, so fewer messages each, several cells at once and a shorter wait for a channel
        return new MatrixOptions(isFull, turn, only, messages != null ? messages : isFull ? 10 : 20,
                parallel != null ? parallel : isFull ? 4 : 1, pathWaitMs != null ? pathWaitMs : isFull ? 30_000 : 15_000,
                json, list, help, jar, classes, reportDir, work);
    }

    /**
     * "quick" or "full", then the TURN server's suffix ("" meshwire, "-coturn", "-noturn"): names the report files,
     * so each variant keeps its own.
     */
    String mode() {
        return (full ? "full" : "quick") + turn.reportSuffix();
    }

    /** Every cell of the chosen matrix. */
    List<Cell> matrix() {
        return full ? Cell.full(turn.relays()) : Cell.quick(turn.relays());
    }

    /** The cells to run: the matrix, or the {@code --only} subset of it in matrix order. */
    List<Cell> cells() throws UsageException {
        List<Cell> all = matrix();
        if (only == null) return all;
        Set<String> ids = new LinkedHashSet<>(only);
        List<Cell> picked = new ArrayList<>();
        for (Cell c : all) if (ids.remove(c.id())) picked.add(c);
        if (!ids.isEmpty()) {
            throw new UsageException("no cell " + String.join(", ", ids) + " in the " + mode() + " matrix (--list shows its cells)");
        }
        return picked;
    }

    private static boolean matrix(Boolean earlier, String value) throws UsageException {
        boolean full = value.equals("full");
        if (earlier != null && earlier != full) throw new UsageException("choose one matrix: quick or full");
        return full;
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) throw new UsageException(option + " needs a value");
        return args[i];
    }

    private static String oneOf(String option, String v, String... allowed) throws UsageException {
        for (String a : allowed) if (a.equals(v)) return v;
        throw new UsageException(option + " must be " + String.join(", ", allowed).replaceFirst(", ([^,]*)$", " or $1")
                + ", not " + v);
    }

    private static long number(String option, String v, long min) throws UsageException {
        try {
            long n = Long.parseLong(v);
            if (n >= min) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(option + " needs a whole number >= " + min + ", not " + v);
    }

    private static List<String> cellIds(String v) throws UsageException {
        List<String> ids = new ArrayList<>();
        for (String s : v.split(",")) if (!s.isBlank()) ids.add(s.trim());
        if (ids.isEmpty()) throw new UsageException("--only needs at least one cell id");
        return List.copyOf(ids);
    }
}
