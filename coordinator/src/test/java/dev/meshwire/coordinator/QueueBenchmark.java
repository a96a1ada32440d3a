package dev.meshwire.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.coordinator.queue.QueueSettings;
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
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.invite.Invite;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durable-queue benchmark (not a test): per store, a real coordinator; a mesh with two members; N messages
 * of S bytes of ciphertext sent over a real WebSocket to the offline recipient (enqueue rate: first send to
 * last ack, i.e. every row committed); then the recipient connects with a raw client that acks every
 * deliver at once (drain rate: hello to the last deliver received, and to the last ack committed). Ack
 * latency (deliver push → client_ack received, on the coordinator) comes from its Prometheus summary.
 *
 * <p>Run: {@code bench/queue-bench.sh [count] [bytes] [stores]}. Rate limiting is disabled for the run
 * (the default 5,000/s per session would otherwise be what is measured). PostgreSQL: {@code MESHWIRE_TEST_PG_URL}
 * or a throwaway cluster (see {@link PgCluster}).
 */
public final class QueueBenchmark {
    private static final Pattern QUANTILE = Pattern.compile("(?m)^meshwire_queue_ack_latency_seconds\\{quantile=\"([0-9.]+)\"\\} ([0-9.eE+-]+)$");

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int bytes = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        List<String> stores = List.of((args.length > 2 ? args[2] : "sqlite,postgres").split(","));
        Path out = Path.of(args.length > 3 ? args[3] : "bench/results");
        ArrayNode results = Json.MAPPER.createArrayNode();
        for (String s : stores) {
            ObjectNode r = run(StoreKind.valueOf(s.trim().toUpperCase(Locale.ROOT)), count, bytes);
            results.add(r);
            System.out.println(Json.MAPPER.writeValueAsString(r));
        }
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("benchmark", "queue");
        doc.put("date", java.time.OffsetDateTime.now().toString());
        doc.set("machine", machine());
        doc.put("messages", count);
        doc.put("ciphertextBytes", bytes);
        doc.set("results", results);
        Files.createDirectories(out);
        Path file = out.resolve("queue-" + LocalDate.now() + ".json");
        Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        System.out.println("wrote " + file);
        System.out.println("| store | enqueue msg/s | drain msg/s (delivered) | drain msg/s (acks committed) | ack p50 ms | ack p99 ms |");
        System.out.println("|---|---|---|---|---|---|");
        for (JsonNode r : results) {
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %.2f | %.2f |%n", r.get("store").asText(), r.get("enqueuePerSec").asDouble(),
                    r.get("drainDeliveredPerSec").asDouble(), r.get("drainCommittedPerSec").asDouble(), r.get("ackP50Ms").asDouble(), r.get("ackP99Ms").asDouble());
        }
        System.exit(0); // PgCluster's shutdown hook stops the throwaway cluster
    }

    static ObjectNode machine() throws Exception {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        m.put("cpuModel", model);
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst().orElse("?");
        m.put("memTotal", mem.replaceAll("\\s+", " "));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return m;
    }

    /** A raw WebSocket client: frames to a handler on the event loop, nothing verified. */
    static final class Raw {
        final WebSocketClient client;
        final ClientWebSocket ws;
        final CompletableFuture<String> challenge = new CompletableFuture<>();
        final CompletableFuture<Void> helloAck = new CompletableFuture<>();
        volatile Consumer<String> onText = t -> {};

        Raw(Vertx vertx, int port) throws Exception {
            client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(8 << 20).setMaxMessageSize(16 << 20));
            ws = client.webSocket();
            ws.textMessageHandler(t -> {
                if (!challenge.isDone()) {
                    challenge.complete(((Frames.Challenge) FrameCodec.decode(t)).nonce());
                } else if (!helloAck.isDone()) {
                    Frame f = FrameCodec.decode(t);
                    if (f instanceof Frames.HelloAck) helloAck.complete(null);
                    else if (f instanceof Frames.Error e) helloAck.completeExceptionally(new IllegalStateException(e.toString()));
                } else {
                    onText.accept(t);
                }
            });
            ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws")).await(10, TimeUnit.SECONDS);
        }

        void send(Frame f) {
            ws.writeTextMessage(FrameCodec.encode(f));
        }

        void close() {
            try {
                ws.close().await(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // closing anyway
            }
            client.close();
        }
    }

    static ObjectNode run(StoreKind kind, int count, int bytes) throws Exception {
        Path data = Files.createTempDirectory("mw-bench");
        String db = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("bench") : null;
        QueueSettings qs = QueueSettings.defaults().withRateLimit(0, 0).withMaxQueuedPerRecipient(Math.max(200_000, count));
        CoordinatorConfig cfg = CoordinatorConfig.defaults(data).withListen("127.0.0.1", 0).withStunPort(-1).withDbUrl(db).withQueue(qs);
        System.out.printf("== %s: %,d messages of %,d bytes%n", kind, count, bytes);
        try (CoordinatorFixture fx = new CoordinatorFixture(c -> cfg)) {
            Identity alice = Identity.generate();
            Identity bob = Identity.generate();
            String meshId = fx.createMesh(alice, "bench-" + kind.name().toLowerCase(Locale.ROOT), "alice");
            Invite inv = Invite.create(alice, fx.coordinator.publicUrl(), meshId, "bench", System.currentTimeMillis() + 600_000, 10);
            Vertx vertx = fx.vertx;

            Raw bj = new Raw(vertx, fx.port());
            String n = bj.challenge.get(10, TimeUnit.SECONDS);
            bj.send(new Frames.Join("j", inv.encode(), bob.publicKeyHex(), "bob", null,
                    bob.signHex(Canonical.join(inv.inviteId(), meshId, bob.publicKeyHex(), "bob", n))));
            bj.helloAck.get(10, TimeUnit.SECONDS);
            bj.close();

            // prepare every frame before timing (signing is the sender's cost, not the queue's)
            List<String> frames = new ArrayList<>(count);
            byte[] cipher = Sodium.randomBytes(bytes);
            String ct = Base64.getEncoder().encodeToString(cipher);
            long t0 = System.currentTimeMillis();
            for (int i = 0; i < count; i++) {
                Body body = new Body(Base64.getEncoder().encodeToString(Sodium.randomBytes(24)), ct, Body.TEXT_V1);
                Envelope env = EnvelopeSignature.sign(new Envelope(Envelope.VERSION, Channel.DM, bob.publicKeyHex(), alice.publicKeyHex(), body,
                        Meta.of("bench-" + i, Priority.NEXT, t0), null), alice);
                frames.add(FrameCodec.encode(new Frames.Send("s" + i, bob.publicKeyHex(), env)));
            }

            Raw a = new Raw(vertx, fx.port());
            a.send(new Frames.Hello("h", meshId, alice.publicKeyHex(), null,
                    alice.signHex(Canonical.hello(meshId, alice.publicKeyHex(), a.challenge.get(10, TimeUnit.SECONDS)))));
            a.helloAck.get(10, TimeUnit.SECONDS);
            int window = 4096;
            Semaphore room = new Semaphore(window);
            AtomicInteger acked = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            CountDownLatch allAcked = new CountDownLatch(1);
            a.onText = t -> {
                if (t.contains("\"type\":\"ack\"") || t.contains("\"type\":\"error\"")) {
                    if (t.contains("\"type\":\"error\"") && errors.incrementAndGet() <= 3) System.out.println("error: " + t);
                    room.release();
                    if (acked.incrementAndGet() == count) allAcked.countDown();
                }
            };
            long s0 = System.nanoTime();
            for (String f : frames) {
                room.acquire();
                a.ws.writeTextMessage(f);
            }
            if (!allAcked.await(600, TimeUnit.SECONDS)) throw new IllegalStateException("enqueue did not finish: " + acked.get());
            double enqueueSec = (System.nanoTime() - s0) / 1e9;
            System.out.printf(Locale.ROOT, "enqueue: %,d in %.2f s = %,.0f msg/s (errors %d)%n", count, enqueueSec, count / enqueueSec, errors.get());

            // drain: the recipient acks every deliver at once
            Raw b = new Raw(vertx, fx.port());
            AtomicInteger delivered = new AtomicInteger();
            CountDownLatch allDelivered = new CountDownLatch(1);
            AtomicLong lastDeliver = new AtomicLong();
            b.onText = t -> {
                int i = t.indexOf("\"messageId\":\"");
                if (i < 0 || !t.startsWith("{\"type\":\"deliver\"")) return;
                int start = i + 13;
                String mid = t.substring(start, t.indexOf('"', start));
                b.ws.writeTextMessage("{\"type\":\"client_ack\",\"messageId\":\"" + mid + "\"}");
                if (delivered.incrementAndGet() == count) {
                    lastDeliver.set(System.nanoTime());
                    allDelivered.countDown();
                }
            };
            double deliveredBefore = deliveredTotal(fx);
            jdk.jfr.Recording jfr = null;
            String jfrDir = System.getProperty("meshwire.bench.jfr");
            if (jfrDir != null) {
                jfr = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                jfr.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(2));
                jfr.enable("jdk.NativeMethodSample").withPeriod(java.time.Duration.ofMillis(2));
                jfr.start();
            }
            if (db != null) Cpu.pgPort = io.vertx.pgclient.PgConnectOptions.fromUri(db.replaceFirst("^jdbc:", "").replaceFirst("^postgres://", "postgresql://")).getPort();
            Cpu cpu0 = Cpu.now();
            java.util.Map<Long, ThreadCpu> threads0 = ThreadCpu.now();
            long d0 = System.nanoTime();
            b.send(new Frames.Hello("h", meshId, bob.publicKeyHex(), null,
                    bob.signHex(Canonical.hello(meshId, bob.publicKeyHex(), b.challenge.get(10, TimeUnit.SECONDS)))));
            b.helloAck.get(10, TimeUnit.SECONDS);
            if (!allDelivered.await(600, TimeUnit.SECONDS)) throw new IllegalStateException("drain did not finish: " + delivered.get());
            double drainSec = (lastDeliver.get() - d0) / 1e9;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (deliveredTotal(fx) - deliveredBefore < count) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("acks not committed");
                Thread.sleep(1);
            }
            double committedSec = (System.nanoTime() - d0) / 1e9;
            Cpu cpu = Cpu.now().minus(cpu0);
            List<ThreadCpu> threads = ThreadCpu.since(threads0);
            double writerSec = threads.stream().filter(t -> t.name().startsWith("meshwire-sqlite")).mapToDouble(ThreadCpu::seconds).sum();
            System.out.printf(Locale.ROOT, "drain threads (CPU s): %s; writer %.1f µs/msg%n", threads.stream().limit(6)
                    .map(t -> String.format(Locale.ROOT, "%s %.2f", t.name(), t.seconds())).toList(), writerSec / count * 1e6);
            if (jfr != null) {
                jfr.stop();
                Path f = Path.of(jfrDir).resolve("drain-" + kind.name().toLowerCase(Locale.ROOT) + "-" + System.currentTimeMillis() + ".jfr");
                Files.createDirectories(f.getParent());
                jfr.dump(f);
                jfr.close();
                System.out.println("JFR (drain only): " + f);
            }
            System.out.printf(Locale.ROOT, "drain CPU: JVM (coordinator + client) %.2f s, PostgreSQL server processes %.2f s, other processes %.2f s, over %.2f s wall on %d cores%n",
                    cpu.jvmSec, cpu.pgSec, cpu.otherSec(), committedSec, Runtime.getRuntime().availableProcessors());
            String metrics = fx.get("/metrics").text();
            double p50 = 0, p99 = 0;
            Matcher m = QUANTILE.matcher(metrics);
            while (m.find()) {
                if (m.group(1).equals("0.5")) p50 = Double.parseDouble(m.group(2)) * 1000;
                if (m.group(1).equals("0.99")) p99 = Double.parseDouble(m.group(2)) * 1000;
            }
            System.out.printf(Locale.ROOT, "drain: %,d delivered in %.2f s = %,.0f msg/s; all acks committed after %.2f s = %,.0f msg/s; ack p50 %.2f ms p99 %.2f ms%n",
                    count, drainSec, count / drainSec, committedSec, count / committedSec, p50, p99);
            a.close();
            b.close();

            ObjectNode r = Json.MAPPER.createObjectNode();
            r.put("store", kind.name().toLowerCase(Locale.ROOT));
            r.put("storeVersion", kind == StoreKind.SQLITE ? "sqlite-jdbc " + org.sqlite.SQLiteJDBCLoader.getVersion() : pgVersion(db));
            r.put("enqueueSeconds", enqueueSec);
            r.put("enqueuePerSec", count / enqueueSec);
            r.put("enqueueErrors", errors.get());
            r.put("drainDeliveredSeconds", drainSec);
            r.put("drainDeliveredPerSec", count / drainSec);
            r.put("drainCommittedSeconds", committedSec);
            r.put("drainCommittedPerSec", count / committedSec);
            r.put("drainCpuJvmSeconds", cpu.jvmSec);
            r.put("drainCpuPostgresSeconds", cpu.pgSec);
            r.put("drainCpuOtherProcessesSeconds", cpu.otherSec());
            r.put("drainCpuWriterThreadSeconds", writerSec);
            r.put("ackP50Ms", p50);
            r.put("ackP99Ms", p99);
            r.put("maxInflight", qs.maxInflight());
            r.put("maxClaimBatch", qs.maxClaimBatch());
            return r;
        }
    }

    /** Read in-process (an HTTP scrape every few ms would load the coordinator's event loop it measures). */
    static double deliveredTotal(CoordinatorFixture fx) {
        return fx.coordinator.metrics().count("meshwire_queue_delivered");
    }

    /** One thread's CPU time (seconds) so far, or since a snapshot; for the writer thread's share of a drain. */
    record ThreadCpu(String name, double seconds) {
        static java.util.Map<Long, ThreadCpu> now() {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            java.util.Map<Long, ThreadCpu> out = new java.util.HashMap<>();
            for (java.lang.management.ThreadInfo i : mx.getThreadInfo(mx.getAllThreadIds())) {
                if (i == null) continue;
                long ns = mx.getThreadCpuTime(i.getThreadId());
                if (ns >= 0) out.put(i.getThreadId(), new ThreadCpu(i.getThreadName(), ns / 1e9));
            }
            return out;
        }

        /** Threads by CPU used since {@code before}, most first (threads started since count from 0). */
        static List<ThreadCpu> since(java.util.Map<Long, ThreadCpu> before) {
            List<ThreadCpu> out = new ArrayList<>();
            for (var e : now().entrySet()) {
                ThreadCpu b = before.get(e.getKey());
                out.add(new ThreadCpu(e.getValue().name(), e.getValue().seconds() - (b == null ? 0 : b.seconds())));
            }
            out.sort(java.util.Comparator.comparingDouble(ThreadCpu::seconds).reversed());
            return out;
        }
    }

    /** CPU time used so far by this JVM (coordinator and benchmark client) and by every process named postgres. */
    record Cpu(double jvmSec, double pgSec, double machineSec) {
        /** PostgreSQL's postmaster listening on {@link #pgPort} (its children are the server's processes); 0: count every postgres process. */
        static volatile int pgPort;

        static Cpu now() {
            double jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
            double pg = 0;
            long tick = 100; // USER_HZ
            java.util.Map<Long, String[]> stats = new java.util.HashMap<>();
            long postmaster = -1;
            try (var dirs = Files.list(Path.of("/proc"))) {
                for (Path d : (Iterable<Path>) dirs::iterator) {
                    if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
                    try {
                        String st = Files.readString(d.resolve("stat"));
                        int l = st.indexOf('('), r = st.lastIndexOf(')');
                        if (!st.substring(l + 1, r).startsWith("postgres")) continue;
                        long pid = Long.parseLong(d.getFileName().toString());
                        stats.put(pid, st.substring(r + 2).split(" "));
                        if (pgPort > 0 && postmaster < 0) {
                            String cmd = Files.readString(d.resolve("cmdline")).replace('\0', ' ');
                            if (cmd.contains("-p " + pgPort + " ") || cmd.endsWith("-p " + pgPort) || cmd.contains("port=" + pgPort)) postmaster = pid;
                        }
                    } catch (Exception ignored) {
                        // process ended
                    }
                }
            } catch (java.io.IOException ignored) {
                // no /proc
            }
            for (var e : stats.entrySet()) {
                String[] f = e.getValue(); // after "(comm) ": state ppid ... utime(11) stime(12)
                if (postmaster > 0 && e.getKey() != postmaster && Long.parseLong(f[1]) != postmaster) continue;
                pg += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) tick;
            }
            double machine = 0;
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long busy = 0;
                for (int i = 1; i < f.length && i <= 8; i++) if (i != 4 && i != 5) busy += Long.parseLong(f[i]); // all but idle, iowait
                machine = busy / (double) tick;
            } catch (Exception ignored) {
                // no /proc/stat
            }
            return new Cpu(jvm, pg, machine);
        }

        Cpu minus(Cpu o) {
            return new Cpu(jvmSec - o.jvmSec, pgSec - o.pgSec, machineSec - o.machineSec);
        }

        /** CPU used by every other process on the machine (other workloads; the benchmark is not alone). */
        double otherSec() {
            return Math.max(0, machineSec - jvmSec - pgSec);
        }
    }

    static String pgVersion(String url) {
        Vertx v = Vertx.vertx();
        try {
            var c = io.vertx.pgclient.PgBuilder.client().connectingTo(dev.meshwire.coordinator.store.PgCoordinatorStore.connectOptions(url)).using(v).build();
            StringBuilder s = new StringBuilder("PostgreSQL ").append(c.query("SHOW server_version").execute().await(10, TimeUnit.SECONDS).iterator().next().getString(0));
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")) {
                s.append(", ").append(setting).append('=').append(c.query("SHOW " + setting).execute().await(10, TimeUnit.SECONDS).iterator().next().getString(0));
            }
            c.close();
            return s.toString();
        } catch (Exception e) {
            return "PostgreSQL ?";
        } finally {
            v.close();
        }
    }
}
