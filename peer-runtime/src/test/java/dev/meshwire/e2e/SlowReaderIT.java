package dev.meshwire.e2e;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.RawWebSocket;
import dev.meshwire.peer.TestSupport;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.invite.Invite;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16, slow reader: a member that never reads its socket, flooded by another member with WebRTC
 * signalling and relayed dms, against a coordinator process with a 256 MiB heap. The signalling rate
 * limits are switched off, so only the bounded outbound queue stands between the flood and the heap.
 *
 * <p>Asserts: the coordinator stays alive and its outbound queue stays bounded (heap sampled from
 * /metrics and printed); the slow member is closed with 4008; a bystander pair keeps exchanging dms
 * during the flood; after the slow member reconnects and reads, every dm sent to it arrives, each once.
 */
class SlowReaderIT {
    static final long MiB = 1024 * 1024;
    static final int DM_BODY_BYTES = 8 * 1024;
    static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} (\\S+)$", Pattern.MULTILINE);
    static final Pattern OUTBOUND = Pattern.compile("^meshwire_outbound_queued_bytes (\\S+)$", Pattern.MULTILINE);

    @TempDir Path dir;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void aReaderThatNeverReadsIsClosedWith4008WhileTheCoordinatorStaysBoundedAndNothingRelayedIsLost() throws Exception {
        try (CoordinatorProcess c = CoordinatorProcess.start(dir, null, List.of("-Xmx256m"), 0,
                List.of("--signal-rate", "0", "--signal-pair-rate", "0"))) {
            Identity ownerId = Identity.generate();
            Identity slowId = Identity.generate();
            String meshId = createMesh(c, ownerId, "slow-reader");
            Invite invite = Invite.create(ownerId, c.wsUrl(), meshId, "slow-reader", System.currentTimeMillis() + 600_000, 10);

            Sampler sampler = new Sampler(c);
            sampler.start();
            try (WireMember flooder = WireMember.connect(c.port(), ownerId).hello(meshId);
                 WireMember slow = WireMember.connect(c.port(), slowId).join(invite, "slow");
                 WireMember alice = WireMember.connect(c.port(), Identity.generate()).join(invite, "alice");
                 WireMember bob = WireMember.connect(c.port(), Identity.generate()).join(invite, "bob")) {
                flooder.startReading();
                alice.startReading();
                bob.startReading();
                // 'slow' never reads from here on.

                long baselineMs = roundTrip(alice, bob, "baseline");
                Flood flood = new Flood(flooder, slowId);
                flood.start();
                int roundTrips = 0;
                long worstRoundTripMs = 0;
                List<Long> roundTripMs = new java.util.ArrayList<>();
                long floodEnd = System.nanoTime() + Duration.ofSeconds(45).toNanos();
                while (metric(c, "meshwire_slow_consumer_closes_total") < 1) {
                    assertTrue(System.nanoTime() < floodEnd, "the slow member was not closed within 45 s of flooding; " + flood + ", " + sampler);
                    assertTrue(c.alive(), "the coordinator died: " + tail(c));
                    long ms = roundTrip(alice, bob, "rt" + roundTrips++);
                    roundTripMs.add(ms);
                    worstRoundTripMs = Math.max(worstRoundTripMs, ms);
                }
                flood.stop();
                assertTrue(roundTrips >= 2, "the bystanders exchanged dms during the flood (" + roundTrips + " round trips)");
                assertTrue(worstRoundTripMs < 15_000, "bystander round trip took " + worstRoundTripMs + " ms during the flood");
                assertTrue(metric(c, "meshwire_closes_total{code=\"4008\"}") >= 1, "closed with 4008");
                assertTrue(metric(c, "meshwire_outbound_dropped_total{type=\"p2p_candidate\"}") > 0, "signalling above the mark was dropped");

                // The slow member reads now: what was queued for it, then the 4008 close frame.
                Set<String> seenBeforeClose = new HashSet<>();
                int closeCode = readToClose(slow.ws, seenBeforeClose);
                assertEquals(4008, closeCode, "the slow member is told why it was closed");

                // Every dm the coordinator accepted for it arrives on the next connection, each exactly once.
                Set<String> accepted = flood.acceptedMessageIds();
                assertTrue(accepted.size() >= 50, "enough dms were relayed to matter: " + accepted.size());
                try (WireMember back = WireMember.connect(c.port(), slowId).hello(meshId)) {
                    back.startReading();
                    Set<String> acked = new HashSet<>();
                    TestSupport.await("all " + accepted.size() + " dms delivered after the reconnect", Duration.ofSeconds(60), () -> {
                        for (Frames.Deliver d : back.received(Frames.Deliver.class)) {
                            if (acked.add(d.messageId())) {
                                try {
                                    back.send(new Frames.ClientAck(d.messageId(), null, null));
                                } catch (IOException e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                        }
                        return acked.containsAll(accepted);
                    });
                    List<String> ids = back.received(Frames.Deliver.class).stream().map(Frames.Deliver::messageId).toList();
                    assertEquals(new HashSet<>(ids).size(), ids.size(), "no dm delivered twice on the new connection");
                    assertEquals(accepted, new HashSet<>(ids), "exactly the accepted dms, all of them");
                }
                assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(c.httpUrl() + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode(), "/health answers after the flood");
                assertTrue(c.alive());
                System.out.printf("SlowReaderIT: peak heap used %.1f MiB (max 256 MiB), peak outbound queued %.1f MiB, %d dms relayed "
                                + "(%d seen before the close), %d candidates sent, bystander round trips %s ms during the flood (%d ms before it)%n",
                        sampler.peakHeap.get() / (double) MiB, sampler.peakOutbound.get() / (double) MiB, accepted.size(),
                        seenBeforeClose.size(), flood.candidates.get(), roundTripMs, baselineMs);
                // One stalled connection holds at most its hard cap (16 MiB) plus one frame; the others are read promptly.
                assertTrue(sampler.peakOutbound.get() < 24 * MiB, "outbound queue bounded: peak " + sampler.peakOutbound.get());
                assertTrue(sampler.samples.get() > 0, "the heap was sampled");
            } finally {
                sampler.stop();
            }
        }
    }

    /** alice → bob and bob → alice, each delivered and acknowledged; returns the time it took. */
    static long roundTrip(WireMember alice, WireMember bob, String tag) throws Exception {
        long t0 = System.nanoTime();
        Random r = new Random();
        alice.send(alice.dm(tag + "-a", bob.identity, 64, r));
        String there = alice.await(Frames.Ack.class, a -> (tag + "-a").equals(a.id())).messageId();
        bob.await(Frames.Deliver.class, d -> d.messageId().equals(there));
        bob.send(new Frames.ClientAck(there, null, null));
        bob.send(bob.dm(tag + "-b", alice.identity, 64, r));
        String back = bob.await(Frames.Ack.class, a -> (tag + "-b").equals(a.id())).messageId();
        alice.await(Frames.Deliver.class, d -> d.messageId().equals(back));
        alice.send(new Frames.ClientAck(back, null, null));
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Reads the stalled socket to its close frame (recording the delivers that were queued); returns the close code. */
    static int readToClose(RawWebSocket ws, Set<String> delivers) throws IOException {
        while (true) {
            RawWebSocket.Frame m = ws.read();
            if (m.opcode() == 8) return m.closeCode();
            if (m.opcode() == 1 && FrameCodec.decode(m.text()) instanceof Frames.Deliver d) delivers.add(d.messageId());
        }
    }

    /** The flooder: p2p_candidate frames at full speed with a dm every 20 of them, until stopped. */
    static final class Flood {
        final WireMember flooder;
        final Identity target;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong candidates = new AtomicLong();
        final AtomicLong dms = new AtomicLong();
        Thread thread;

        Flood(WireMember flooder, Identity target) {
            this.flooder = flooder;
            this.target = target;
        }

        void start() {
            thread = new Thread(() -> {
                Random r = new Random(16);
                String session = "0123456789abcdef0123456789abcdef";
                try {
                    for (long i = 0; running.get(); i++) {
                        flooder.send(new Frames.P2pCandidate(null, null, target.publicKeyHex(), session, "0", 0,
                                "candidate:" + i + " 1 udp 2122260223 10.0.0.1 " + (40000 + i % 20000) + " typ host generation 0 ufrag abcd"));
                        candidates.incrementAndGet();
                        if (i % 20 == 0) {
                            flooder.send(flooder.dm("dm" + dms.getAndIncrement(), target, DM_BODY_BYTES, r));
                        }
                    }
                } catch (IOException e) {
                    // the test ends the flood by closing the sockets at worst
                }
            }, "flood");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }

        /** The messageIds of the dms the coordinator acknowledged as accepted (waits for every sent dm to be answered). */
        Set<String> acceptedMessageIds() {
            long sent = dms.get();
            TestSupport.await("answers to all " + sent + " dms", Duration.ofSeconds(60),
                    () -> flooder.received(Frames.Ack.class).stream().filter(a -> a.id().startsWith("dm")).count()
                            + flooder.received(Frames.Error.class).stream().filter(e -> e.id() != null && e.id().startsWith("dm")).count() >= sent);
            List<Frames.Error> refused = flooder.received(Frames.Error.class).stream().filter(e -> e.id() != null && e.id().startsWith("dm")).toList();
            assertEquals(List.of(), refused, "no dm to the slow member was refused");
            Set<String> ids = new HashSet<>();
            for (Frames.Ack a : flooder.received(Frames.Ack.class)) {
                if (a.id().startsWith("dm")) {
                    assertEquals("accepted", a.status());
                    ids.add(a.messageId());
                }
            }
            return ids;
        }

        @Override
        public String toString() {
            return candidates.get() + " candidates and " + dms.get() + " dms sent";
        }
    }

    /** Samples used heap and queued outbound bytes from /metrics every 200 ms; keeps the peaks. */
    final class Sampler {
        final CoordinatorProcess c;
        final AtomicLong peakHeap = new AtomicLong();
        final AtomicLong peakOutbound = new AtomicLong();
        final AtomicLong samples = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        Thread thread;

        Sampler(CoordinatorProcess c) {
            this.c = c;
        }

        void start() {
            thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        String text = metrics(c);
                        long heap = 0;
                        for (Matcher m = HEAP.matcher(text); m.find(); ) heap += (long) Double.parseDouble(m.group(1));
                        Matcher o = OUTBOUND.matcher(text);
                        if (o.find()) peakOutbound.accumulateAndGet((long) Double.parseDouble(o.group(1)), Math::max);
                        peakHeap.accumulateAndGet(heap, Math::max);
                        samples.incrementAndGet();
                        Thread.sleep(200); // sampling interval
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // a slow scrape under load is skipped; the next one counts
                    }
                }
            }, "heap-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(10_000);
        }

        @Override
        public String toString() {
            return "peak heap " + peakHeap.get() / MiB + " MiB, peak outbound " + peakOutbound.get() / MiB + " MiB";
        }
    }

    String metrics(CoordinatorProcess c) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(c.httpUrl() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    double metric(CoordinatorProcess c, String series) throws Exception {
        for (String line : metrics(c).split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return 0;
    }

    static String tail(CoordinatorProcess c) {
        String log = c.logText();
        return log.substring(Math.max(0, log.length() - 4000));
    }

    String createMesh(CoordinatorProcess c, Identity owner, String name) throws Exception {
        long createdAt = System.currentTimeMillis();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("ownerPubkey", owner.publicKeyHex());
        body.put("ownerName", "owner");
        body.put("createdAt", createdAt);
        body.put("signature", owner.signHex(Canonical.meshCreate(name, owner.publicKeyHex(), "owner", createdAt)));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(c.httpUrl() + "/v1/meshes"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + c.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        JsonNode answer = Json.MAPPER.readTree(r.body());
        return answer.get("mesh").asText();
    }
}
