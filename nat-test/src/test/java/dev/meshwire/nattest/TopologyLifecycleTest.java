package dev.meshwire.nattest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.nattest.topology.NatBehaviour;
import dev.meshwire.nattest.topology.Preflight;
import dev.meshwire.nattest.topology.SiteSpec;
import dev.meshwire.nattest.topology.Topology;
import dev.meshwire.nattest.topology.TopologySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cleanup on success, on a failed build, of stale runs and on SIGINT (Ctrl-C); the non-root refusal. Needs root. */
class TopologyLifecycleTest {

    @BeforeEach
    void gate() {
        NamespaceSupport.require();
    }

    @Test
    void closeDeletesEverythingAndIsIdempotent() throws Exception {
        Topology t = Topology.build(new TopologySpec(TopologySpec.defaultPrefix("lc1"),
                List.of(SiteSpec.of(NatBehaviour.UDP_BLOCKED), SiteSpec.of(NatBehaviour.NONE))));
        List<String> ns = t.namespaces();
        assertEquals(4, ns.size(), "pub, router + host, flat host: " + ns);
        assertTrue(Topology.listOurs().containsAll(ns));
        String router = t.site("udp-blocked").routerNs().get(0);
        assertTrue(t.ruleset(router).contains("meta l4proto udp drop"));
        Process sleeper = t.start(t.publicNs(), List.of("sleep", "600"));
        t.close();
        assertFalse(sleeper.isAlive(), "processes started in the topology are killed");
        assertTrue(Topology.listOurs().stream().noneMatch(ns::contains), "namespaces deleted");
        t.close(); // second close is a no-op
    }

    @Test
    void failedBuildCleansUpWhatItMadeAndNothingElse() {
        String prefix = TopologySpec.defaultPrefix("lc2");
        String squatter = prefix + "-s1h"; // the name site 1's host will need: the build fails there
        Cmd.run(List.of("ip", "netns", "add", squatter)).check();
        try {
            assertThrows(Cmd.CommandFailedException.class, () -> Topology.build(new TopologySpec(prefix,
                    List.of(SiteSpec.of(NatBehaviour.NONE)))));
            List<String> left = Topology.listOurs().stream().filter(n -> n.startsWith(prefix)).toList();
            assertEquals(List.of(squatter), left, "the public namespace was removed, the squatter left alone");
        } finally {
            Cmd.run(List.of("ip", "netns", "del", squatter));
        }
    }

    @Test
    void cleanupStaleRemovesDeadRunsOnly() {
        String dead = Topology.PREFIX + "99999999-old-pub"; // pid above any pid_max: its owner cannot be alive
        String live = TopologySpec.defaultPrefix("lc3") + "-pub";
        Cmd.run(List.of("ip", "netns", "add", dead)).check();
        Cmd.run(List.of("ip", "netns", "add", live)).check();
        try {
            List<String> deleted = Topology.cleanupStale(false);
            assertTrue(deleted.contains(dead));
            assertFalse(deleted.contains(live));
            assertTrue(Topology.listOurs().contains(live));
            assertFalse(Topology.listOurs().contains(dead));
        } finally {
            Cmd.run(List.of("ip", "netns", "del", dead));
            Cmd.run(List.of("ip", "netns", "del", live));
        }
    }

    @Test
    void ctrlCMidBuildCleansUp() throws Exception {
        // SIGINT while the topology is still being built: the hook and the builder race; nothing may leak
        ctrlC(prefix -> Topology.listOurs().stream().filter(n -> n.startsWith(prefix + "chk-")).count() >= 3);
    }

    @Test
    void ctrlCWhileProbingCleansUpNamespacesAndProcesses() throws Exception {
        // SIGINT once the probe server runs in the public namespace
        ctrlC(prefix -> {
            Cmd.Result pids = Cmd.run(List.of("ip", "netns", "pids", prefix + "chk-pub"));
            return pids.ok() && !pids.output().isBlank();
        });
    }

    private void ctrlC(java.util.function.Predicate<String> readyToInterrupt) throws Exception {
        // A process started in the background by a non-interactive shell (CI runners, nohup ... &) inherits SIGINT as
        // ignored, and a JVM keeps an ignored SIGINT ignored: the child would not see our Ctrl-C at all and finish its
        // check with 0. env --default-signal gives the child the default handling a terminal's Ctrl-C meets.
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT"));
        cmd.addAll(javaCmd(NatBehaviourCheck.class.getName()));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String prefix = Topology.PREFIX + p.pid() + "-";
        List<ProcessHandle> children = new ArrayList<>();
        try {
            waitFor(() -> readyToInterrupt.test(prefix), Duration.ofSeconds(30), "child reached the interrupt point");
            p.descendants().forEach(children::add);
            Cmd.run(List.of("kill", "-INT", String.valueOf(p.pid()))).check();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child exits after SIGINT");
            assertNotEquals(0, p.exitValue());
            assertEquals(List.of(), Topology.listOurs().stream().filter(n -> n.startsWith(prefix)).toList(),
                    "no namespaces left after Ctrl-C");
            waitFor(() -> children.stream().noneMatch(ProcessHandle::isAlive), Duration.ofSeconds(10),
                    "the child's own children (ip netns exec, probe JVMs) are gone");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            for (String n : Topology.listOurs()) if (n.startsWith(prefix)) Cmd.run(List.of("ip", "netns", "del", n));
        }
    }

    @Test
    void refusesWithOneLineWhenNotRoot() throws Exception {
        // as "nobody", with only this module's classes (the refusal must not need any jar)
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                ProbeRunner.classesDir(), NatBehaviourCheck.class.getName()));
        assertTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")) || Files.isExecutable(Path.of("/bin/setpriv")),
                "setpriv (util-linux) present");
        Cmd.Result r = Cmd.run(cmd, null, Duration.ofSeconds(30));
        assertEquals(Preflight.EXIT_NOT_ROOT, r.exit(), r.output());
        List<String> lines = r.output().strip().lines().toList();
        assertEquals(1, lines.size(), r.output());
        assertTrue(lines.get(0).startsWith("nat-test: refusing to run: needs root"), lines.get(0));
    }

    private static List<String> javaCmd(String main) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), main);
    }

    private static void waitFor(BooleanSupplier cond, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(50); // poll interval, not a fixed wait: the loop ends as soon as the condition holds
        }
    }
}
