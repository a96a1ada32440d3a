package dev.meshwire.turn.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.fuzz.Fuzz;
import dev.meshwire.signaling.fuzz.FuzzResult;
import dev.meshwire.signaling.fuzz.Mutator;
import dev.meshwire.turn.PeerPolicy;
import dev.meshwire.turn.RestCredentials;
import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import dev.meshwire.turn.server.Conditions;
import dev.meshwire.turn.TurnStats;
import dev.meshwire.turn.fuzz.Outcomes.Refused;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 11: random and mutated STUN/TURN input, over real sockets, against a running {@link TurnServer}: datagrams
 * from a client that holds an allocation (each input signed again, so it passes the integrity check), datagrams from
 * a client without one (as they are), and TCP byte streams with broken framing on many connections. After the run
 * the server has counted no internal error, still answers a Binding and a full authenticated Allocate over UDP and
 * TCP, and once the clients are gone and the (short) allocation lifetimes run out it holds no allocation, no
 * connection, no more descriptors than before the run, and a bounded heap; closed, it gives every descriptor back.
 *
 * <p>{@code -Dfuzz.count} is the number of inputs of the whole run (default 100,000), split 45 % (UDP with an allocation) / 45 % (UDP without) / 10 % (TCP).
 * {@code -Dturn.fuzz.server=HOST:PORT -Dturn.fuzz.secret=S} fuzzes another server instead (coturn, say); the checks
 * that need the server's own counters are then skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TurnServerFuzzTest {
    private static final String SECRET = "fuzz-secret-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Used heap after GC may grow this much over the run and no more (a leak of one allocation per input would not fit). */
    private static final long HEAP_SLACK = 256L << 20;
    /** Threads of the TCP run at least. */
    private static final int TCP_THREADS = 16;

    private TurnServer server;
    private InetSocketAddress address;
    private String secret;
    private long fdsBeforeServer;
    private long fdsWithServer;
    private long heapBefore;
    private EchoPeer peer;
    private TurnCorpus corpus;
    private List<byte[]> seeds;
    private final Map<Thread, UdpFuzzClient> clients = new ConcurrentHashMap<>();

    @BeforeAll
    void start() throws Exception {
        String external = System.getProperty("turn.fuzz.server");
        if (external == null) {
            secret = SECRET;
            warmUp();
            fdsBeforeServer = openDescriptors();
            heapBefore = usedHeapAfterGc();
            server = TurnServer.start(config(), null);
            address = new InetSocketAddress("127.0.0.1", server.port());
            fdsWithServer = openDescriptors();
        } else {
            int colon = external.lastIndexOf(':');
            address = new InetSocketAddress(external.substring(0, colon), Integer.parseInt(external.substring(colon + 1)));
            secret = System.getProperty("turn.fuzz.secret", SECRET);
        }
        peer = EchoPeer.start();
        corpus = corpus(address, secret, peer.address());
        seeds = corpus.seeds();
    }

    @AfterAll
    void stop() throws Exception {
        closeClients();
        if (peer != null) peer.close();
        if (server != null) server.close();
    }

    @Test
    @Order(1)
    void datagramsFromAClientWithAnAllocation() {
        FuzzResult r = Fuzz.run("turn-udp-allocated", share(9, 20), Mutator.binary(seeds, TurnCorpus.fieldOffsets()),
                input -> client(true).fuzz(input), Fuzz.Contract.refusing(Refused.class));
        closeClients();
        check(r);
    }

    @Test
    @Order(2)
    void datagramsFromAClientWithout() {
        FuzzResult r = Fuzz.run("turn-udp", share(9, 20), Mutator.binary(seeds, TurnCorpus.fieldOffsets()),
                input -> client(false).fuzz(input), Fuzz.Contract.refusing(Refused.class));
        closeClients();
        check(r);
    }

    @Test
    @Order(3)
    void tcpStreamsWithBrokenFraming() {
        Mutator frame = Mutator.binary(seeds, TurnCorpus.fieldOffsets());
        TcpStreamFuzzer tcp = new TcpStreamFuzzer(address, internalErrors());
        int total = Fuzz.count();
        // A TCP input mostly waits (connect, the server's answer or its silence), so this run gets more threads than cores.
        String threads = System.getProperty(Fuzz.THREADS_PROPERTY);
        System.setProperty(Fuzz.THREADS_PROPERTY, String.valueOf(Math.max(TCP_THREADS, threads == null ? 0 : Integer.parseInt(threads))));
        try {
            check(Fuzz.run("turn-tcp", total - 2 * share(9, 20), r -> stream(frame, r), tcp::fuzz, Fuzz.Contract.refusing(Refused.class)));
        } finally {
            if (threads == null) System.clearProperty(Fuzz.THREADS_PROPERTY);
            else System.setProperty(Fuzz.THREADS_PROPERTY, threads);
        }
    }

    /** Prints what the server did with the refused inputs, then fails on a crash or a one-sided run. */
    private static void check(FuzzResult r) {
        System.out.println(r.target() + " refusals: " + Outcomes.drainReasons());
        r.assertNoCrash().assertBothOutcomes();
    }

    @Test
    @Order(4)
    void afterTheFuzzTheServerStillServesUdpAndTcp() throws Exception {
        if (server != null) assertEquals(0, server.stats().internalErrors(), "internal errors counted by the server");
        for (boolean tcp : new boolean[] {false, true}) {
            String via = tcp ? "TCP" : "UDP";
            try (TurnClients.Transport t = tcp ? TurnClients.tcp(address) : TurnClients.udp(address)) {
                byte[] binding = t.exchange(TurnCorpus.binding(TurnCorpus.tid(new Random())));
                assertNotNull(binding, "a Binding over " + via + " is answered");
                StunBytes.Attr mapped = StunBytes.find(binding, StunBytes.XOR_MAPPED_ADDRESS);
                assertNotNull(mapped, "a Binding answer over " + via + " carries XOR-MAPPED-ADDRESS");
                assertEquals(t.localPort(), StunBytes.xorPort(binding, mapped), "the mapped port over " + via);
                byte[] allocated = TurnClients.allocate(t, corpus);
                assertNotNull(StunBytes.find(allocated, StunBytes.XOR_RELAYED_ADDRESS), "an Allocate over " + via + " gets a relayed address");
            }
        }
    }

    @Test
    @Order(5)
    void whenTheClientsAreGoneNothingIsLeft() throws Exception {
        closeClients();
        peer.close();
        if (server == null) return; // another server: its counters and descriptors are not ours to see
        await("allocations and TCP connections to go", () -> {
            TurnStats s = server.stats();
            return s.allocations() == 0 && s.tcpConnections() == 0 && s.permissions() == 0 && s.channels() == 0;
        });
        // EVEN-PORT reservations (a seed asks for one) hold their odd port 30 s after the allocation went (RFC 8656
        // §7.2), so this wait is up to half a minute
        await("descriptors back to " + fdsWithServer + " (the server's own)", () -> openDescriptors() <= fdsWithServer);
        long heap = usedHeapAfterGc();
        assertTrue(heap <= heapBefore + HEAP_SLACK,
                "used heap after GC " + (heap >> 20) + " MiB, before the run " + (heapBefore >> 20) + " MiB");
        assertEquals(0, server.stats().internalErrors(), "internal errors counted by the server");
        server.close();
        await("descriptors back to " + fdsBeforeServer + " after close", () -> openDescriptors() <= fdsBeforeServer);
    }

    /** Short allocation lifetimes (so the end of the run sees them expire), loopback peers allowed, quotas out of the way. */
    private static TurnConfig config() {
        return TurnConfig.defaults().toBuilder()
                .listen("127.0.0.1", 0)
                .relayPorts(12000, 13999)
                .secret(SECRET)
                .nonceLifetime(Duration.ofHours(1))
                .allocationLifetimes(Duration.ofSeconds(4), Duration.ofSeconds(6))
                .quotas(1_000, 4_000)
                .peerPolicy(PeerPolicy.safeDefault().withAllowLoopback(true))
                .build();
    }

    /** A REST credential valid for a day, the server's realm and a nonce it issued. */
    private static TurnCorpus corpus(InetSocketAddress address, String secret, InetSocketAddress peer) throws IOException {
        String username = RestCredentials.username(System.currentTimeMillis() / 1000 + 86_400, "fuzz");
        try (TurnClients.Transport t = TurnClients.udp(address)) {
            String realm = TurnClients.realm(t);
            byte[] nonce = TurnClients.nonce(t);
            return TurnCorpus.of(username, RestCredentials.password(secret, username), realm, nonce, peer);
        }
    }

    /**
     * Loads and initialises everything a server and its clients touch once (classes, the secure random's device
     * files, the event loops' native parts), so the descriptor baselines count only what a server holds.
     */
    private void warmUp() throws Exception {
        try (TurnServer s = TurnServer.start(config(), null)) {
            InetSocketAddress a = new InetSocketAddress("127.0.0.1", s.port());
            TurnCorpus c = corpus(a, SECRET, new InetSocketAddress("127.0.0.1", 9));
            try (TurnClients.Transport u = TurnClients.udp(a); TurnClients.Transport t = TurnClients.tcp(a)) {
                TurnClients.allocate(u, c);
                TurnClients.allocate(t, c);
            }
        }
    }

    /** 1 to 4 frames (seeds, mutated seeds, garbage) back to back: one TCP stream. */
    private static byte[] stream(Mutator frame, Random r) {
        int n = 1 + r.nextInt(4);
        byte[][] parts = new byte[n][];
        for (int i = 0; i < n; i++) parts[i] = frame.next(r);
        return TcpStreamFuzzer.concat(parts);
    }

    private UdpFuzzClient client(boolean allocated) {
        return clients.computeIfAbsent(Thread.currentThread(), t -> new UdpFuzzClient(address, corpus, allocated, internalErrors()));
    }

    private void closeClients() {
        clients.values().forEach(UdpFuzzClient::close);
        clients.clear();
    }

    private LongSupplier internalErrors() {
        return server == null ? () -> 0 : () -> server.stats().internalErrors();
    }

    /** {@code num/den} of the run's inputs. */
    private static int share(int num, int den) {
        return Fuzz.count() * num / den;
    }

    private static long openDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Waits on the module's {@link Conditions} and prints the time waited (the fuzz report quotes it). */
    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long ms = Conditions.await(WAIT, () -> what + "; now " + (server == null ? "" : server.stats()) + ", "
                + openDescriptors() + " descriptors", condition);
        System.out.printf("waited %,d ms for %s%n", ms, what);
    }
}
