package dev.meshwire.nattest.matrix;

import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.nattest.topology.Preflight;
import dev.meshwire.nattest.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The peer-to-peer result matrix: for each cell, real daemons behind real (namespace) NATs, a real coordinator
 * and coturn, and what path they end up on.
 *
 * <pre>
 *  NatMatrix --jar peer-runtime/target/meshwire.jar --classes nat-test/target/classes [--report-dir DIR]
 *            [--work DIR] [--messages N] [--only CELL,...] [--parallel N] [--path-wait SECONDS] [quick|full]
 * </pre>
 * Exit: 0 every cell ok (exact counts, no duplicates, outcome agrees with the physics), 1 a cell failed,
 * 2 usage, 3 error, 10-14 preflight refusals ({@link Preflight}), 15 coturn missing, 16 the meshwire jar missing.
 */
public final class NatMatrix {
    public static final int EXIT_NO_COTURN = 15;
    public static final int EXIT_NO_JAR = 16;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        Path jar = null, classes = null, reportDir = null, work = null;
        int messages = -1, parallel = 1;
        long pathWaitMs = -1;
        boolean full = false;
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            try {
                switch (args[i]) {
                    case "quick" -> full = false;
                    case "full" -> full = true;
                    case "--parallel" -> parallel = Math.max(1, Integer.parseInt(args[++i]));
                    case "--path-wait" -> pathWaitMs = Long.parseLong(args[++i]) * 1000;
                    case "--jar" -> jar = Path.of(args[++i]);
                    case "--classes" -> classes = Path.of(args[++i]);
                    case "--report-dir" -> reportDir = Path.of(args[++i]);
                    case "--work" -> work = Path.of(args[++i]);
                    case "--messages" -> messages = Integer.parseInt(args[++i]);
                    case "--only" -> only = List.of(args[++i].split(","));
                    default -> { return usage(); }
                }
            } catch (RuntimeException e) {
                return usage();
            }
        }
        if (jar == null || classes == null) return usage();
        if (messages < 0) messages = full ? 10 : 20;
        if (pathWaitMs < 0) pathWaitMs = full ? 15_000 : 35_000;
        String mode = full ? "full" : "quick";
        Preflight.Result pre = Preflight.check();
        if (!pre.ok()) {
            System.err.println(pre.message());
            return pre.exitCode();
        }
        if (!Cmd.run(List.of("sh", "-c", "command -v turnserver")).ok()) {
            System.err.println("nat-test: refusing to run: coturn's turnserver is missing (apt-get install -y --no-install-recommends coturn)");
            return EXIT_NO_COTURN;
        }
        if (!Files.isRegularFile(jar)) {
            System.err.println("nat-test: refusing to run: " + jar + " missing (mvn -q -DskipTests package at the repository root)");
            return EXIT_NO_JAR;
        }
        List<String> stale = Topology.cleanupStale(false);
        if (!stale.isEmpty()) System.err.println("nat-test: removed stale namespaces " + stale);
        if (work == null) work = classes.getParent().resolve("matrix-work");
        try {
            deleteTree(work);
            CellRunner runner = new CellRunner(jar.toAbsolutePath(), classes.toAbsolutePath(), work.toAbsolutePath(), messages, pathWaitMs);
            long t0 = System.currentTimeMillis();
            List<Cell> cells = new ArrayList<>();
            for (Cell c : full ? Cell.full() : Cell.quick()) if (only == null || only.contains(c.id())) cells.add(c);
            CellResult[] slots = new CellResult[cells.size()];
            final int msgs = messages;
            final Path rd = reportDir;
            var pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < cells.size(); k++) {
                final int idx = k;
                futures.add(pool.submit(() -> {
                    Cell c = cells.get(idx);
                    System.err.println("nat-test: cell " + c.id() + " (" + c.a() + " <-> " + c.b() + ", " + c.ice() + ") ...");
                    CellResult r = runner.run(c, idx + 1);
                    System.err.println("nat-test:   " + c.id() + " " + (r.ok() ? "OK" : "FAIL") + " path " + r.pathA() + " / " + r.pathB()
                            + ", A->B " + r.recvAB() + "/" + r.sentAB() + ", B->A " + r.recvBA() + "/" + r.sentBA()
                            + (r.error() == null ? "" : ", error: " + r.error()) + " (" + r.cellMs() + " ms)");
                    synchronized (slots) {
                        slots[idx] = r;
                        // a partial report after every cell, so a run cut short still leaves its evidence
                        List<CellResult> done = new ArrayList<>();
                        for (CellResult x : slots) if (x != null) done.add(x);
                        if (rd != null && done.size() < slots.length) {
                            try {
                                write(rd, mode, done, System.currentTimeMillis() - t0, msgs, slots.length);
                            } catch (Exception e) {
                                System.err.println("nat-test: partial report not written: " + e);
                            }
                        }
                    }
                    return null;
                }));
            }
            pool.shutdown();
            for (var f : futures) f.get();
            List<CellResult> results = new ArrayList<>(List.of(slots));
            long total = System.currentTimeMillis() - t0;
            String md = MatrixReport.markdown(mode, results, total, messages, results.size());
            System.out.println(md);
            if (reportDir != null) write(reportDir, mode, results, total, messages, results.size());
            return results.stream().allMatch(CellResult::ok) ? 0 : 1;
        } catch (Exception e) {
            System.err.println("nat-test: error: " + e);
            return 3;
        }
    }

    private static void write(Path reportDir, String mode, List<CellResult> rs, long total, int messages, int planned) throws Exception {
        Files.createDirectories(reportDir);
        Files.writeString(reportDir.resolve("matrix-" + mode + ".md"), MatrixReport.markdown(mode, rs, total, messages, planned));
        Files.writeString(reportDir.resolve("matrix-" + mode + ".json"), MatrixReport.json(rs, total, messages));
        Files.writeString(reportDir.resolve("matrix-" + mode + ".svg"),
                mode.equals("full") ? MatrixReport.heatmap(rs, planned) : MatrixReport.svg(rs));
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }

    private static int usage() {
        System.err.println("usage: NatMatrix --jar MESHWIRE_JAR --classes NAT_TEST_CLASSES [--report-dir DIR] [--work DIR] [--messages N] [--only CELL,...] [--parallel N] [--path-wait SECONDS] [quick|full]");
        return 2;
    }
}
