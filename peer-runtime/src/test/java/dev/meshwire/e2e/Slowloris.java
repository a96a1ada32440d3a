package dev.meshwire.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connection flood against 127.0.0.1:port from chosen loopback source addresses, on one NIO thread. Each slot
 * holds one connection of its kind and opens a new one whenever the coordinator closes it, until {@link #close}:
 * <ul>
 * <li>{@code PARTIAL}: connects and sends the start of a WebSocket upgrade whose headers never end, dribbling one
 *     more header byte every second;</li>
 * <li>{@code SILENT}: completes the upgrade, reads whatever comes, never sends {@code hello}.</li>
 * </ul>
 * A slot whose connection the coordinator closed waits {@code reconnectPause} before it connects again, as
 * slowloris tools re-create their dead sockets in rounds (slowloris.py every 15 s; a pause of zero turns the
 * attack into a connection-rate flood, which no in-process limit can answer: see docs/protocol.md).
 * Bounded: it only targets loopback, and stops when closed.
 */
final class Slowloris implements AutoCloseable {
    enum Kind { PARTIAL, SILENT }

    /** New connections per loop turn (a turn is at most 50 ms): at most ~4,000 a second. */
    private static final int OPENS_PER_TURN = 200;
    private static final long DRIBBLE_EVERY_NS = 1_000_000_000L;

    final AtomicLong opened = new AtomicLong();
    final AtomicLong connected = new AtomicLong();
    final AtomicLong closedByServer = new AtomicLong();
    final AtomicLong connectFailures = new AtomicLong();
    /** Slots whose connection has been established at least once. */
    final AtomicLong slotsEverConnected = new AtomicLong();

    private final int port;
    private final List<Slot> slots = new ArrayList<>();
    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
    private volatile boolean stop;

    private static final class Slot {
        final Kind kind;
        final String source;
        SocketChannel channel;
        boolean established;
        boolean everConnected;
        long lastDribble;
        long closedAt = Long.MIN_VALUE / 2;

        Slot(Kind kind, String source) {
            this.kind = kind;
            this.source = source;
        }
    }

    private final long reconnectPauseNanos;

    Slowloris(int port, List<String> sources, int partial, int silent, java.time.Duration reconnectPause) throws IOException {
        this.port = port;
        this.reconnectPauseNanos = reconnectPause.toNanos();
        this.selector = Selector.open();
        for (int i = 0; i < partial; i++) slots.add(new Slot(Kind.PARTIAL, sources.get(i % sources.size())));
        for (int i = 0; i < silent; i++) slots.add(new Slot(Kind.SILENT, sources.get(i % sources.size())));
        this.thread = new Thread(this::run, "slowloris");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Connections currently established (from the attacker's side). */
    long held() {
        return connected.get();
    }

    private void run() {
        try {
            while (!stop) {
                openSome();
                selector.select(50);
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    handle(key);
                }
                dribble();
            }
        } catch (IOException e) {
            throw new IllegalStateException("slowloris selector failed", e);
        } finally {
            for (Slot s : slots) drop(s, false);
            try {
                selector.close();
            } catch (IOException ignored) {
                // the test is over
            }
        }
    }

    private void openSome() {
        int budget = OPENS_PER_TURN;
        long now = System.nanoTime();
        for (Slot s : slots) {
            if (budget == 0) return;
            if (s.channel != null || now - s.closedAt < reconnectPauseNanos) continue;
            budget--;
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.bind(new InetSocketAddress(s.source, 0));
                s.channel = ch;
                s.established = false;
                opened.incrementAndGet();
                if (ch.connect(new InetSocketAddress("127.0.0.1", port))) established(s);
                else ch.register(selector, SelectionKey.OP_CONNECT, s);
            } catch (IOException e) {
                connectFailures.incrementAndGet();
                drop(s, false);
            }
        }
    }

    private void handle(SelectionKey key) {
        Slot s = (Slot) key.attachment();
        try {
            if (key.isValid() && key.isConnectable()) {
                if (s.channel.finishConnect()) established(s);
            } else if (key.isValid() && key.isReadable()) {
                sink.clear();
                if (s.channel.read(sink) < 0) drop(s, true);
            }
        } catch (IOException e) {
            if (!s.established) connectFailures.incrementAndGet();
            drop(s, s.established);
        }
    }

    private void established(Slot s) throws IOException {
        s.established = true;
        if (!s.everConnected) {
            s.everConnected = true;
            slotsEverConnected.incrementAndGet();
        }
        s.lastDribble = System.nanoTime();
        connected.incrementAndGet();
        String head = s.kind == Kind.SILENT
                ? "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                : "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nX-Slow: ";
        s.channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        s.channel.register(selector, SelectionKey.OP_READ, s);
    }

    private void dribble() {
        long now = System.nanoTime();
        for (Slot s : slots) {
            if (s.kind != Kind.PARTIAL || !s.established || now - s.lastDribble < DRIBBLE_EVERY_NS) continue;
            s.lastDribble = now;
            try {
                s.channel.write(ByteBuffer.wrap(new byte[] {'a'}));
            } catch (IOException e) {
                drop(s, true);
            }
        }
    }

    private void drop(Slot s, boolean byServer) {
        if (s.channel == null) return;
        if (s.established) connected.decrementAndGet();
        if (byServer) closedByServer.incrementAndGet();
        try {
            s.channel.close();
        } catch (IOException ignored) {
            // already gone
        }
        s.channel = null;
        s.established = false;
        s.closedAt = System.nanoTime();
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        selector.wakeup();
        thread.join(30_000);
    }
}
