package dev.meshwire.peer.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.LinkListener;
import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run, four measurements (the benchmark): (a) raw webrtc-java channel, the ceiling;
 * (b) the meshwire direct path — Envelope v2 signed per message, crypto_box sealed with precomputed
 * keys, framed by {@link P2pEngine}, verified and opened on the receiver, acked per message — what a
 * direct send costs minus IPC and SQLite; (c) the relay path with the same envelopes through a real
 * coordinator WebSocket (sender pipelines {@code send} frames, receiver verifies, opens and
 * {@code client_ack}s every {@code deliver}); (d) first send to channel open, signaling through the
 * same coordinator. Throughput in plaintext MiB/s with 64 KiB messages; median of 3 alternating rounds.
 * Writes {@code bench/results/p2p-<date>.json}. Run: {@code bench/p2p-bench.sh}.
 */
public final class P2pPathBench {
    static final int MSG = 64 * 1024;
    static final int TOTAL = Integer.getInteger("bench.mib", 64) << 20;
    static final int WINDOW = 64;
    static final int RTT_N = Integer.getInteger("bench.rtt", 1000);
    static final int ROUNDS = 3;

    public static void main(String[] args) {
        BenchMain.runAndExit(() -> run());
    }

    /** One side: identity, cipher, its own coordinator link and (for the direct path) its engine. */
    static final class Side implements LinkListener, P2pListener {
        final Identity id;
        final BoxCipher cipher;
        final String meshId;
        CoordinatorLink link;
        CoordinatorSignaling signaling;
        P2pEngine engine;
        final AtomicLong received = new AtomicLong();
        volatile boolean ackRelay = true;

        Side(Identity id, String meshId) {
            this.id = id;
            this.cipher = new BoxCipher(id);
            this.meshId = meshId;
        }

        void start(Vertx vertx, String url) throws Exception {
            link = new CoordinatorLink(vertx, url, meshId, id, null, null, LinkSettings.defaults(), this);
            link.advertiseP2p(true);
            signaling = new CoordinatorSignaling(link);
            link.start().get(20, TimeUnit.SECONDS);
            engine = new P2pEngine(NativeWebRtc.get(), id, meshId, pub -> true, signaling, P2pConfig.defaults(), this);
        }

        /** The receiver's work per message on either path: verify the signature, open the box. */
        void consume(Envelope env) {
            if (!EnvelopeSignature.verify(env)) throw new IllegalStateException("bad signature");
            Base64.Decoder d = Base64.getDecoder();
            byte[] plain = cipher.open(PublicKey.fromHex(env.from()), d.decode(env.body().nonce()), d.decode(env.body().ciphertext()));
            received.addAndGet(plain.length);
        }

        @Override
        public void onDeliver(CoordinatorLink l, Frames.Deliver deliver) {
            consume(deliver.envelope());
            l.sendFrame(new Frames.ClientAck(deliver.messageId(), deliver.envelope().meta().clientMessageId(), deliver.envelope().from()));
        }

        @Override
        public void onP2pSignal(CoordinatorLink l, Frames.P2pSignal s) {
            signaling.receive(s);
        }

        @Override
        public CompletionStage<Boolean> onMessageAcked(String peer, byte[] message) {
            try {
                consume(ChannelPayload.decodeEnvelope(message));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return CompletableFuture.completedFuture(true);
        }
    }

    /** Seals and signs one dm envelope, as the outbox does at accept. */
    static Envelope envelope(Side from, String to, byte[] plain) {
        SealedBody sealed = from.cipher.seal(PublicKey.fromHex(to), plain);
        Base64.Encoder b64 = Base64.getEncoder();
        Meta m = new Meta(UUID.randomUUID().toString(), null, Priority.NEXT, null, null, null, null, null, null, null, null, null,
                System.currentTimeMillis());
        return EnvelopeSignature.sign(new Envelope(Envelope.VERSION, Channel.DM, to, from.id.publicKeyHex(),
                new Body(b64.encodeToString(sealed.nonce()), b64.encodeToString(sealed.ciphertext()), Body.TEXT_V1), m, null), from.id);
    }

    /** (b): pipelined, at most WINDOW unacked; done when every message is acked. */
    static double directThroughput(Side a, Side b) throws Exception {
        byte[] plain = new byte[MSG];
        int n = TOTAL / MSG;
        Semaphore window = new Semaphore(WINDOW);
        List<CompletableFuture<Ack>> acks = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            window.acquire();
            CompletableFuture<Ack> f = a.engine.send(b.id.publicKeyHex(), ChannelPayload.binaryEnvelope(envelope(a, b.id.publicKeyHex(), plain)));
            f.whenComplete((x, t) -> window.release());
            acks.add(f);
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        return TOTAL / 1048576.0 / ((System.nanoTime() - t0) / 1e9);
    }

