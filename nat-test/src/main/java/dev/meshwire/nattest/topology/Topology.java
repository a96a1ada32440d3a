package dev.meshwire.nattest.topology;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A built topology of network namespaces. Layout (site i, 1-based):
 *
 * <pre>
 *  PREFIX-sIh  10.i.0.2 --lan-- PREFIX-sIr1 [NAT] --wan 203.0.113.(10+i)--+
 *                                                                        |  PREFIX-pub: br0 203.0.113.1 + .2
 *  double NAT: PREFIX-sIr1 wan 100.64.i.2 -- PREFIX-sIr2 lan 100.64.i.1 --+  default route -> black hole
 *  flat:       PREFIX-sIh  203.0.113.(100+i) directly on br0 ------------+
 * </pre>
 *
 * Everything lives in namespaces this class creates; the root namespace gets nothing (veths are created with
 * both ends directly inside namespaces). {@link #close()} kills the processes started here and deletes every
 * namespace, which also removes their veths, nft rules and conntrack tables. It is idempotent and also runs
 * from a JVM shutdown hook, so Ctrl-C cleans up.
 */
public final class Topology implements AutoCloseable {
    public static final String PREFIX = "mwnt-";

    private final TopologySpec spec;
    private final List<String> namespaces = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Map<String, Site> sites = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Orders namespace/process creation against close(): after close() nothing new can appear (Ctrl-C mid-build). */
    private final Object lock = new Object();
    private final Thread hook;

    /** A built site: where its host lives and which addresses it has. */
    public record Site(SiteSpec spec, int index, String hostNs, String hostIp, List<String> routerNs, String publicIp) {}

    private Topology(TopologySpec spec) {
        this.spec = spec;
        this.hook = new Thread(this::closeQuietly, "nat-test-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public static Topology build(TopologySpec spec) {
        Topology t = new Topology(spec);
        try {
            t.buildAll();
            return t;
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    public String publicNs() {
        return spec.prefix() + "-pub";
    }

    public Map<String, Site> sites() {
        return Collections.unmodifiableMap(sites);
    }

    public Site site(String name) {
        Site s = sites.get(name);
        if (s == null) throw new IllegalArgumentException("no site " + name);
        return s;
    }

    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    // ---------------------------------------------------------------- building

    private void buildAll() {
        String pub = publicNs();
        addNs(pub);
        ip(pub, "link", "add", "br0", "type", "bridge");
        ip(pub, "addr", "add", TopologySpec.PUBLIC_IP_1 + "/24", "dev", "br0");
        ip(pub, "addr", "add", TopologySpec.PUBLIC_IP_2 + "/24", "dev", "br0");
        ip(pub, "link", "set", "br0", "up");
        // "The Internet": a default route into a black hole (a veth with a permanent fake neighbour), so a send to
        // any other address (e.g. a peer's private candidate) silently vanishes instead of failing with
        // ENETUNREACH -- which makes coturn close the whole allocation (spike trap 2). No traffic leaves the netns.
        ip(pub, "link", "add", "bh0", "type", "veth", "peer", "name", "bh1");
        ip(pub, "addr", "add", "198.18.0.1/30", "dev", "bh0");
        ip(pub, "link", "set", "bh0", "up");
        ip(pub, "link", "set", "bh1", "up");
        ip(pub, "neigh", "add", "198.18.0.2", "lladdr", "02:00:00:00:00:02", "dev", "bh0", "nud", "permanent");
        ip(pub, "route", "add", "default", "via", "198.18.0.2");
        int i = 0;
        for (SiteSpec s : spec.sites()) {
            i++;
            sites.put(s.name(), s.flat() ? buildFlat(s, i) : buildNatted(s, i));
        }
    }

    private Site buildFlat(SiteSpec s, int i) {
        String pub = publicNs();
        String h = spec.prefix() + "-s" + i + "h";
        String ipAddr = "203.0.113." + (100 + i);
        addNs(h);
        String port = "f" + i;
        run("ip", "link", "add", "name", "eth0", "netns", h, "type", "veth", "peer", "name", port, "netns", pub);
        ip(pub, "link", "set", port, "master", "br0", "up");
        ip(h, "addr", "add", ipAddr + "/24", "dev", "eth0");
        ip(h, "link", "set", "eth0", "up");
        ip(h, "route", "add", "default", "via", TopologySpec.PUBLIC_IP_1);
        return new Site(s, i, h, ipAddr, List.of(), ipAddr);
    }

    private Site buildNatted(SiteSpec s, int i) {
        String pub = publicNs();
        String h = spec.prefix() + "-s" + i + "h";
        addNs(h);
        List<String> routers = new ArrayList<>();
        for (int k = 1; k <= s.routers().size(); k++) {
            String r = spec.prefix() + "-s" + i + "r" + k;
            addNs(r);
            sysctl(r, "net.ipv4.ip_forward=1");
            routers.add(r);
        }
        // host <-> first router
        String hostIp = "10." + i + ".0.2";
        run("ip", "link", "add", "name", "eth0", "netns", h, "type", "veth", "peer", "name", "lan", "netns", routers.get(0));
        ip(h, "addr", "add", hostIp + "/24", "dev", "eth0");
        ip(h, "link", "set", "eth0", "up");
        ip(h, "route", "add", "default", "via", "10." + i + ".0.1");
        ip(routers.get(0), "addr", "add", "10." + i + ".0.1/24", "dev", "lan");
        ip(routers.get(0), "link", "set", "lan", "up");
        String wanIp = "203.0.113." + (10 + i);
        if (routers.size() == 2) {
            // home router wan <-> CGNAT lan in 100.64.i.0/24 (RFC 6598 shared address space)
            String inner = routers.get(0), outer = routers.get(1);
            run("ip", "link", "add", "name", "wan", "netns", inner, "type", "veth", "peer", "name", "lan", "netns", outer);
            ip(inner, "addr", "add", "100.64." + i + ".2/24", "dev", "wan");
            ip(inner, "link", "set", "wan", "up");
            ip(inner, "route", "add", "default", "via", "100.64." + i + ".1");
            ip(outer, "addr", "add", "100.64." + i + ".1/24", "dev", "lan");
            ip(outer, "link", "set", "lan", "up");
            nft(inner, NftRules.render(s.routers().get(0), "100.64." + i + ".2"));
        }
        String outer = routers.get(routers.size() - 1);
        String port = "r" + i;
        run("ip", "link", "add", "name", "wan", "netns", outer, "type", "veth", "peer", "name", port, "netns", pub);
        ip(pub, "link", "set", port, "master", "br0", "up");
        ip(outer, "addr", "add", wanIp + "/24", "dev", "wan");
        ip(outer, "link", "set", "wan", "up");
        ip(outer, "route", "add", "default", "via", TopologySpec.PUBLIC_IP_1);
        nft(outer, NftRules.render(s.routers().get(routers.size() - 1), wanIp));
        return new Site(s, i, h, hostIp, List.copyOf(routers), wanIp);
    }

    private void addNs(String ns) {
        synchronized (lock) {
            if (closed.get()) throw new IllegalStateException("topology closed while building");
            // recorded only once created: a failed "add" (e.g. the name exists) must not make us delete someone else's
            run("ip", "netns", "add", ns);
            namespaces.add(ns);
        }
        ip(ns, "link", "set", "lo", "up");
    }

    private void ip(String ns, String... args) {
        List<String> c = new ArrayList<>(List.of("ip", "-n", ns));
        c.addAll(List.of(args));
        Cmd.run(c).check();
    }

    private void sysctl(String ns, String kv) {
        Cmd.run(List.of("ip", "netns", "exec", ns, "sysctl", "-qw", kv)).check();
    }

    private void nft(String ns, String ruleset) {
        Cmd.run(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), ruleset, Cmd.DEFAULT_TIMEOUT).check();
    }

    private static void run(String... c) {
        Cmd.run(List.of(c)).check();
    }

    // ---------------------------------------------------------------- using

    /** Runs a short command inside namespace {@code ns} and returns its result (not checked). */
    public Cmd.Result exec(String ns, List<String> command) {
        return exec(ns, command, Cmd.DEFAULT_TIMEOUT);
    }

    public Cmd.Result exec(String ns, List<String> command, Duration timeout) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(command);
        return Cmd.run(c, null, timeout);
    }

    /**
     * Starts a long-running process inside {@code ns}; it is killed by {@link #close()}. Its stdin is a pipe
     * that this JVM holds open, so a well-behaved child (like ProbeServer) can also exit when the JVM dies.
     */
    public Process start(String ns, List<String> command) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(command);
        synchronized (lock) {
            if (closed.get()) throw new IllegalStateException("topology closed");
            Process p = new ProcessBuilder(c).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            processes.add(p);
            return p;
        }
    }

    /** The nft ruleset a router currently has (for reports and debugging). */
    public String ruleset(String routerNs) {
        return exec(routerNs, List.of("nft", "list", "ruleset")).output();
    }

    // ---------------------------------------------------------------- teardown

    @Override
    public void close() {
        synchronized (lock) {
            if (!closed.compareAndSet(false, true)) return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: we are (or run alongside) the hook
        }
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<String> ns = new ArrayList<>(namespaces);
        Collections.reverse(ns);
        for (String n : ns) deleteNamespace(n);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("nat-test: cleanup failed: " + e);
        }
    }

    /** Kills whatever still runs inside {@code ns} (only our own namespaces are passed here) and deletes it. */
    static void deleteNamespace(String ns) {
        Cmd.Result pids = Cmd.run(List.of("ip", "netns", "pids", ns));
        if (pids.ok()) {
            for (String line : pids.output().split("\\s+")) {
                if (line.isBlank()) continue;
                try {
                    ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ProcessHandle::destroyForcibly);
                } catch (NumberFormatException e) {
                    // not a pid
                }
            }
        }
        Cmd.run(List.of("ip", "netns", "del", ns));
    }

    /** Names of all namespaces currently present whose name starts with {@link #PREFIX}. */
    public static List<String> listOurs() {
        List<String> out = new ArrayList<>();
        Cmd.Result r = Cmd.run(List.of("ip", "netns", "list"));
        if (!r.ok()) return out;
        for (String line : r.output().split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (name.startsWith(PREFIX)) out.add(name);
        }
        return out;
    }

    /**
     * Deletes leftover namespaces of runs that are gone: {@code mwnt-<pid>-...} whose pid is not alive (or, with
     * {@code all}, every {@code mwnt-} namespace). Returns the names deleted.
     */
    public static List<String> cleanupStale(boolean all) {
        List<String> deleted = new ArrayList<>();
        for (String ns : listOurs()) {
            if (all || !ownerAlive(ns)) {
                deleteNamespace(ns);
                deleted.add(ns);
            }
        }
        return deleted;
    }

    static boolean ownerAlive(String ns) {
        String rest = ns.substring(PREFIX.length());
        int dash = rest.indexOf('-');
        try {
            long pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
