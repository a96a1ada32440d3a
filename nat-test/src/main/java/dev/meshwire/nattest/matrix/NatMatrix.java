package dev.meshwire.nattest.matrix;

import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.nattest.topology.Preflight;
import dev.meshwire.nattest.topology.Topology;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The peer-to-peer result matrix: for each cell, real daemons behind real (namespace) NATs, a real coordinator
 * with its embedded TURN server, or coturn beside it ({@code --turn meshwire|coturn|none}), and what path they end up on.
 *
 * <pre>
 *  NatMatrix --jar peer-runtime/target/meshwire.jar --classes nat-test/target/classes [--report-dir DIR] [--work DIR]
 *            [--matrix quick|full | quick|full] [--turn meshwire|coturn|none] [--only CELL,...] [--messages N] [--parallel N]
 *            [--path-wait SECONDS] [--json] [--list]
 * </pre>
 * The Markdown report (or with {@code --json} the JSON one) goes to stdout, progress to stderr. Reports are written
 * as {@code matrix-<quick|full>[-coturn|-noturn][-only].{md,json,svg}}: a {@code --only} subset never overwrites the report
 * of a whole run.
 * Exit: 0 every cell ok (exact counts, no duplicates, outcome agrees with the physics), 1 a cell failed,
 * 2 usage, 3 error, 10-14 preflight refusals ({@link Preflight}), 15 coturn missing (with {@code --turn coturn}), 16 the meshwire jar
 * missing.
 */
public final class NatMatrix {
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_ERROR = 3;
    public static final int EXIT_NO_COTURN = 15;
    public static final int EXIT_NO_JAR = 16;

    private NatMatrix() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        MatrixOptions o;
        List<Cell> cells;
        try {
            o = MatrixOptions.parse(args);
            cells = o.cells();
        } catch (MatrixOptions.UsageException e) {
            err.println("nat-test: " + e.getMessage() + " (" + MatrixOptions.USAGE + ")");
            return EXIT_USAGE;
        }
        if (o.help()) {
            out.println(MatrixOptions.USAGE);
            return 0;
        }
        if (o.list()) {
            for (Cell c : cells) out.println(c.id() + "  " + c.a().describe() + " <-> " + c.b().describe() + ", " + c.ice());
            return 0;
        }
        Preflight.Result pre = Preflight.check();
        if (!pre.ok()) {
            err.println(pre.message());
            return pre.exitCode();
        }
        if (o.turn() == TurnChoice.COTURN && !Cmd.run(List.of("sh", "-c", "command -v turnserver")).ok()) {
            err.println("nat-test: refusing to run: coturn's turnserver is missing (apt-get install -y --no-install-recommends coturn,"
                    + " or --turn meshwire for the coordinator's own TURN server)");
            return EXIT_NO_COTURN;
        }
        if (!Files.isRegularFile(o.jar())) {
            err.println("nat-test: refusing to run: " + o.jar() + " missing (mvn -q -DskipTests package at the repository root)");
            return EXIT_NO_JAR;
        }
        List<String> stale = Topology.cleanupStale(false);
        if (!stale.isEmpty()) err.println("nat-test: removed stale namespaces " + stale);
        Path work = o.work() != null ? o.work() : o.classes().getParent().resolve("matrix-work");
        String reportName = "matrix-" + o.mode() + (o.only() == null ? "" : "-only");
        try {
            deleteTree(work);
            CellRunner runner = new CellRunner(o.jar().toAbsolutePath(), o.classes().toAbsolutePath(), work.toAbsolutePath(),
                    o.messages(), o.pathWaitMs(), o.turn());
            long t0 = System.currentTimeMillis();
            MatrixPlan plan = new MatrixPlan(o.matrix(), cells);
            List<CellResult> results = runAll(o, plan, runner, reportName, t0, err);
            long total = System.currentTimeMillis() - t0;
            out.println(o.json() ? JsonReport.json(o.mode(), o.turn(), results, total, o.messages())
                    : MarkdownReport.markdown(o.mode(), o.turn(), results, total, o.messages(), plan));
            if (o.reportDir() != null) write(reportName, o, results, total, plan);
            return results.stream().allMatch(CellResult::ok) ? 0 : 1;
        } catch (Exception e) {
            err.println("nat-test: error: " + e);
            return EXIT_ERROR;
        }
    }

    /** Runs the cells, {@code --parallel} at a time; writes a partial report after every cell. */
    private static List<CellResult> runAll(MatrixOptions o, MatrixPlan plan, CellRunner runner, String reportName,
                                           long t0, PrintStream err) throws Exception {
        List<Cell> cells = plan.cells();
        CellResult[] slots = new CellResult[cells.size()];
        ExecutorService pool = Executors.newFixedThreadPool(o.parallel());
        List<Future<?>> futures = new ArrayList<>();
        for (int k = 0; k < cells.size(); k++) {
            final int idx = k;
            futures.add(pool.submit(() -> {
                Cell c = cells.get(idx);
                err.println("nat-test: cell " + c.id() + " (" + c.a().describe() + " <-> " + c.b().describe() + ", " + c.ice() + ") ...");
                CellResult r = runner.run(c, idx + 1);
                err.println("nat-test:   " + c.id() + " " + (r.ok() ? "OK" : "FAIL") + " path " + r.pathA() + " / " + r.pathB()
                        + ", A->B " + r.recvAB() + "/" + r.sentAB() + ", B->A " + r.recvBA() + "/" + r.sentBA()
                        + (r.error() == null ? "" : ", error: " + r.error()) + " (" + r.cellMs() + " ms)");
                synchronized (slots) {
                    slots[idx] = r;
                    // a partial report after every cell, so a run cut short still leaves its evidence
                    List<CellResult> done = new ArrayList<>();
                    for (CellResult x : slots) if (x != null) done.add(x);
                    if (o.reportDir() != null && done.size() < slots.length) {
                        try {
                            write(reportName, o, done, System.currentTimeMillis() - t0, plan);
                        } catch (Exception e) {
                            err.println("nat-test: partial report not written: " + e);
                        }
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> f : futures) f.get();
        return new ArrayList<>(List.of(slots));
    }

    private static void write(String name, MatrixOptions o, List<CellResult> rs, long total,
                              MatrixPlan plan) throws Exception {
        Path dir = o.reportDir();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".md"), MarkdownReport.markdown(o.mode(), o.turn(), rs, total, o.messages(), plan));
        Files.writeString(dir.resolve(name + ".json"), JsonReport.json(o.mode(), o.turn(), rs, total, o.messages()));
        Files.writeString(dir.resolve(name + ".svg"),
                o.full() ? SvgReport.heatmap(o.turn(), rs, plan) : SvgReport.svg(o.mode(), o.turn(), rs));
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