    /** (c): pipelined {@code send} frames, at most WINDOW without the coordinator's ack; done when the receiver opened all. */
    static double relayThroughput(Side a, Side b) throws Exception {
        byte[] plain = new byte[MSG];
        int n = TOTAL / MSG;
        long target = b.received.get() + TOTAL;
        Semaphore window = new Semaphore(WINDOW);
        List<CompletableFuture<?>> acks = new ArrayList<>(n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            window.acquire();
            String id = a.link.nextId();
            CompletableFuture<?> f = a.link.request(id, new Frames.Send(id, b.id.publicKeyHex(), envelope(a, b.id.publicKeyHex(), plain)));
            f.whenComplete((x, t) -> window.release());
            acks.add(f);
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (b.received.get() < target) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("relay receiver stalled");
            Thread.sleep(1);
        }
        return TOTAL / 1048576.0 / ((System.nanoTime() - t0) / 1e9);
    }

    /** RTT of one small envelope and its ack, one at a time. */
    static double[] directRtt(Side a, Side b) throws Exception {
        byte[] plain = new byte[32];
        double[] out = new double[RTT_N];
        for (int i = 0; i < RTT_N + 100; i++) {
            long t0 = System.nanoTime();
            a.engine.send(b.id.publicKeyHex(), ChannelPayload.binaryEnvelope(envelope(a, b.id.publicKeyHex(), plain))).get(10, TimeUnit.SECONDS);
            if (i >= 100) out[i - 100] = (System.nanoTime() - t0) / 1e3;
        }
        Arrays.sort(out);
        return out;
    }

    /** RTT through the relay: send frame → coordinator ack (store + forward), one at a time. */
    static double[] relayRtt(Side a, Side b) throws Exception {
        byte[] plain = new byte[32];
        double[] out = new double[RTT_N];
        for (int i = 0; i < RTT_N + 100; i++) {
            long before = b.received.get();
            long t0 = System.nanoTime();
            String id = a.link.nextId();
            a.link.request(id, new Frames.Send(id, b.id.publicKeyHex(), envelope(a, b.id.publicKeyHex(), plain))).get(10, TimeUnit.SECONDS);
            while (b.received.get() == before) Thread.onSpinWait();
            if (i >= 100) out[i - 100] = (System.nanoTime() - t0) / 1e3;
        }
        Arrays.sort(out);
        return out;
    }

