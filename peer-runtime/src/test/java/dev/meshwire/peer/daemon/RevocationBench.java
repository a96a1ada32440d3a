package dev.meshwire.peer.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.ipc.WireClient;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.MemberRemovedEvent;
import dev.meshwire.peer.outbox.DurableOutbox;
import dev.meshwire.peer.outbox.OutboxStore;
import dev.meshwire.peer.p2p.ChannelPayload;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.SessionState;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How fast a revocation takes effect on a live direct channel (issue #9), through full daemons, a real
 * coordinator and real WebRTC in one JVM. Per run: a fresh mesh (owner, alice, bob), a direct channel
 * alice → bob, alice streaming envelopes straight into her engine (as a client that ignores its own
 * revocation would), the owner revokes alice. Measured on one clock: revoke request → bob applied the
 * event, → bob accepted alice's last frame, → bob's channel to alice closed. Prints p50/p99/max and
 * writes {@code bench/results/revocation-<date>.json}. Usage: {@code bench/revocation-bench.sh [runs=20]}.
 * Target: p99 of revoke → last accepted frame &lt; 2 s.
 */
public final class RevocationBench {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path tmp = Files.createTempDirectory("meshwire-revocation-bench");
        Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        Daemon owner = Daemon.start(DaemonOptions.of(tmp.resolve("owner")));
        Daemon alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        Daemon bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        List<long[]> samples = new ArrayList<>();
        long violations = 0;
        try {
            for (int run = 1; run <= runs; run++) {
                long[] s = runOnce(coord, owner, alice, bob, "rev" + run);
                samples.add(s);
                if (s[3] > 0) violations++;
                System.out.printf("run %2d: applied %4d ms, last accepted %5d ms, channel closed %4d ms, accepted-after-apply %d%n",
                        run, s[0], s[1], s[2], s[3]);
            }
        } finally {
            bob.close();
            alice.close();
            owner.close();
            coord.close();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("date", LocalDate.now().toString());
        out.put("runs", runs);
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("revokeToAppliedMs", stats(samples, 0));
        out.put("revokeToLastAcceptedFrameMs", stats(samples, 1));
        out.put("revokeToChannelClosedMs", stats(samples, 2));
        out.put("framesSignedAfterApplyAccepted", violations);
        out.put("targetP99Ms", 2000);
        out.put("loadAverageAtEnd", Files.readString(Path.of("/proc/loadavg")).trim());
        String json = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out);
        System.out.println(json);
        Path results = Path.of("bench", "results");
        Files.createDirectories(results);
        Files.writeString(results.resolve("revocation-" + LocalDate.now() + ".json"), json + "\n");
        // webrtc-java's native threads are not daemon threads: end the JVM once the results are written.
        System.exit(violations == 0 ? 0 : 1);
    }

    /** @return {revoke→applied, revoke→last accepted (≤ 0: before the request), revoke→channel closed, frames signed after apply accepted} */
    static long[] runOnce(Coordinator coord, Daemon owner, Daemon alice, Daemon bob, String mesh) throws Exception {
        WireClient o = WireClient.of(owner.client());
        JsonNode created = o.createMesh(mesh, coord.publicUrl(), "owen", coord.adminToken());
        String meshId = created.path("mesh").path("meshId").asText();
        String invite = o.invite(mesh, 2, 3_600_000).path("invite").asText();
        String alicePub = WireClient.of(alice.client()).join(invite, "alice").path("mesh").path("pubkey").asText();
        String bobPub = WireClient.of(bob.client()).join(invite, "bob").path("mesh").path("pubkey").asText();
        waitFor(() -> bob.session(mesh).roster().isActive(alicePub) && bob.session(mesh).roster().replica().current());
        waitFor(() -> {
            Frames.PeerInfo p = alice.session(mesh).roster().peer(bobPub);
            return p != null && p.online() && alice.direct().get(meshId) != null;
        });
        MeshDirect ad = alice.direct().get(meshId);
        waitFor(() -> {
            ad.engine().connect(bobPub);
            return ad.engine().state(bobPub) == SessionState.OPEN;
        });
        AtomicLong appliedAt = new AtomicLong();
        AtomicLong lastAccepted = new AtomicLong();
        AtomicLong lateAccepted = new AtomicLong();
        AutoCloseable sub = bob.events().subscribe(ev -> {
            if (DaemonEvent.MEMBER_REMOVED.equals(ev.type()) && ev.data() instanceof MemberRemovedEvent r && alicePub.equals(r.pubkey())) {
                appliedAt.compareAndSet(0, System.currentTimeMillis());
            } else if (DaemonEvent.MESSAGE.equals(ev.type()) && ev.data() instanceof InboxItem m
                    && alicePub.equals(m.from().pubkey())) {
                long now = System.currentTimeMillis();
                lastAccepted.set(now);
                long applied = appliedAt.get();
                Long sentAt = m.sentAt();
                if (applied > 0 && sentAt != null && sentAt > applied) lateAccepted.incrementAndGet();
            }
        });
        MeshSession as = alice.session(mesh);
        AtomicBoolean stop = new AtomicBoolean();
        Thread stream = new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                try {
                    List<OutboxStore.NewCopy> copy = DurableOutbox.seal(as, List.of(new Frames.PeerInfo(bobPub, "bob", "member", true, null, null)),
                            null, "bench-" + UUID.randomUUID(), Priority.NEXT, null, null,
                            ("stream-" + i).getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
                    Envelope env = Json.MAPPER.readValue(copy.get(0).envelopeJson(), Envelope.class);
                    ad.engine().send(bobPub, ChannelPayload.envelope(env)).get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // the channel is gone: keep trying, as a client ignoring its revocation would
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-stream");
        stream.setDaemon(true);
        stream.start();
        waitFor(() -> lastAccepted.get() > 0);
        long revokedAt = System.currentTimeMillis();
        o.post("/v1/revoke", WireClient.map("mesh", mesh, "peer", "alice", "reason", "bench"));
        waitFor(() -> appliedAt.get() > 0);
        waitFor(() -> {
            MeshDirect bd = bob.direct().get(meshId);
            return bd == null || bd.engine().state(alicePub) != SessionState.OPEN;
        });
        long closedAt = System.currentTimeMillis();
        waitFor(() -> System.currentTimeMillis() - appliedAt.get() > 1_000); // the stream goes on after the event
        stop.set(true);
        stream.join(10_000);
        sub.close();
        return new long[] {appliedAt.get() - revokedAt, lastAccepted.get() - revokedAt, closedAt - revokedAt, lateAccepted.get()};
    }

    static Map<String, Object> stats(List<long[]> samples, int idx) {
        long[] v = samples.stream().mapToLong(s -> s[idx]).sorted().toArray();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50", v[v.length / 2]);
        m.put("p99", v[(int) Math.min(v.length - 1, Math.ceil(v.length * 0.99) - 1)]);
        m.put("max", v[v.length - 1]);
        m.put("all", Arrays.stream(v).boxed().toList());
        return m;
    }

    private static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("condition not met within 60 s");
            Thread.sleep(5);
        }
    }
}
