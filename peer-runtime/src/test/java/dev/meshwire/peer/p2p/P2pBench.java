package dev.meshwire.peer.p2p;

import dev.meshwire.signaling.crypto.Identity;
import dev.onvoid.webrtc.CreateSessionDescriptionObserver;
import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.onvoid.webrtc.PeerConnectionObserver;
import dev.onvoid.webrtc.RTCAnswerOptions;
import dev.onvoid.webrtc.RTCConfiguration;
import dev.onvoid.webrtc.RTCDataChannel;
import dev.onvoid.webrtc.RTCDataChannelBuffer;
import dev.onvoid.webrtc.RTCDataChannelInit;
import dev.onvoid.webrtc.RTCDataChannelObserver;
import dev.onvoid.webrtc.RTCDataChannelState;
import dev.onvoid.webrtc.RTCIceCandidate;
import dev.onvoid.webrtc.RTCOfferOptions;
import dev.onvoid.webrtc.RTCPeerConnection;
import dev.onvoid.webrtc.RTCSessionDescription;
import dev.onvoid.webrtc.SetSessionDescriptionObserver;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Raw numbers on this machine (host candidates, one JVM): connect-to-open time, RTT p50/p99 and
 * throughput, through the engine's framing and through bare webrtc-java for comparison. Writes
 * {@code bench/results/p2p-<date>.json} under the current directory.
 *
 * <p>Run from the repo root (builds the classpath, compiles this package, runs with a fixed heap so
 * RSS growth is native growth):
 * <pre>
 * mvn -q -pl peer-runtime compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * javac -d /tmp/p2pbench -cp peer-runtime/target/classes:$(cat /tmp/cp.txt) \
 *     peer-runtime/src/test/java/dev/meshwire/peer/p2p/{P2pBench,InMemorySignaling,Recorder,P2pEngineTest,ChannelFramingTest}.java
 * java -Xms256m -Xmx256m -XX:+AlwaysPreTouch -cp /tmp/p2pbench:peer-runtime/target/classes:$(cat /tmp/cp.txt) \
 *     dev.meshwire.peer.p2p.P2pBench
 * </pre>
 */
public final class P2pBench {
    static final int RTT_N = 2000;
    static final int TOTAL = 64 << 20;

    public static void main(String[] args) {
        BenchMain.runAndExit(() -> run());
    }