    /** Single-thread CPU µs per 64 KiB message: sender (seal + sign + binary envelope) and receiver (decode + verify + open). */
    static double[] cpuPerMessage(Side a, Side b) throws Exception {
        byte[] plain = new byte[MSG];
        String pb = b.id.publicKeyHex();
        int n = 400;
        byte[][] wire = new byte[n][];
        for (int i = 0; i < 100; i++) b.consume(ChannelPayload.decodeEnvelope(ChannelPayload.binaryEnvelope(envelope(a, pb, plain))));
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) wire[i] = ChannelPayload.binaryEnvelope(envelope(a, pb, plain));
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) b.consume(ChannelPayload.decodeEnvelope(wire[i]));
        long t2 = System.nanoTime();
        return new double[] {(t1 - t0) / 1e3 / n, (t2 - t1) / 1e3 / n, wire[0].length};
    }

    static void run() throws Exception {
        if (!NativeWebRtc.get().available()) throw new IllegalStateException(NativeWebRtc.get().unavailableReason());
        Path tmp = Files.createTempDirectory("p2p-bench");
        Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        // Membership the ordinary way (two daemons create and join), then our own links with those identities.
        Daemon da = Daemon.start(DaemonOptions.of(tmp.resolve("a")).withP2p(P2pSettings.defaults().withMode(P2pMode.OFF)));
        Daemon db = Daemon.start(DaemonOptions.of(tmp.resolve("b")).withP2p(P2pSettings.defaults().withMode(P2pMode.OFF)));
        WireClient ca = WireClient.of(da.client()), cb = WireClient.of(db.client());
        JsonNode created = ca.createMesh("bench", coord.publicUrl(), "a", coord.adminToken());
        cb.join(ca.post("/v1/invite", WireClient.map("mesh", "bench", "uses", 1)).path("invite").asText(), "b");
        String meshId = da.session("bench").config().meshId();
        Side a = new Side(da.session("bench").identity(), meshId), b = new Side(db.session("bench").identity(), meshId);
        db.close();
        da.close();
        Vertx vertx = Vertx.vertx();
        a.start(vertx, coord.publicUrl());
        b.start(vertx, coord.publicUrl());
        String pb = b.id.publicKeyHex(), pa = a.id.publicKeyHex();
        long relayMax = a.link.lastAck().maxFrameBytes();

        // (d) first send → OPEN: what PickTransport does on first traffic (send fails fast, connect), signaling via the coordinator.
        List<Double> opens = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            long t0 = System.nanoTime();
            a.engine.send(pb, ChannelPayload.ping(1)).exceptionally(t -> null);
            a.engine.connect(pb);
            Recorder.await("open", Duration.ofSeconds(15), () -> a.engine.state(pb) == SessionState.OPEN);
            opens.add((System.nanoTime() - t0) / 1e6);
            if (i < 10) {
                a.engine.close(pb);
                Recorder.await("closed", Duration.ofSeconds(5), () -> a.engine.state(pb) == null && b.engine.state(pa) == null);
            }
        }
        Recorder.await("open both", Duration.ofSeconds(15), () -> b.engine.state(pa) == SessionState.OPEN);
        double[] warm = opens.subList(1, opens.size()).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "(d) first send -> OPEN: first %.1f ms, warm p50 %.1f ms, max %.1f ms%n", opens.get(0), P2pBench.pct(warm, 50), warm[warm.length - 1]);

        double[] cpu = cpuPerMessage(a, b);
        System.out.printf(Locale.ROOT, "CPU per 64 KiB message: sender %.0f us, receiver %.0f us, envelope %.0f bytes%n", cpu[0], cpu[1], cpu[2]);
        P2pBench.RawPair raw = P2pBench.RawPair.open(NativeWebRtc.get().factory());
        double[] rawRtt = raw.rtt(RTT_N);
        double[] dRtt = directRtt(a, b);
        double[] rRtt = relayRtt(a, b);
        System.out.printf(Locale.ROOT, "RTT p50/p99 us: raw %.0f/%.0f, direct %.0f/%.0f, relay %.0f/%.0f%n",
                P2pBench.pct(rawRtt, 50), P2pBench.pct(rawRtt, 99), P2pBench.pct(dRtt, 50), P2pBench.pct(dRtt, 99), P2pBench.pct(rRtt, 50), P2pBench.pct(rRtt, 99));

        double[] rawT = new double[ROUNDS], dirT = new double[ROUNDS], relT = new double[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            rawT[i] = raw.throughput(TOTAL, MSG);
            dirT[i] = directThroughput(a, b);
            relT[i] = relayThroughput(a, b);
            System.out.printf(Locale.ROOT, "round %d: raw %.1f, direct %.1f, relay %.1f MiB/s%n", i, rawT[i], dirT[i], relT[i]);
        }
        double rawM = median(rawT), dirM = median(dirT), relM = median(relT);
        System.out.printf(Locale.ROOT, "medians: raw %.1f, direct %.1f (%.2f of raw), relay %.1f MiB/s%n", rawM, dirM, dirM / rawM, relM);
        raw.close();
        a.engine.close();
        b.engine.close();
        a.link.close();
        b.link.close();
        coord.close();

        StringBuilder j = new StringBuilder("{\n");
        j.append("  \"date\": \"").append(LocalDate.now()).append("\",\n");
        j.append(String.format(Locale.ROOT, "  \"machine\": \"%d cores, Java %s, webrtc-java 0.14.0, host candidates, one JVM, load avg at start %s\",%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Files.readString(Path.of("/proc/loadavg")).trim()));
        j.append(String.format(Locale.ROOT, "  \"message_bytes\": %d, \"bytes_per_run\": %d, \"window\": %d, \"rounds\": %d, \"relay_max_frame_bytes\": %d,%n", MSG, TOTAL, WINDOW, ROUNDS, relayMax));
        j.append(String.format(Locale.ROOT, "  \"throughput_mib_s_median\": {\"raw\": %.1f, \"direct\": %.1f, \"relay\": %.1f, \"direct_over_raw\": %.2f},%n", rawM, dirM, relM, dirM / rawM));
        j.append(String.format(Locale.ROOT, "  \"throughput_rounds\": {\"raw\": %s, \"direct\": %s, \"relay\": %s},%n", Arrays.toString(rawT), Arrays.toString(dirT), Arrays.toString(relT)));
        j.append(String.format(Locale.ROOT, "  \"rtt_us\": {\"raw_p50\": %.0f, \"raw_p99\": %.0f, \"direct_p50\": %.0f, \"direct_p99\": %.0f, \"relay_p50\": %.0f, \"relay_p99\": %.0f, \"n\": %d},%n",
                P2pBench.pct(rawRtt, 50), P2pBench.pct(rawRtt, 99), P2pBench.pct(dRtt, 50), P2pBench.pct(dRtt, 99), P2pBench.pct(rRtt, 50), P2pBench.pct(rRtt, 99), RTT_N));
        j.append(String.format(Locale.ROOT, "  \"cpu_us_per_message_single_thread\": {\"sender_seal_sign_encode\": %.0f, \"receiver_decode_verify_open\": %.0f, \"envelope_bytes\": %.0f},%n", cpu[0], cpu[1], cpu[2]));
        j.append(String.format(Locale.ROOT, "  \"first_send_to_open_ms\": {\"first_in_jvm\": %.1f, \"warm_p50\": %.1f, \"warm_max\": %.1f, \"samples\": %d}%n",
                opens.get(0), P2pBench.pct(warm, 50), warm[warm.length - 1], opens.size()));
        j.append("}\n");
        Path out = Path.of("bench/results/p2p-" + LocalDate.now() + ".json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, j);
        System.out.println("wrote " + out.toAbsolutePath());
        System.out.print(j);
        if (created == null) throw new IllegalStateException();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
