package dev.meshwire.peer.daemon;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.ipc.api.PeerJoinedEvent;
import dev.meshwire.peer.ipc.api.PeerLeftEvent;
import dev.meshwire.peer.p2p.P2pMode;
import dev.meshwire.peer.p2p.P2pSettings;
import dev.meshwire.signaling.Json;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's network-drop scenario (digest C §3.8 #3) with a real network: bob's daemon runs in a network namespace
 * of its own, joined to this host by a veth pair; an nftables rule inside that namespace drops every packet between
 * bob and the coordinator (both directions), so neither side sees a FIN or RST — exactly what a NAT timeout or a dead
 * Wi-Fi looks like. The coordinator (in this JVM: ping 1 s, dead after 2.5 s, lease 30 s) drops bob's silent socket
 * and holds his presence; bob's daemon watchdog drops its own socket and keeps reconnecting. When the rule goes,
 * bob reconnects with his resume token: alice (a daemon in this JVM) sees no leave and no join, and a dm she sent
 * during the outage reaches bob once. The same for a session bob's daemon holds (its own link, its own token).
 * Needs root, {@code ip netns} and {@code nft} (skipped otherwise; CI fails).
 */
class PresenceNetworkDropTest {
    static final long WAIT = 60_000;
    final String ns = "mwpres" + ProcessHandle.current().pid();
    final String hostIf = "mwp" + ProcessHandle.current().pid();
    final String subnet = "10.77." + (ProcessHandle.current().pid() % 250) + ".";
    final String hostIp = subnet + "1";

    @TempDir
    Path tmp;
    Coordinator coord;
    Daemon alice;
    Process bob;
    Path bobHome;
    final List<DaemonEvent> seen = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newHttpClient();

