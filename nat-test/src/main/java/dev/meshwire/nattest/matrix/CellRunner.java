package dev.meshwire.nattest.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.peer.ipc.api.CreateMeshReply;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.InboxReply;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.ipc.api.PeersReply;
import dev.meshwire.peer.ipc.api.SendRequest;
import dev.meshwire.signaling.Json;
import dev.meshwire.nattest.topology.Topology;
import dev.meshwire.nattest.topology.TopologySpec;
import dev.meshwire.nattest.turn.Coturn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one {@link Cell}: builds its two-site topology, starts the coordinator in the public namespace (with its
 * embedded TURN server, or with coturn beside it, when the cell uses TURN: {@link TurnChoice}) and a real daemon per
 * site in its host namespace, creates a mesh and joins it with the CLI, sends messages both ways through the daemons' IPC and watches {@code /v1/peers} and {@code /v1/inbox}.
 * Everything it starts is started through {@link Topology#start}, so {@link Topology#close()} (also on Ctrl-C)
 * kills it before deleting the namespaces.
 */
final class CellRunner {
    static final String COORD_IP = TopologySpec.PUBLIC_IP_1;
    /**
     * Where TURN listens, UDP and TCP, whichever server it is. coturn binds it itself; the coordinator's embedded
     * server binds the coordinator's listen address, so with {@link TurnChoice#MESHWIRE} the whole coordinator
     * listens here (its STUN, TURN and WebSocket), and the daemons use ws://TURN_IP:COORD_PORT.
     */
    static final String TURN_IP = TopologySpec.PUBLIC_IP_2;
    static final int COORD_PORT = 7600;
    static final int STUN_PORT = 3479;   // beside coturn, which owns 3478 on A2, the coordinator's STUN answers here
    static final int TURN_PORT = 3478;
    /** coturn's relay range ({@link Coturn}); the embedded server gets the same one. */
    static final int MIN_RELAY_PORT = 49152, MAX_RELAY_PORT = 49352;
    static final String MESH = "mx";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long {@link #finalPath} waits for a handshake in progress to finish. */
    private static final long SETTLE_MS = 15_000;

    private final Path jar;
    private final Path classes;
    private final Path work;
    private final int messages;
    private final long pathWaitMs;
    private final TurnChoice turnServer;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<String> log = new ArrayList<>();

    /**
     * @param pathWaitMs how long after the first send to wait for an open channel before settling for what is there
     * @param turnServer which TURN server the cells that use TURN get ({@link TurnChoice#NONE}: no cell uses TURN)
     */
    CellRunner(Path jar, Path classes, Path work, int messages, long pathWaitMs, TurnChoice turnServer) {
        this.pathWaitMs = pathWaitMs;
        this.turnServer = turnServer;
        this.jar = jar;
        this.classes = classes;
        this.work = work;
        this.messages = messages;
    }

    CellResult run(Cell cell, int index) {
        long start = System.currentTimeMillis();
        Path dir = work.resolve(cell.id());
        String pathA = "failed", pathB = "failed";
        long firstDelivered = -1, open = -1, direct = -1, fromPeerAtA = -1, fromPeerAtB = -1;
        int sentAB = 0, sentBA = 0;
        Map<String, Integer> recvAB = new HashMap<>(), recvBA = new HashMap<>();
        Map<String, Integer> inboxPaths = new TreeMap<>();
        TurnEvidence evidence = TurnEvidence.UNKNOWN;
        TurnChoice turn = cell.turn() ? turnServer : TurnChoice.NONE;
        String coordIp = turn == TurnChoice.MESHWIRE ? TURN_IP : COORD_IP;
        String error = null;
        TopologySpec spec = new TopologySpec(TopologySpec.defaultPrefix("mx" + index),
                List.of(cell.a().site("a"), cell.b().site("b")));
        try (Topology t = Topology.build(spec)) {
            Files.createDirectories(dir);
            Topology.Site a = t.site("a"), b = t.site("b");
            for (Topology.Site site : List.of(a, b)) site.routerNs().forEach(r -> FlowEvidence.enableAccounting(t, r));
            if (turn == TurnChoice.COTURN) Coturn.start(t, TURN_IP, TURN_PORT, dir.resolve("turn"));
            CoordinatorProcess coord = CoordinatorProcess.start(t, t.publicNs(), jar, coordIp, COORD_PORT, dir, iceFlags(turn, dir));
            Path homeA = dir.resolve("home-a"), homeB = dir.resolve("home-b");
            startDaemon(t, a.hostNs(), homeA, dir.resolve("daemon-a.log"));
            startDaemon(t, b.hostNs(), homeB, dir.resolve("daemon-b.log"));
            Agent agentA = agent(t, a.hostNs(), homeA, dir.resolve("agent-a.log"));
            Agent agentB = agent(t, b.hostNs(), homeB, dir.resolve("agent-b.log"));

            CreateMeshReply created = Json.MAPPER.treeToValue(cli(t, a.hostNs(), homeA, "mesh", "create", MESH, "--coordinator",
                    coord.url(), "--name", "alice", "--admin-token", coord.adminToken(), "--json"), CreateMeshReply.class);
            String invite = created.invite();
            cli(t, b.hostNs(), homeB, "join", invite, "--name", "bob", "--json");
            waitOnline(agentA, "bob");
            waitOnline(agentB, "alice");

            long t0 = System.currentTimeMillis();
            long interval = 300, nextSend = t0;
            int i = 0;
            long deadline = t0 + 60_000, pathDeadline = t0 + pathWaitMs;
            while (System.currentTimeMillis() < deadline) {
                long now = System.currentTimeMillis();
                if (i < messages && now >= nextSend) {
                    if (send(agentA, "bob", "mx-a2b-" + i)) sentAB++;
                    if (send(agentB, "alice", "mx-b2a-" + i)) sentBA++;
                    i++;
                    nextSend += interval;
                }
                String pa = openPath(agentA, "bob"), pb = openPath(agentB, "alice");
                long elapsed = System.currentTimeMillis() - t0;
                if (open < 0 && pa != null && pb != null) open = elapsed;
                if (direct < 0 && CellResult.isDirect(pa) && CellResult.isDirect(pb)) direct = elapsed;
                int ab = inbox(agentB, "mx-a2b-", recvAB, null), ba = inbox(agentA, "mx-b2a-", recvBA, null);
                if (firstDelivered < 0 && ab + ba > 0) firstDelivered = System.currentTimeMillis() - t0;
                boolean allIn = i >= messages && recvAB.size() >= sentAB && recvBA.size() >= sentBA;
                // Wait for direct on every cell, not only where physics expects it: ICE may start on TURN and
                // move to a direct pair seconds later, and a direct path where physics says none is news too.
                if (allIn && (direct >= 0 || System.currentTimeMillis() > pathDeadline)) break;
                Thread.sleep(100);
            }
            Thread.sleep(1500);  // late duplicates would show up here
            recvAB.clear();
            recvBA.clear();
            inbox(agentB, "mx-a2b-", recvAB, inboxPaths);
            inbox(agentA, "mx-b2a-", recvBA, inboxPaths);
            pathA = finalPath(agentA, "bob");
            pathB = finalPath(agentB, "alice");
            fromPeerAtA = FlowEvidence.packetsFromPeer(t, a, b.publicIp());
            fromPeerAtB = FlowEvidence.packetsFromPeer(t, b, a.publicIp());
            if (turn == TurnChoice.MESHWIRE) evidence = coord.turnEvidence(t, t.publicNs(), classes, dir.resolve("coordinator-metrics.txt"));
            if (i < messages) error = "ran out of time while sending";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
        int dupAB = recvAB.values().stream().mapToInt(v -> v - 1).sum();
        int dupBA = recvBA.values().stream().mapToInt(v -> v - 1).sum();
        boolean agrees = cell.physicsAgrees(pathA, pathB);
        boolean match = cell.agrees(pathA) && cell.agrees(pathB);
        Path turnLog = dir.resolve("turn/turn.log");
        if (turn == TurnChoice.COTURN && Files.exists(turnLog)) {
            try {
                evidence = TurnEvidence.fromCoturnLog(Files.readAllLines(turnLog));
            } catch (IOException e) {
                // evidence only
            }
        }
        return new CellResult(cell, pathA, pathB, firstDelivered, open, direct, sentAB, recvAB.size(), dupAB,
                sentBA, recvBA.size(), dupBA, inboxPaths, agrees, match, System.currentTimeMillis() - start, error,
                evidence, fromPeerAtA, fromPeerAtB);
    }

    // ------------------------------------------------------------------ processes

    /** The coordinator's STUN/TURN flags for {@code turn}; coturn's secret is where {@link Coturn#start} put it. */
    static List<String> iceFlags(TurnChoice turn, Path cellDir) {
        String coturn = "turn:" + TURN_IP + ":" + TURN_PORT;
        return CoordinatorProcess.iceFlags(turn, TURN_PORT, MIN_RELAY_PORT + "-" + MAX_RELAY_PORT, STUN_PORT,
                List.of(coturn + "?transport=udp", coturn + "?transport=tcp"), cellDir.resolve("turn/secret"));
    }

    private void startDaemon(Topology t, String ns, Path home, Path logFile) throws Exception {
        Files.createDirectories(home);
        t.start(ns, sh("exec env MESHWIRE_HOME=" + home + " MESHWIRE_P2P=auto " + java + " -jar " + jar
                + " up --foreground > " + logFile + " 2>&1"));
    }

    private Agent agent(Topology t, String ns, Path home, Path logFile) throws Exception {
        Process p = t.start(ns, sh("exec " + java + " -cp " + classes + " " + IpcAgent.class.getName() + " " + home
                + " 2> " + logFile));
        return new Agent(p);
    }

    private static List<String> sh(String script) {
        return List.of("sh", "-c", script);
    }

    /** A CLI verb inside {@code ns}, as a user would type it; its --json answer. */
    private JsonNode cli(Topology t, String ns, Path home, String... args) throws IOException {
        List<String> c = new ArrayList<>(List.of("env", "MESHWIRE_HOME=" + home, java, "-jar", jar.toString()));
        c.addAll(List.of(args));
        Cmd.Result r = t.exec(ns, c, Duration.ofSeconds(60));
        String out = r.output();
        int s = out.indexOf('{'), e = out.lastIndexOf('}');
        if (!r.ok() || s < 0 || e < s) throw new IOException("meshwire " + args[0] + " failed (exit " + r.exit() + "): " + out.strip());
        return JSON.readTree(out.substring(s, e + 1));
    }

    // ------------------------------------------------------------------ IPC observations

    private static void waitOnline(Agent agent, String name) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            PeerItem p = peer(agent, name);
            if (p != null && p.online()) return;
            Thread.sleep(100);
        }
        throw new IOException(name + " did not come online");
    }

    private static PeerItem peer(Agent agent, String name) throws IOException {
        Agent.Answer r = agent.get("/v1/peers?mesh=" + MESH);
        if (!r.ok() || r.body() == null) return null;
        for (PeerItem p : Json.MAPPER.treeToValue(r.body(), PeersReply.class).items()) if (name.equals(p.name())) return p;
        return null;
    }

    /** The path when the channel (direct or TURN) is open, else null. */
    private static String openPath(Agent agent, String name) throws IOException {
        PeerItem p = peer(agent, name);
        if (p == null || !"open".equals(p.pathState())) return null;
        String path = p.path();
        return path == null || path.equals("coordinator relay") ? null : path;
    }

    /**
     * The path the pair settled on. A handshake in progress (a daemon re-running ICE after sitting on TURN, or a
     * re-handshake) is not an outcome: wait up to {@link #SETTLE_MS} for it to end and report what it ended on.
     */
    private static String finalPath(Agent agent, String name) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + SETTLE_MS;
        while (true) {
            PeerItem p = peer(agent, name);
            if (p == null) return "failed";
            String path = p.path() == null ? "failed" : p.path();
            String state = p.pathState() == null ? "none" : p.pathState();
            if ("connecting".equals(state) && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
                continue;
            }
            if (path.equals("coordinator relay")) return path;
            return "open".equals(state) ? path : path + " (" + state + ")";
        }
    }

    private static boolean send(Agent agent, String to, String text) throws IOException {
        return agent.post("/v1/send", new SendRequest(MESH, to, text, null, text, null, null)).ok();
    }

    /** Counts inbox rows whose text starts with {@code prefix} (peek: nothing is marked seen). */
    private static int inbox(Agent agent, String prefix, Map<String, Integer> counts, Map<String, Integer> paths) throws IOException {
        Agent.Answer r = agent.get("/v1/inbox?mesh=" + MESH + "&limit=10000&peek=true");
        if (!r.ok() || r.body() == null) return counts.size();
        counts.clear();
        for (InboxItem m : Json.MAPPER.treeToValue(r.body(), InboxReply.class).items()) {
            String text = m.text();
            if (!text.startsWith(prefix)) continue;
            counts.merge(text, 1, Integer::sum);
            if (paths != null) paths.merge(m.path() == null ? "?" : m.path(), 1, Integer::sum);
        }
        return counts.size();
    }
}
