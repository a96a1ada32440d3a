package dev.meshwire.nattest.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nat-test command line: defaults, the report names, and bad input as one line with exit 2 (no root needed). */
class MatrixOptionsTest {
    private static final String[] PATHS = {"--jar", "x.jar", "--classes", "target/classes"};

    private static MatrixOptions parse(String... args) throws MatrixOptions.UsageException {
        String[] all = new String[PATHS.length + args.length];
        System.arraycopy(PATHS, 0, all, 0, PATHS.length);
        System.arraycopy(args, 0, all, PATHS.length, args.length);
        return MatrixOptions.parse(all);
    }

    @Test
    void defaultsPerMatrix() throws Exception {
        MatrixOptions q = parse();
        assertEquals("quick", q.mode());
        assertEquals(TurnChoice.MESHWIRE, q.turn());       // the coordinator's own TURN server by default
        assertEquals(20, q.messages());
        assertEquals(1, q.parallel());
        assertEquals(15_000, q.pathWaitMs());
        MatrixOptions f = parse("--matrix", "full");
        assertEquals("full", f.mode());
        assertEquals(10, f.messages());
        assertEquals(4, f.parallel());
        assertEquals(30_000, f.pathWaitMs());
        assertEquals("full", parse("full").mode());          // the positional form run-matrix.sh always took
    }

    @Test
    void turnNoneNamesItsOwnReportAndPicksTheStunOnlyCells() throws Exception {
        MatrixOptions o = parse("--turn", "none", "--matrix", "quick", "--only", "sym-sym-stun,flat-flat", "--json",
                "--messages", "5", "--parallel", "2", "--path-wait", "7");
        assertEquals("quick-noturn", o.mode());
        assertEquals(TurnChoice.NONE, o.turn());
        assertTrue(o.json());
        assertEquals(List.of("flat-flat", "sym-sym-stun"), o.cells().stream().map(Cell::id).toList());   // matrix order
        assertEquals(5, o.messages());
        assertEquals(7_000, o.pathWaitMs());
        assertEquals("full-noturn", parse("--turn", "none", "full").mode());
        assertNull(parse("--turn", "coturn").only());
    }

    @Test
    void eachTurnServerNamesItsOwnReportAndRunsTheSameCells() throws Exception {
        assertEquals("full", parse("--turn", "meshwire", "full").mode());
        assertEquals("full-coturn", parse("--turn", "coturn", "full").mode());
        assertEquals("quick-coturn", parse("--turn", "coturn").mode());
        // the same cells (ids, physics) for both TURN servers, so two runs compare cell by cell
        assertEquals(parse("--turn", "coturn", "full").cells(), parse("--turn", "meshwire", "full").cells());
        assertEquals(List.of("flat-flat", "cone-cone-stun", "rcone-sym-turn", "sym-sym-turn", "udpblocked-turn-tcp"),
                parse().cells().stream().map(Cell::id).toList());
    }

    @Test
    void badInputIsAUsageError() {
        for (String[] bad : List.of(new String[] {"--matrix", "huge"}, new String[] {"--turn", "stun"}, new String[] {"--messages", "0"},
                new String[] {"--parallel", "two"}, new String[] {"--path-wait"}, new String[] {"--bogus"}, new String[] {"medium"},
                new String[] {"quick", "--matrix", "full"}, new String[] {"--only", ","}, new String[] {"--only", "--json"})) {
            assertThrows(MatrixOptions.UsageException.class, () -> parse(bad), String.join(" ", bad));
        }
        assertThrows(MatrixOptions.UsageException.class, () -> MatrixOptions.parse("quick"));   // no --jar/--classes
    }

    @Test
    void unknownCellIsAUsageErrorNamingTheMatrix() throws Exception {
        MatrixOptions o = parse("--turn", "none", "--only", "sym-sym-turn");   // a cell of the TURN matrices
        var e = assertThrows(MatrixOptions.UsageException.class, o::cells);
        assertTrue(e.getMessage().contains("sym-sym-turn") && e.getMessage().contains("quick-noturn"), e.getMessage());
    }

    @Test
    void runPrintsOneLineAndExits2BeforeAnyPreflight() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = NatMatrix.run(new String[] {"--matrix", "full", "--turn", "maybe"}, new PrintStream(out, true),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        String e = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.startsWith("nat-test: --turn must be meshwire, coturn or none, not maybe") && e.contains("usage:"), e);
        assertEquals("", out.toString());
    }

    @Test
    void listPrintsTheCellsWithoutRoot() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = NatMatrix.run(new String[] {"--list", "--matrix", "full"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, code);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(Cell.full().size(), lines.size());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("dbl-eim-eif-in-eim-adf_none-turn  EIM-EIF→EIM-ADF (as EIM-ADF) <-> NONE")),
                lines.toString());
    }
}