    static String sh(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out.strip());
        return out;
    }

    static String sh(String... cmd) throws Exception {
        return sh(List.of(cmd));
    }

    static String shIn(String input, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
        return out;
    }

    /** Skips on a machine that cannot build the namespace (CI fails instead, see {@link TestSupport#skipOrFail}). */
    void requireNamespaces() {
        String why = null;
        try {
            String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:")).findFirst().orElse("");
            if (!uid.split("\\s+")[1].equals("0")) why = "needs root for network namespaces";
            else sh("nft", "--version");
        } catch (Exception e) {
            why = "needs ip and nft: " + e.getMessage();
        }
        TestSupport.skipOrFail(why);
    }

    void buildNamespace() throws Exception {
        sh("ip", "netns", "add", ns);
        sh("ip", "link", "add", hostIf, "type", "veth", "peer", "name", "eth0", "netns", ns);
        sh("ip", "addr", "add", hostIp + "/30", "dev", hostIf);
        sh("ip", "link", "set", hostIf, "up");
        sh("ip", "-n", ns, "addr", "add", subnet + "2/30", "dev", "eth0");
        sh("ip", "-n", ns, "link", "set", "eth0", "up");
        sh("ip", "-n", ns, "link", "set", "lo", "up");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (bob != null && bob.isAlive()) {
            bob.destroy();
            if (!bob.waitFor(20, TimeUnit.SECONDS)) bob.destroyForcibly();
        }
        if (alice != null) alice.close();
        if (coord != null) coord.close();
        try {
            sh("ip", "netns", "del", ns); // takes eth0 and with it its peer, the host's end
        } catch (Exception ignored) {
            // not created
        }
        try {
            sh("ip", "link", "del", hostIf);
        } catch (Exception ignored) {
            // gone with the namespace
        }
    }

    List<String> javaIn(String... args) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.meshwire.cli.Main", "--home", bobHome.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A CLI call of bob's, inside his namespace (his daemon's IPC listens on the namespace's loopback). */
    JsonNode bobCli(String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(javaIn(args)).redirectErrorStream(false);
        pb.environment().put("MESHWIRE_P2P", "off");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "meshwire " + String.join(" ", args));
        if (p.exitValue() != 0) throw new IOException("meshwire " + String.join(" ", args) + " exited " + p.exitValue() + ": " + err + out);
        return Json.MAPPER.readTree(out);
    }

    double metric(String line) {
        try {
            String text = http.send(HttpRequest.newBuilder(URI.create("http://" + hostIp + ":" + coord.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.eE+-]+)$").matcher(text);
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long count(Class<?> type, String pubkey) {
        return seen.stream().filter(e -> (e.data() instanceof PeerJoinedEvent j && type == PeerJoinedEvent.class && pubkey.equals(j.pubkey()))
                || (e.data() instanceof PeerLeftEvent l && type == PeerLeftEvent.class && pubkey.equals(l.pubkey()))).count();
    }

    void dropBobsTraffic(int port) throws Exception {
        shIn("table inet mwdrop {\n"
                + "  chain out { type filter hook output priority 0; ip daddr " + hostIp + " tcp dport " + port + " drop; }\n"
                + "  chain in { type filter hook input priority 0; ip saddr " + hostIp + " tcp sport " + port + " drop; }\n"
                + "}\n", "ip", "netns", "exec", ns, "nft", "-f", "-");
    }

    void restoreBobsTraffic() throws Exception {
        sh("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "mwdrop");
    }

    @Test
    void aNetworkDropShorterThanTheLeaseIsNoFlapAndTheDmSentMeanwhileArrivesOnce() throws Exception {
        requireNamespaces();
        buildNamespace();
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen(hostIp, 0).withStunPort(-1)
                .withLiveness(Duration.ofSeconds(1), Duration.ofMillis(2500)).withPresenceLease(Duration.ofSeconds(30)));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")).withP2p(P2pSettings.defaults().withMode(P2pMode.OFF)));
        alice.events().subscribe(seen::add);
        WireClient a = WireClient.of(alice.client());
        String invite = a.createMesh("team", coord.publicUrl(), "alice", coord.adminToken()).path("invite").asText();

        bobHome = tmp.resolve("bob");
        Files.createDirectories(bobHome);
        ProcessBuilder pb = new ProcessBuilder(javaIn("up", "--foreground"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("bob.log").toFile()))
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("MESHWIRE_TEST_"));
        pb.environment().put("MESHWIRE_P2P", "off");
        bob = pb.start();
        // status never starts a daemon: wait for the foreground one, so join does not start a second one on demand.
        await("bob's daemon answers in his namespace", Duration.ofMillis(WAIT), () -> {
            if (!bob.isAlive()) throw new AssertionError("bob's daemon exited; see " + tmp.resolve("bob.log"));
            try {
                return bobCli("status", "--json").path("daemon").path("running").asBoolean();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String bobPub = bobCli("join", invite, "--name", "bob", "--json").path("mesh").path("pubkey").asText();
        await("alice sees bob online", WAIT, () -> a.seesOnline("bob"));
        await("alice was told bob joined", WAIT, () -> count(PeerJoinedEvent.class, bobPub) == 1);
        // A session bob's daemon holds on its own link: it must not flap either.
        String sessionPub = bobCli("session", "new", "--name", "agent", "--json").path("session").path("pubkey").asText();
        await("alice was told bob's session joined", WAIT, () -> count(PeerJoinedEvent.class, sessionPub) == 1);

        dropBobsTraffic(coord.port());
        await("the coordinator dropped bob's silent sockets and holds his presence and his session's", WAIT,
                () -> metric("meshwire_presence_held") >= 2);
        String text = "through the outage " + UUID.randomUUID();
        String cmid = a.send(null, "bob", text).path("clientMessageId").asText();
        await("the coordinator accepted the dm during the outage", WAIT, () -> "done".equals(a.message(cmid).path("state").asText()));
        assertTrue(a.seesOnline("bob"), "held: still online for alice");
        restoreBobsTraffic();

        await("bob and his session resumed their presences", WAIT,
                () -> metric("meshwire_presence_resumes_total") >= 2 && metric("meshwire_presence_held") == 0);
        await("alice learns the dm was delivered", WAIT, () -> "delivered".equals(a.message(cmid).path("delivery").asText()));
        long copies = await("bob's inbox has the dm", Duration.ofMillis(WAIT), () -> {
            try {
                long n = 0;
                for (JsonNode m : bobCli("inbox", "--peek", "--json", "--limit", "1000").path("items")) if (text.equals(m.path("text").asText())) n++;
                return n > 0 ? n : null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(1, copies);
        assertEquals(0, metric("meshwire_presence_evictions_total{reason=\"lease_expired\"}"));
        assertEquals(0, count(PeerLeftEvent.class, bobPub), "no leave: " + seen);
        assertEquals(1, count(PeerJoinedEvent.class, bobPub), "no second join: " + seen);
        assertEquals(0, count(PeerLeftEvent.class, sessionPub), "no leave of the session: " + seen);
        assertEquals(1, count(PeerJoinedEvent.class, sessionPub), "no second join of the session: " + seen);
    }
}
