package dev.meshwire.coordinator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.coordinator.admission.AdmissionLimits;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.invite.Invite;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Relay latency under many idle peers (not a test; run by {@code bench/idle-peers-bench.sh}). Two processes, as
 * one process may hold at most 20,000 descriptors here:
 *
 * <ul>
 *   <li>{@code server <dataDir>}: a coordinator on SQLite (started like {@code meshwire coordinator} does, through
 *       {@link Coordinator#start}) with default queue and session settings; only admission is raised for the bench
 *       (unauthenticated connections from one address: 1,024 instead of 32, since every bench peer comes from
 *       127.0.0.1; auth timeout 60 s instead of 5 s, as joins queue behind each other on the one SQLite writer).
 *       It writes {@code server.json} (port, public URL, admin token, pid) and, whenever the file {@code gc-now}
 *       appears, runs a full GC and appends heap used, RSS, threads and its claim/sweep counters to {@code stats.jsonl}.</li>
 *   <li>{@code client <dataDir> <meshes> <membersPerMesh> <seconds> <intervalMs> <label> <out.json>}: opens
 *       meshes × members idle peers (each joined once through an invite and then left connected; they answer the
 *       coordinator's pings and ignore everything else), then alice sends bob a dm every intervalMs for seconds
 *       (two more peers in their own mesh; bob acks every deliver) and records send → deliver latency.</li>
 * </ul>
 */
public final class IdlePeersBench {

    static final int WARMUP = 1000;

    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) server(Path.of(args[1]));
        else client(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                Integer.parseInt(args[5]), args[6], Path.of(args[7]));
    }

    // ---- server process ----

    static void server(Path data) throws Exception {
        AdmissionLimits d = AdmissionLimits.defaults();
        AdmissionLimits admission = new AdmissionLimits(d.requestTimeout(), d.idleTimeout(), Duration.ofSeconds(60),
                d.maxUnauthenticated(), 1024, null, 0, d.healthMaxConnections());
        CoordinatorConfig cfg = CoordinatorConfig.defaults(data.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1).withAdmission(admission);
        Coordinator c = Coordinator.start(cfg);
        ObjectNode info = Json.MAPPER.createObjectNode();
        info.put("port", c.port());
        info.put("publicUrl", c.publicUrl());
        info.put("adminToken", c.adminToken());
        info.put("pid", ProcessHandle.current().pid());
        Files.writeString(data.resolve("server.json.tmp"), Json.MAPPER.writeValueAsString(info));
        Files.move(data.resolve("server.json.tmp"), data.resolve("server.json"));
        Path trigger = data.resolve("gc-now");
        while (true) {
            Thread.sleep(200);
            if (Files.deleteIfExists(trigger)) {
                System.gc();
                ObjectNode s = Json.MAPPER.createObjectNode();
                s.put("heapUsedBytes", heapUsed());
                s.put("rssKb", rssKb());
                s.put("threads", Thread.activeCount());
                s.put("queueClaims", c.metrics().count("meshwire_queue_claims"));
                s.put("queueSweeps", c.metrics().count("meshwire_queue_sweeps"));
                Files.writeString(data.resolve("stats.jsonl"), Json.MAPPER.writeValueAsString(s) + "\n",
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
        }
    }

    static long heapUsed() {
        long used = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) used += p.getUsage().getUsed();
        return used;
    }

    static long rssKb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
    }

    // ---- client process ----

    /** One raw peer: completes {@code ready} at its hello_ack, answers pings, hands other frames to {@code onText}. */
    static final class Peer {
        final ClientWebSocket ws;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        volatile java.util.function.Consumer<String> onText = t -> {};

        /** Frames are matched by substring, not decoded (FrameCodec writes "type" last; decoding 10k peers' frames costs). */
        Peer(WebSocketClient client, int port, java.util.function.Function<String, String> authFrame) {
            ws = client.webSocket();
            ws.textMessageHandler(t -> {
                if (t.length() < 128 && t.contains("\"type\":\"ping\"")) {
                    int i = t.indexOf("\"id\":\"") + 6;
                    ws.writeTextMessage("{\"type\":\"pong\",\"id\":\"" + t.substring(i, t.indexOf('"', i)) + "\"}");
                } else if (!ready.isDone()) {
                    if (t.contains("\"type\":\"challenge\"")) {
                        ws.writeTextMessage(authFrame.apply(((Frames.Challenge) FrameCodec.decode(t)).nonce()));
                    } else if (t.contains("\"type\":\"hello_ack\"")) {
                        ready.complete(null);
                    } else if (t.contains("\"type\":\"error\"")) {
                        ready.completeExceptionally(new IllegalStateException(t));
                    }
                } else {
                    onText.accept(t);
                }
            });
            ws.exceptionHandler(e -> ready.completeExceptionally(e));
            ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")).onFailure(ready::completeExceptionally);
        }
    }

    record Mesh(String id, Identity owner, Invite invite) {}

    static Mesh createMesh(HttpClient http, ObjectNode info, String name, int uses) throws Exception {
        Identity owner = Identity.generate();
        String body = Json.MAPPER.writeValueAsString(CoordinatorFixture.meshBody(owner, name, "owner", System.currentTimeMillis()));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + info.get("port").asInt() + "/v1/meshes"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + info.get("adminToken").asText())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) throw new IllegalStateException("mesh create: " + r.statusCode() + " " + r.body());
        String id = Json.MAPPER.readTree(r.body()).get("mesh").asText();
        return new Mesh(id, owner, Invite.create(owner, info.get("publicUrl").asText(), id, name, System.currentTimeMillis() + 3_600_000, uses));
    }

    static Peer join(WebSocketClient client, int port, Mesh m, Identity id, String name) {
        return new Peer(client, port, nonce -> FrameCodec.encode(new Frames.Join("j", m.invite().encode(), id.publicKeyHex(), name, null,
                id.signHex(Canonical.join(m.invite().inviteId(), m.id(), id.publicKeyHex(), name, nonce)))));
    }

    static ObjectNode stats(Path data) throws Exception {
        Path stats = data.resolve("stats.jsonl");
        long before = Files.exists(stats) ? Files.readAllLines(stats).size() : 0;
        Files.writeString(data.resolve("gc-now"), "");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(stats)) {
                List<String> lines = Files.readAllLines(stats);
                if (lines.size() > before) return (ObjectNode) Json.MAPPER.readTree(lines.get(lines.size() - 1));
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the server did not answer a stats request");
    }

    static double[] loadavg() throws Exception {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    static void client(Path data, int meshes, int perMesh, int seconds, int intervalMs, String label, Path out) throws Exception {
        ObjectNode info = (ObjectNode) Json.MAPPER.readTree(Files.readString(data.resolve("server.json")));
        int port = info.get("port").asInt();
        HttpClient http = HttpClient.newHttpClient();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(8 << 20).setMaxMessageSize(16 << 20)
                .setMaxConnections(meshes * perMesh + 16).setConnectTimeout(60_000));
        ObjectNode baseline = stats(data);

        // idle peers: joins in flight bounded below the per-address admission limit
        long c0 = System.nanoTime();
        List<Peer> idle = new ArrayList<>(meshes * perMesh);
        Semaphore inFlight = new Semaphore(256);
        AtomicInteger failed = new AtomicInteger();
        AtomicLong idleFrames = new AtomicLong();
        for (int g = 0; g < meshes; g++) {
            Mesh m = createMesh(http, info, "idle-" + g, perMesh + 1);
            for (int i = 0; i < perMesh; i++) {
                inFlight.acquire();
                Peer p = join(client, port, m, Identity.generate(), "p" + i);
                p.onText = t -> idleFrames.incrementAndGet();
                p.ready.whenComplete((v, e) -> {
                    inFlight.release();
                    if (e != null && failed.incrementAndGet() <= 3) System.err.println("join failed: " + e);
                });
                idle.add(p);
            }
            if ((g + 1) % 10 == 0) System.out.printf(Locale.ROOT, "%d meshes, %d peers joining or joined (%.0f s)%n", g + 1, idle.size(), (System.nanoTime() - c0) / 1e9);
        }
        CompletableFuture.allOf(idle.stream().map(p -> p.ready.exceptionally(e -> null)).toArray(CompletableFuture[]::new)).get(600, TimeUnit.SECONDS);
        double connectSec = (System.nanoTime() - c0) / 1e9;
        int connected = idle.size() - failed.get();
        System.out.printf(Locale.ROOT, "%,d idle peers connected in %.1f s (%d failed)%n", connected, connectSec, failed.get());
        // let the join broadcasts drain before measuring
        for (long last = -1; last != idleFrames.get(); ) {
            last = idleFrames.get();
            Thread.sleep(2_000);
        }
        ObjectNode loaded = stats(data);

        // the measured pair
        Mesh pm = createMesh(http, info, "pair", 2);
        Identity bob = Identity.generate();
        Peer b = join(client, port, pm, bob, "bob");
        b.ready.get(60, TimeUnit.SECONDS);
        // the sender is the mesh's owner
        Peer a = new Peer(client, port, nonce -> FrameCodec.encode(new Frames.Hello("h", pm.id(), pm.owner().publicKeyHex(), null,
                pm.owner().signHex(Canonical.hello(pm.id(), pm.owner().publicKeyHex(), nonce)))));
        a.ready.get(60, TimeUnit.SECONDS);
        Identity sender = pm.owner();
        // the first WARMUP sends (JIT of both processes) are paced the same way but not counted
        int count = seconds * 1000 / intervalMs + WARMUP;
        String[] frames = new String[count];
        byte[] cipher = Sodium.randomBytes(256);
        String ct = Base64.getEncoder().encodeToString(cipher);
        long t0 = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            Body body = new Body(Base64.getEncoder().encodeToString(Sodium.randomBytes(24)), ct, Body.TEXT_V1);
            Envelope env = EnvelopeSignature.sign(new Envelope(Envelope.VERSION, Channel.DM, bob.publicKeyHex(), sender.publicKeyHex(), body,
                    Meta.of("c" + i, Priority.NEXT, t0), null), sender);
            frames[i] = FrameCodec.encode(new Frames.Send("s" + i, bob.publicKeyHex(), env));
        }
        long[] sentAt = new long[count];
        long[] latency = new long[count];
        Arrays.fill(latency, -1);
        AtomicInteger delivered = new AtomicInteger();
        Peer bobPeer = b;
        b.onText = t -> {
            if (!t.startsWith("{\"type\":\"deliver\"")) return;
            long now = System.nanoTime();
            int i = t.indexOf("\"messageId\":\"") + 13;
            String mid = t.substring(i, t.indexOf('"', i));
            int c = t.indexOf("\"clientMessageId\":\"c") + 20;
            int n = Integer.parseInt(t.substring(c, t.indexOf('"', c)));
            bobPeer.ws.writeTextMessage("{\"type\":\"client_ack\",\"messageId\":\"" + mid + "\"}");
            if (latency[n] < 0) {
                latency[n] = now - sentAt[n];
                delivered.incrementAndGet();
            }
        };
        ConcurrentHashMap<String, Boolean> errors = new ConcurrentHashMap<>();
        a.onText = t -> {
            if (t.contains("\"type\":\"error\"") && errors.size() < 5) errors.put(t, true);
        };
        double[] load0 = null;
        long s0 = System.nanoTime(), m0 = 0;
        for (int i = 0; i < count; i++) {
            if (i == WARMUP) {
                load0 = loadavg();
                m0 = System.nanoTime();
            }
            long due = s0 + TimeUnit.MILLISECONDS.toNanos((long) i * intervalMs);
            long wait = due - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            sentAt[i] = System.nanoTime();
            a.ws.writeTextMessage(frames[i]);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.get() < count && System.nanoTime() < deadline) Thread.sleep(50);
        double[] load1 = loadavg();
        double windowSec = (System.nanoTime() - m0) / 1e9;
        ObjectNode after = stats(data);

        long[] got = Arrays.stream(latency, WARMUP, count).filter(x -> x >= 0).sorted().toArray();
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("label", label);
        r.put("date", java.time.OffsetDateTime.now().toString());
        r.set("machine", QueueBenchmark.machine());
        r.put("store", "sqlite");
        r.put("coordinatorXmx", "1g");
        r.put("idlePeers", connected);
        r.put("idlePeersFailed", failed.get());
        r.put("meshes", meshes);
        r.put("membersPerMesh", perMesh);
        r.put("connectSeconds", connectSec);
        r.put("dmIntervalMs", intervalMs);
        r.put("windowSeconds", windowSec);
        r.put("warmupSends", WARMUP);
        r.put("sent", count - WARMUP);
        r.put("delivered", got.length);
        r.put("p50Ms", pct(got, 0.50));
        r.put("p99Ms", pct(got, 0.99));
        r.put("p999Ms", pct(got, 0.999));
        r.put("maxMs", got.length == 0 ? -1 : got[got.length - 1] / 1e6);
        r.put("over50Ms", Arrays.stream(got).filter(x -> x > 50_000_000L).count());
        r.put("loadavgAtStart", load0[0] + " " + load0[1] + " " + load0[2]);
        r.put("loadavgAtEnd", load1[0] + " " + load1[1] + " " + load1[2]);
        r.put("coordinatorRssKbIdle", baseline.get("rssKb").asLong());
        r.put("coordinatorRssKbWithPeers", after.get("rssKb").asLong());
        r.put("coordinatorHeapBytesIdle", baseline.get("heapUsedBytes").asLong());
        r.put("coordinatorHeapBytesWithPeers", loaded.get("heapUsedBytes").asLong());
        r.put("heapKbPerPeer", (loaded.get("heapUsedBytes").asLong() - baseline.get("heapUsedBytes").asLong()) / 1024.0 / Math.max(1, connected));
        r.put("coordinatorThreads", after.get("threads").asInt());
        r.put("sweepsDuringDms", after.get("queueSweeps").asDouble() - loaded.get("queueSweeps").asDouble());
        r.put("claimsDuringDms", after.get("queueClaims").asDouble() - loaded.get("queueClaims").asDouble());
        if (!errors.isEmpty()) r.put("senderErrors", String.join(" | ", errors.keySet()));
        Files.createDirectories(out.getParent());
        Files.writeString(out, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
        System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        System.exit(0);
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) return -1;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
