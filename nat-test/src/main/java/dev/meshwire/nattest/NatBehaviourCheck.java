package dev.meshwire.nattest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.nattest.topology.Filtering;
import dev.meshwire.nattest.topology.Mapping;
import dev.meshwire.nattest.topology.NatBehaviour;
import dev.meshwire.nattest.topology.Preflight;
import dev.meshwire.nattest.topology.SiteSpec;
import dev.meshwire.nattest.topology.Topology;
import dev.meshwire.nattest.topology.TopologySpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one site per NAT behaviour (plus two double-NAT sites), probes each from outside and compares what the
 * probe observed with what the router was configured to do.
 *
 * <pre>
 *  NatBehaviourCheck [--report-dir DIR] [--only LABEL,LABEL...]   exit 0: all match, 1: mismatch
 *  NatBehaviourCheck cleanup-stale [--all]                        delete leftover mwnt-* namespaces
 * </pre>
 * Exit codes 10-14 are preflight refusals (see {@link Preflight}); 2 is a usage error; 3 an error while running.
 */
public final class NatBehaviourCheck {
    public static final int EXIT_MISMATCH = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_ERROR = 3;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Path reportDir = null;
        List<String> only = null;
        boolean cleanup = false, all = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "cleanup-stale" -> cleanup = true;
                case "--all" -> all = true;
                case "--report-dir" -> {
                    if (++i >= args.length) return usage();
                    reportDir = Path.of(args[i]);
                }
                case "--only" -> {
                    if (++i >= args.length) return usage();
                    only = List.of(args[i].split(","));
                }
                default -> {
                    return usage();
                }
            }
        }
        Preflight.Result pre = Preflight.check();
        if (!pre.ok()) {
            System.err.println(pre.message());
            return pre.exitCode();
        }
        if (cleanup) {
            List<String> gone = Topology.cleanupStale(all);
            System.out.println("nat-test: deleted " + gone.size() + " namespace(s)" + (gone.isEmpty() ? "" : ": " + gone));
            return 0;
        }
        List<String> stale = Topology.cleanupStale(false);
        if (!stale.isEmpty()) System.err.println("nat-test: removed stale namespaces " + stale);

        List<SiteSpec> sites = defaultSites();
        if (only != null) {
            List<String> wanted = only;
            sites.removeIf(s -> !wanted.contains(s.name()) && !wanted.contains(s.expected().label()));
            if (sites.isEmpty()) return usage();
        }
        long t0 = System.nanoTime();
        List<ProbeRunner.SiteResult> results;
        try (Topology t = Topology.build(new TopologySpec(TopologySpec.defaultPrefix("chk"), sites));
             ProbeRunner runner = ProbeRunner.start(t)) {
            long built = System.nanoTime();
            results = runner.probeAll();
            System.err.printf("nat-test: built %d sites in %d ms, probed in %d ms%n", sites.size(),
                    (built - t0) / 1_000_000, (System.nanoTime() - built) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            System.err.println("nat-test: error: " + e.getMessage());
            return EXIT_ERROR;
        }
        String table = table(sites, results);
        System.out.println(table);
        boolean ok = results.stream().allMatch(ProbeRunner.SiteResult::matches);
        if (reportDir != null) {
            try {
                writeReports(reportDir, sites, results, table, ok);
            } catch (IOException e) {
                System.err.println("nat-test: cannot write reports: " + e.getMessage());
                return EXIT_ERROR;
            }
        }
        System.out.println(ok ? "nat-test: all " + results.size() + " sites behave as configured"
                : "nat-test: MISMATCH: " + results.stream().filter(r -> !r.matches()).map(ProbeRunner.SiteResult::site).toList());
        return ok ? 0 : EXIT_MISMATCH;
    }

    /** The nine mapping x filtering sites, UDP_BLOCKED, NONE, and two CGNAT-like double NATs. */
    public static List<SiteSpec> defaultSites() {
        List<SiteSpec> sites = new ArrayList<>();
        for (NatBehaviour b : NatBehaviour.all()) sites.add(SiteSpec.of(b));
        // home router "full cone" behind a CGNAT that filters by address: the CGNAT's filtering shows through
        sites.add(new SiteSpec("dbl-eim-eif-in-eim-adf",
                List.of(NatBehaviour.nat(Mapping.EIM, Filtering.EIF), NatBehaviour.nat(Mapping.EIM, Filtering.ADF))));
        // port-restricted home router behind a symmetric CGNAT: APDM-APDF overall
        sites.add(new SiteSpec("dbl-eim-apdf-in-apdm-eif",
                List.of(NatBehaviour.nat(Mapping.EIM, Filtering.APDF), NatBehaviour.nat(Mapping.APDM, Filtering.EIF))));
        return sites;
    }

    static String table(List<SiteSpec> sites, List<ProbeRunner.SiteResult> results) {
        StringBuilder b = new StringBuilder();
        b.append("| site | routers (inner→outer) | expected | observed | mapping seen by A1:P1 / A2:P1 / A2:P2 / A1:P2 "
                + "| unsolicited from other port / addr / both | hairpin | TCP | result |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < results.size(); i++) {
            ProbeRunner.SiteResult r = results.get(i);
            SiteSpec s = sites.get(i);
            JsonNode n = r.raw();
            String routers = s.flat() ? "(flat host)" : String.join(" → ", s.routers().stream().map(NatBehaviour::label).toList());
            String mapping = "-", filt = "-", hairpin = "-", tcp = "-";
            if (n != null) {
                JsonNode m = n.path("mapping");
                mapping = String.join(" / ", List.of(t(m, "A1:P1"), t(m, "A2:P1"), t(m, "A2:P2"), t(m, "A1:P2")))
                        + " (local " + t(m, "local") + ")";
                JsonNode f = n.path("filtering");
                filt = String.join(" / ", List.of(t(f, "fromOtherPort"), t(f, "fromOtherAddr"), t(f, "fromOtherAddrAndPort")));
                hairpin = t(n.path("hairpin"), "received");
                tcp = n.path("tcp").isNull() ? "no" : "yes";
            }
            b.append("| ").append(r.site()).append(" | ").append(routers).append(" | ").append(r.expected())
                    .append(" | ").append(r.observed() == null ? "error: " + r.error() : r.observed())
                    .append(" | ").append(mapping).append(" | ").append(filt).append(" | ").append(hairpin)
                    .append(" | ").append(tcp).append(" | ").append(r.matches() ? "OK" : "**MISMATCH**").append(" |\n");
        }
        return b.toString();
    }

    private static String t(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? "–" : v.asText();
    }

    static void writeReports(Path dir, List<SiteSpec> sites, List<ProbeRunner.SiteResult> results, String table,
                             boolean ok) throws IOException {
        Files.createDirectories(dir);
        String kernel = Cmd.run(List.of("uname", "-r")).output().strip();
        String nft = Cmd.run(List.of("nft", "--version")).output().strip();
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = om.createObjectNode();
        root.put("generated", Instant.now().toString());
        root.put("kernel", kernel);
        root.put("nft", nft);
        root.put("allMatch", ok);
        ArrayNode arr = root.putArray("sites");
        for (int i = 0; i < results.size(); i++) {
            ProbeRunner.SiteResult r = results.get(i);
            ObjectNode o = arr.addObject();
            o.put("site", r.site());
            ArrayNode rs = o.putArray("routers");
            sites.get(i).routers().forEach(x -> rs.add(x.label()));
            o.put("expected", r.expected());
            o.put("observed", r.observed());
            o.put("match", r.matches());
            if (r.error() != null) o.put("error", r.error());
            if (r.raw() != null) o.set("probe", r.raw());
        }
        Files.writeString(dir.resolve("nat-behaviours.json"), om.writeValueAsString(root) + "\n");
        String md = "# NAT behaviour verification\n\n"
                + "Generated by `nat-test/verify-nat-behaviours.sh` (`dev.meshwire.nattest.NatBehaviourCheck`) at "
                + root.get("generated").asText() + " on kernel " + kernel + ", " + nft + ".\n\n"
                + "Each site is a host namespace behind the listed nftables NAT router(s); a probe server in the public "
                + "namespace listens on A1=203.0.113.1 and A2=203.0.113.2, ports P1=3478 and P2=3479 (UDP) and A1:P1 (TCP). "
                + "See docs/nat-traversal.md for the method.\n\n"
                + table + "\n" + (ok ? "All sites behave as configured.\n" : "**Some sites do not behave as configured.**\n");
        Files.writeString(dir.resolve("nat-behaviours.md"), md);
    }

    private static int usage() {
        System.err.println("usage: NatBehaviourCheck [--report-dir DIR] [--only LABEL,...] | cleanup-stale [--all]");
        return EXIT_USAGE;
    }
}