    static void run() throws Exception {
        if (!NativeWebRtc.get().available()) throw new IllegalStateException(NativeWebRtc.get().unavailableReason());
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"date\": \"").append(LocalDate.now()).append("\",\n");
        json.append("  \"machine\": \"").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("java.version")).append(", webrtc-java 0.14.0, host candidates, one JVM\",\n");

        // ---- framed, through two engines ----
        Identity x = Identity.generate(), y = Identity.generate();
        Identity a = x.publicKeyHex().compareTo(y.publicKeyHex()) < 0 ? x : y, b = a == x ? y : x;
        String pa = a.publicKeyHex(), pb = b.publicKeyHex();
        java.util.Set<String> roster = java.util.Set.of(pa, pb);
        InMemorySignaling hub = new InMemorySignaling();
        Recorder ra = new Recorder(), rb = new Recorder();
        ra.keepMessages = false;
        rb.keepMessages = false;
        // The throughput rounds hand the engine all 64 MiB at once: a backlog that holds them (the default caps at 32 MiB).
        P2pConfig cfg = P2pConfig.defaults().withBacklog(new BacklogLimits(Integer.MAX_VALUE, Long.MAX_VALUE, Duration.ofMinutes(5)));
        P2pEngine ea = new P2pEngine(NativeWebRtc.get(), a, "bench", roster::contains, hub.endpoint(pa), cfg, ra);
        P2pEngine eb = new P2pEngine(NativeWebRtc.get(), b, "bench", roster::contains, hub.endpoint(pb), cfg, rb);

        List<Double> opens = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            long t0 = System.nanoTime();
            ea.connect(pb);
            Recorder.await("open", Duration.ofSeconds(15), () -> ea.state(pb) == SessionState.OPEN);
            opens.add((System.nanoTime() - t0) / 1e6);
            if (i < 10) {
                ea.close(pb);
                Recorder.await("closed", Duration.ofSeconds(5), () -> ea.state(pb) == null && eb.state(pa) == null);
            }
        }
        Recorder.await("open both", Duration.ofSeconds(15), () -> eb.state(pa) == SessionState.OPEN);
        double firstOpen = opens.get(0);
        double[] warm = opens.subList(1, opens.size()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "framed: connect() -> OPEN first %.1f ms, warm p50 %.1f ms%n", firstOpen, pct(warm, 50));

        // RTT: B echoes every message from its listener (engine thread, non-blocking send).
        rb.onMessage = (peer, m) -> eb.send(peer, m);
        byte[] small = new byte[32];
        double[] framedRtt = new double[RTT_N];
        for (int i = 0; i < RTT_N + 200; i++) {
            int before = ra.received.get();
            long t0 = System.nanoTime();
            ea.send(pb, small);
            while (ra.received.get() == before) Thread.onSpinWait();
            if (i >= 200) framedRtt[i - 200] = (System.nanoTime() - t0) / 1e3;
        }
        rb.onMessage = null;
        Arrays.sort(framedRtt);
        System.out.printf(Locale.ROOT, "framed RTT 32 B: p50 %.0f us p99 %.0f us%n", pct(framedRtt, 50), pct(framedRtt, 99));

        // ---- raw webrtc-java, same machine, same factory ----
        RawPair raw = RawPair.open(NativeWebRtc.get().factory());
        double[] rawRtt = raw.rtt(RTT_N);
        System.out.printf(Locale.ROOT, "raw RTT 32 B: p50 %.0f us p99 %.0f us; raw open %.1f ms%n", pct(rawRtt, 50), pct(rawRtt, 99), raw.openMs);

        // Throughput, 64 MiB per run, framed and raw alternating (this 2-core VM is noisy): framed as
        // 4 MiB messages (chunked) and as 256 KiB messages, until the last ack; raw as 262,144-byte
        // messages until the receiver counted every byte. Medians of ROUNDS.
        int rounds = 3;
        double[] fBig = new double[rounds], fMid = new double[rounds], rawT = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            fBig[i] = framedThroughput(ea, pb, 4 << 20);
            rawT[i] = raw.throughput(TOTAL, ChannelFraming.MAX_FRAME_BYTES);
            fMid[i] = framedThroughput(ea, pb, 256 << 10);
            System.out.printf(Locale.ROOT, "round %d: framed 4 MiB msgs %.1f MiB/s, raw %.1f MiB/s, framed 256 KiB msgs %.1f MiB/s%n", i, fBig[i], rawT[i], fMid[i]);
        }
        Arrays.sort(fBig);
        Arrays.sort(fMid);
        Arrays.sort(rawT);
        double framedBig = fBig[rounds / 2], framedMid = fMid[rounds / 2], rawTput = rawT[rounds / 2];
        raw.close();

        // Churn: connect, one message, close; RSS and OS threads (native included) before/after.
        // Run with a fixed, pre-touched heap (-Xms256m -Xmx256m -XX:+AlwaysPreTouch) so RSS shows native growth.
        int cycles = Integer.getInteger("churn", 200);
        long rss0 = P2pEngineTest.rssKb(), thr0 = P2pEngineTest.osThreads();
        for (int i = 0; i < cycles; i++) {
            ea.close(pb);
            Recorder.await("closed", Duration.ofSeconds(5), () -> ea.state(pb) == null && eb.state(pa) == null);
            ea.connect(pb);
            Recorder.await("open", Duration.ofSeconds(15), () -> ea.state(pb) == SessionState.OPEN && eb.state(pa) == SessionState.OPEN);
            ea.send(pb, small).get(5, TimeUnit.SECONDS);
        }
        long rss1 = P2pEngineTest.rssKb(), thr1 = P2pEngineTest.osThreads();
        System.out.printf(Locale.ROOT, "churn %d cycles: RSS %d -> %d KiB (%.0f KiB/cycle), OS threads %d -> %d%n",
                cycles, rss0, rss1, (rss1 - rss0) / (double) cycles, thr0, thr1);
        ea.close();
        eb.close();
        hub.close();

        json.append(String.format(Locale.ROOT, "  \"open_ms\": {\"first_in_jvm\": %.1f, \"warm_p50\": %.1f, \"warm_max\": %.1f, \"raw_first\": %.1f},%n",
                firstOpen, pct(warm, 50), warm[warm.length - 1], raw.openMs));
        json.append(String.format(Locale.ROOT, "  \"rtt_us_32B\": {\"framed_p50\": %.0f, \"framed_p99\": %.0f, \"raw_p50\": %.0f, \"raw_p99\": %.0f, \"n\": %d},%n",
                pct(framedRtt, 50), pct(framedRtt, 99), pct(rawRtt, 50), pct(rawRtt, 99), RTT_N));
        json.append(String.format(Locale.ROOT, "  \"churn\": {\"cycles\": %d, \"rss_kib_before\": %d, \"rss_kib_after\": %d, \"rss_kib_per_cycle\": %.0f, \"os_threads_before\": %d, \"os_threads_after\": %d, \"heap\": \"%s\"},%n",
                cycles, rss0, rss1, (rss1 - rss0) / (double) cycles, thr0, thr1,
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().toString().replace("\"", "")));
        json.append(String.format(Locale.ROOT, "  \"throughput_mib_s_64MiB_median_of_3\": {\"framed_4MiB_messages\": %.1f, \"framed_256KiB_messages\": %.1f, \"raw_262144B_messages\": %.1f, \"framed_over_raw\": %.2f}%n",
                framedBig, framedMid, rawTput, framedBig / rawTput));
        json.append("}\n");
        Path out = Path.of("bench/results/p2p-" + LocalDate.now() + ".json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json);
        System.out.println("wrote " + out.toAbsolutePath());
        System.out.print(json);
    }

    static double framedThroughput(P2pEngine ea, String pb, int messageBytes) throws Exception {
        byte[] msg = new byte[messageBytes];
        int n = TOTAL / messageBytes;
        long t0 = System.nanoTime();
        List<CompletableFuture<Ack>> acks = new ArrayList<>();
        for (int i = 0; i < n; i++) acks.add(ea.send(pb, msg));
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return (TOTAL / 1048576.0) / ((System.nanoTime() - t0) / 1e9);
    }

    static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** Two bare peer connections with one channel each way, signaling by direct calls. */
    static final class RawPair {
        final ExecutorService ctl = Executors.newSingleThreadExecutor();
        RTCPeerConnection pa, pb;
        RTCDataChannel da;
        volatile RTCDataChannel db;
        final CountDownLatch openA = new CountDownLatch(1), openB = new CountDownLatch(1);
        final AtomicLong received = new AtomicLong();
        final Object drain = new Object();
        volatile Consumer<ByteBuffer> bHandler = buf -> received.addAndGet(buf.remaining());
        volatile Runnable aEcho = () -> {};
        double openMs;

        static RawPair open(PeerConnectionFactory f) throws Exception {
            RawPair r = new RawPair();
            long t0 = System.nanoTime();
            r.pa = f.createPeerConnection(cfg(), (PeerConnectionObserver) c -> r.ctl.execute(() -> r.pb.addIceCandidate(c)));
            r.pb = f.createPeerConnection(cfg(), new PeerConnectionObserver() {
                @Override
                public void onIceCandidate(RTCIceCandidate c) {
                    r.ctl.execute(() -> r.pa.addIceCandidate(c));
                }

                @Override
                public void onDataChannel(RTCDataChannel ch) {
                    ch.registerObserver(new Obs(ch, r.openB, buf -> r.bHandler.accept(buf), r.drain));
                    r.db = ch;
                }
            });
            r.da = r.pa.createDataChannel("raw", new RTCDataChannelInit());
            r.da.registerObserver(new Obs(r.da, r.openA, buf -> r.aEcho.run(), r.drain));
            RTCSessionDescription offer = create(c -> r.pa.createOffer(new RTCOfferOptions(), c));
            apply(c -> r.pa.setLocalDescription(offer, c));
            apply(c -> r.pb.setRemoteDescription(offer, c));
            RTCSessionDescription answer = create(c -> r.pb.createAnswer(new RTCAnswerOptions(), c));
            apply(c -> r.pb.setLocalDescription(answer, c));
            apply(c -> r.pa.setRemoteDescription(answer, c));
            if (!r.openA.await(10, TimeUnit.SECONDS) || !r.openB.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("raw channel did not open");
            r.openMs = (System.nanoTime() - t0) / 1e6;
            return r;
        }

        static RTCSessionDescription create(Consumer<CreateSessionDescriptionObserver> call) throws Exception {
            CompletableFuture<RTCSessionDescription> f = new CompletableFuture<>();
            call.accept(new Create(f::complete));
            return f.get(10, TimeUnit.SECONDS);
        }

        static void apply(Consumer<SetSessionDescriptionObserver> call) throws Exception {
            CompletableFuture<Void> f = new CompletableFuture<>();
            call.accept(new Set(() -> f.complete(null)));
            f.get(10, TimeUnit.SECONDS);
        }

        static RTCConfiguration cfg() {
            RTCConfiguration c = new RTCConfiguration();
            c.portAllocatorConfig.setDisableTcp(true);
            return c;
        }

        double[] rtt(int n) throws Exception {
            // B echoes from inside onMessage (allowed: send is non-blocking).
            bHandler = buf -> {
                byte[] copy = new byte[buf.remaining()];
                buf.get(copy);
                try {
                    db.send(new RTCDataChannelBuffer(ByteBuffer.wrap(copy), true));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            };
            AtomicLong echoes = new AtomicLong();
            aEcho = echoes::incrementAndGet;
            double[] out = new double[n];
            byte[] small = new byte[32];
            for (int i = 0; i < n + 200; i++) {
                long before = echoes.get();
                long t0 = System.nanoTime();
                da.send(new RTCDataChannelBuffer(ByteBuffer.wrap(small), true));
                while (echoes.get() == before) Thread.onSpinWait();
                if (i >= 200) out[i - 200] = (System.nanoTime() - t0) / 1e3;
            }
            bHandler = buf -> received.addAndGet(buf.remaining());
            aEcho = () -> {};
            Arrays.sort(out);
            return out;
        }

        double throughput(int total, int msgBytes) throws Exception {
            byte[] msg = new byte[msgBytes];
            received.set(0);
            long high = 8L << 20, low = 1L << 20;
            long t0 = System.nanoTime();
            for (long sent = 0; sent < total; sent += msgBytes) {
                if (da.getBufferedAmount() > high) {
                    synchronized (drain) {
                        while (da.getBufferedAmount() > low) drain.wait(5);
                    }
                }
                da.send(new RTCDataChannelBuffer(ByteBuffer.wrap(msg), true));
            }
            while (received.get() < total) Thread.sleep(1);
            return (total / 1048576.0) / ((System.nanoTime() - t0) / 1e9);
        }

        void close() throws Exception {
            for (RTCDataChannel d : new RTCDataChannel[] {da, db}) {
                d.unregisterObserver();
                d.close();
                d.dispose();
            }
            pa.close();
            pb.close();
            ctl.shutdown();
        }
    }

    record Obs(RTCDataChannel ch, CountDownLatch open, Consumer<ByteBuffer> onMsg, Object drain) implements RTCDataChannelObserver {
        @Override
        public void onBufferedAmountChange(long previous) {
            synchronized (drain) {
                drain.notifyAll();
            }
        }

        @Override
        public void onStateChange() {
            if (ch.getState() == RTCDataChannelState.OPEN) open.countDown();
        }

        @Override
        public void onMessage(RTCDataChannelBuffer buffer) {
            onMsg.accept(buffer.data);
        }
    }

    record Create(Consumer<RTCSessionDescription> ok) implements CreateSessionDescriptionObserver {
        @Override
        public void onSuccess(RTCSessionDescription d) {
            ok.accept(d);
        }

        @Override
        public void onFailure(String error) {
            System.err.println("create failed: " + error);
        }
    }

    record Set(Runnable ok) implements SetSessionDescriptionObserver {
        @Override
        public void onSuccess() {
            ok.run();
        }

        @Override
        public void onFailure(String error) {
            System.err.println("set failed: " + error);
        }
    }
}
