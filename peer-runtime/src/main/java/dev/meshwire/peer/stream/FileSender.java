package dev.meshwire.peer.stream;

import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.p2p.MeshDirect;
import dev.meshwire.peer.p2p.SessionState;
import dev.meshwire.peer.transport.CoordinatorRelayTransport;
import dev.meshwire.peer.transport.PickTransport;
import dev.meshwire.peer.transport.RelayLimit;
import dev.meshwire.peer.transport.Transport;
import dev.meshwire.signaling.envelope.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one file (docs/protocol.md §12.4), on its own thread. It offers the file, and on every {@code accept{offset}}
 * from the receiver starts a <b>run</b> from that offset: chunks read from disk on demand, sealed and signed one by one,
 * all over one path chosen at the start of the run — a direct channel when one is open (each chunk completes on the
 * receiver's channel ack; at most {@code directWindow} in flight), else the coordinator relay (at most
 * {@code relayWindowBytes} beyond the receiver's last reported committed offset, so a transfer never parks more than
 * that in the coordinator's queue). One path per run keeps the chunks in order; a run that fails (channel closed,
 * coordinator refused, no progress) simply ends, and the next {@code accept} — asked for by a re-offer — resumes from
 * what the receiver has. A relay run moves to the direct path as soon as a channel opens. The file is done when the
 * receiver says {@code done} (its SHA-256 matched); memory is bounded by the window, whatever the file's size.
 */
final class FileSender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(FileSender.class);
    /** While waiting for the receiver (offer unanswered, all chunks sent), the offer is repeated this often while it is online. */
    static final long REOFFER_MS = 5_000;
    /** The same while the receiver has not accepted yet (the offer is only repeated in case it was lost). */
    static final long OFFERED_REOFFER_MS = 30_000;
    /** A relay run without any progress report for this long (window full) ends; the re-offer resynchronizes. */
    static final long RELAY_STALL_MS = 30_000;
    /** How long a run waits for a direct channel that is being opened before it takes the relay. */
    static final long DIRECT_WAIT_MS = 10_000;

    private final StreamContext ctx;
    private final Consumer<Transfer> changed;
    private final Thread thread;
    private Transfer t;
    private volatile boolean stopped;
    // Guarded by this:
    private Long startFrom;          // set by accept: the next run starts here
    private long gen;                // bumped to supersede a running run
    private long runStart = -1;
    private long runStartedAt;
    private boolean running;
    private long confirmed;          // the receiver's last reported committed offset
    private long lastProgressAt;
    private long inflight;
    private Throwable runFailure;
    private long lastOfferAt;
    private long sendSeq;
    private long bytesSent;
    private volatile String via;
    private volatile String note;

    FileSender(StreamContext ctx, Transfer t, Consumer<Transfer> changed) {
        this.ctx = ctx;
        this.t = t;
        this.changed = changed;
        this.confirmed = t.offset();
        this.bytesSent = t.bytesSent();
        this.via = t.via();
        this.thread = new Thread(this, "meshwire-file-" + t.streamId().substring(0, 8));
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    synchronized Transfer transfer() {
        return t.withProgress(confirmed, bytesSent, via, t.updatedAt());
    }

    String note() {
        return note;
    }

    // ---- control from the receiver ----

    synchronized void onAccept(long offset) {
        if (t.terminal() || offset > t.size()) return;
        long now = ctx.now();
        if (running && offset == runStart && now - runStartedAt < 10_000) return; // the same answer twice
        if (Transfer.OFFERED.equals(t.state())) {
            t = t.withState(Transfer.TRANSFERRING, now);
            ctx.store().update(transfer());
            changed.accept(transfer());
        }
        confirmed = offset;
        startFrom = offset;
        gen++;
        notifyAll();
    }

    synchronized void onProgress(long offset) {
        if (t.terminal() || offset > t.size()) return;
        if (offset > confirmed) {
            confirmed = offset;
            lastProgressAt = ctx.now();
            t = t.withProgress(confirmed, bytesSent, via, lastProgressAt);
            ctx.store().update(t);
        }
        notifyAll();
    }

    synchronized void onDone(String sha256) {
        if (t.terminal()) return;
        if (!sha256.equals(t.sha256())) {
            end(t.failed("sha256_mismatch: the receiver reports another SHA-256", ctx.now()));
            return;
        }
        long now = ctx.now();
        confirmed = t.size();
        end(t.withProgress(t.size(), bytesSent, via, now).withState(Transfer.DONE, now));
    }

    synchronized void onReject(String code, String message) {
        if (t.terminal()) return;
        end(t.failed(code + ": " + (message == null ? "refused by the receiver" : message), ctx.now()));
    }

    /** The user cancels: the receiver is told, the sender stops. */
    synchronized Transfer cancel() {
        if (t.terminal()) return transfer();
        MeshSession mesh = ctx.mesh(t);
        if (mesh != null) ctx.control(mesh, t.peer(), t.streamId(), StreamControl.cancel("cancelled by the sender"));
        end(t.failed(StreamControl.CANCELLED + ": cancelled by the sender", ctx.now()));
        return transfer();
    }

    private void end(Transfer last) {
        t = last.withProgress(last.offset(), bytesSent, via, last.updatedAt());
        ctx.store().update(t);
        stopped = true;
        gen++;
        notifyAll();
        log.info("stream {}: sending {} to {} ended: {}{} ({} bytes sent for {} bytes)", t.streamId(), t.name(), t.peerName(), t.state(),
                t.error() != null ? " (" + t.error() + ")" : "", bytesSent, t.size());
        changed.accept(transfer());
    }

    /** Stops the thread (daemon shutdown); the transfer stays as it is and resumes at the next start. */
    void shutdown() {
        synchronized (this) {
            stopped = true;
            gen++;
            if (!t.terminal()) ctx.store().update(transfer());
            notifyAll();
        }
    }

    // ---- the thread ----

    @Override
    public void run() {
        try {
            if (t.sha256().isEmpty() && !hash()) return;
            while (!stopped) {
                long from;
                long myGen;
                synchronized (this) {
                    if (stopped) return;
                    if (startFrom == null) {
                        maybeOffer();
                        wait(500);
                        continue;
                    }
                    from = startFrom;
                    startFrom = null;
                    myGen = gen;
                    running = true;
                    runStart = from;
                    runStartedAt = ctx.now();
                    runFailure = null;
                    lastOfferAt = ctx.now(); // the receiver just answered: no re-offer for a while
                }
                try {
                    runChunks(from, myGen);
                } finally {
                    synchronized (this) {
                        running = false;
                        ctx.store().update(transfer());
                        // A failed run resynchronizes at once (1 s); one that handed over every chunk waits until the
                        // receiver has been quiet for a while (relayed chunks may still be draining from the queue).
                        lastOfferAt = runFailure != null && gen == myGen ? ctx.now() - REOFFER_MS + 1_000 : ctx.now();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("stream {}: sender failed", t.streamId(), e);
            synchronized (this) {
                end(t.failed("internal: " + e, ctx.now()));
            }
        }
    }

    /** Hashes the source (before the first offer). False when the file cannot be read: the transfer failed. */
    private boolean hash() {
        try (InputStream is = Files.newInputStream(Path.of(t.localPath()))) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            long n = 0;
            for (int r; (r = is.read(buf)) > 0; ) {
                md.update(buf, 0, r);
                n += r;
            }
            synchronized (this) {
                if (n != t.size()) {
                    end(t.failed("source_changed: " + t.localPath() + " changed size while it was hashed", ctx.now()));
                    return false;
                }
                t = new Transfer(t.streamId(), t.direction(), t.meshId(), t.peer(), t.peerName(), t.name(), t.size(),
                        HexFormat.of().formatHex(md.digest()), t.chunkSize(), t.localPath(), t.state(), t.offset(), t.bytesSent(), t.via(),
                        t.error(), t.createdAt(), ctx.now(), t.finishedAt(), t.self(), t.subpeer());
                ctx.store().update(t);
                changed.accept(transfer());
            }
            return true;
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            synchronized (this) {
                end(t.failed("source_unreadable: cannot read " + t.localPath() + ": " + e.getMessage(), ctx.now()));
            }
            return false;
        }
    }

    /** Offers (again) when nothing is running and the receiver has not answered for a while. Holds this. */
    private void maybeOffer() {
        MeshSession mesh = ctx.mesh(t);
        if (mesh == null || t.terminal()) return;
        if (StreamContext.gone(mesh, t.peer())) {
            // Banned, revoked, left or expired: nothing will ever reach it (the channel is torn down, the relay refuses).
            end(t.failed("not_member: " + (t.peerName() != null ? t.peerName() : t.peer()) + " is no longer an active member of the mesh", ctx.now()));
            return;
        }
        long now = ctx.now();
        boolean first = lastOfferAt == 0;
        // The first offer goes even to an offline receiver (the coordinator queues it); repeats only while it is online.
        long every = Transfer.OFFERED.equals(t.state()) ? OFFERED_REOFFER_MS : REOFFER_MS; // a person may take a while to accept
        if (!first && (now - Math.max(lastOfferAt, lastProgressAt) < every || !StreamContext.online(mesh, t.peer()))) return;
        lastOfferAt = now;
        ctx.control(mesh, t.peer(), t.streamId(), StreamControl.offer(t.name(), t.size(), t.sha256(), t.chunkSize(), t.subpeer()));
    }

    private synchronized boolean current(long myGen) {
        return gen == myGen && !stopped;
    }

    private void runChunks(long from, long myGen) throws InterruptedException {
        MeshSession mesh = ctx.mesh(t);
        if (mesh == null || from >= t.size()) return;
        boolean direct = waitForDirect(mesh, myGen);
        Transport transport = direct ? ctx.direct() : ctx.relay();
        String path = direct ? pathName(mesh) : CoordinatorRelayTransport.PATH;
        via = path;
        note = direct ? null : "via relay: slower, chunks of " + (t.chunkSize() / 1024) + " KiB, at most "
                + (ctx.settings().relayWindowBytes() >> 20) + " MiB ahead of the receiver (coordinator frames ≤ "
                + (RelayLimit.maxFrameBytes(mesh) >> 10) + " KiB, its send rate applies)";
        changed.accept(transfer());
        log.info("stream {}: sending {} to {} from offset {} via {}", t.streamId(), t.name(), t.peerName(), from, path);
        long chunkSize = t.chunkSize();
        long size = t.size();
        try (FileChannel src = FileChannel.open(Path.of(t.localPath()), StandardOpenOption.READ)) {
            if (src.size() != size) {
                synchronized (this) {
                    end(t.failed("source_changed: " + t.localPath() + " is now " + src.size() + " bytes, offered as " + size, ctx.now()));
                }
                return;
            }
            long index = from / chunkSize;
            for (long off = index * chunkSize; off < size; off += chunkSize, index++) {
                if (!direct && index % 8 == 0 && directOpen(mesh)) {
                    // A channel opened: continue from what the receiver has committed, on the direct path.
                    synchronized (this) {
                        if (gen == myGen && startFrom == null) {
                            startFrom = confirmed;
                            gen++;
                        }
                    }
                    return;
                }
                if (!awaitWindow(myGen, direct, off)) return;
                int len = (int) Math.min(chunkSize, size - off);
                ByteBuffer buf = ByteBuffer.allocate(len);
                long pos = off;
                while (buf.hasRemaining()) {
                    int r = src.read(buf, pos);
                    if (r < 0) throw new IOException("unexpected end of " + t.localPath() + " at " + pos);
                    pos += r;
                }
                long seq;
                synchronized (this) {
                    seq = ++sendSeq;
                    inflight++;
                    bytesSent += len;
                }
                Envelope env = StreamEnvelopes.chunk(mesh, t.peer(), t.streamId(), index, off + len == size, seq, buf.array());
                transport.send(mesh, t.peer(), env).whenComplete((r, e) -> {
                    synchronized (FileSender.this) {
                        inflight--;
                        if (e != null && gen == myGen && runFailure == null) runFailure = e;
                        FileSender.this.notifyAll();
                    }
                });
            }
            // All handed over: wait for the last acks (or a failure); the receiver's done/accept ends or restarts us.
            synchronized (this) {
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (inflight > 0 && gen == myGen && !stopped && runFailure == null && System.nanoTime() < deadline) wait(500);
                if (runFailure != null) log.info("stream {}: run via {} ended: {}", t.streamId(), path, runFailure.toString());
            }
        } catch (IOException e) {
            synchronized (this) {
                end(t.failed("source_unreadable: cannot read " + t.localPath() + ": " + e.getMessage(), ctx.now()));
            }
        }
    }

    /** Waits until the window has room; false when the run must end (superseded, failed, stalled). */
    private synchronized boolean awaitWindow(long myGen, boolean direct, long off) throws InterruptedException {
        long stallFrom = Math.max(lastProgressAt, runStartedAt);
        while (true) {
            if (gen != myGen || stopped) return false;
            if (runFailure != null) {
                log.info("stream {}: run ended: {}", t.streamId(), runFailure.toString());
                return false;
            }
            boolean room = direct ? inflight < ctx.settings().directWindow()
                    : inflight < 8 && off - confirmed < ctx.settings().relayWindowBytes();
            if (room) return true;
            stallFrom = Math.max(stallFrom, lastProgressAt);
            if (!direct && ctx.now() - stallFrom > RELAY_STALL_MS) {
                log.info("stream {}: no progress from the receiver for {} s on the relay; resynchronizing", t.streamId(), RELAY_STALL_MS / 1000);
                return false;
            }
            wait(200);
        }
    }

    /**
     * True to run direct: a channel is open, or the receiver can take one and it opens within {@link #DIRECT_WAIT_MS}
     * (a bulk transfer is worth a short wait; a message never waits for ICE).
     */
    private boolean waitForDirect(MeshSession mesh, long myGen) throws InterruptedException {
        if (ctx.held(mesh)) return false; // a held service sends over its own link only
        Envelope probe = StreamEnvelopes.probe(mesh, t.peer());
        PickTransport.Choice c = ctx.pick().choose(mesh, t.peer(), probe);
        if (c == PickTransport.Choice.DIRECT) return true;
        if (c != PickTransport.Choice.RELAY_UPGRADING) return false;
        MeshDirect d = ctx.directs().get(mesh.config().meshId());
        if (d == null) return false;
        d.engine().connect(t.peer());
        long deadline = System.nanoTime() + DIRECT_WAIT_MS * 1_000_000L;
        while (System.nanoTime() < deadline && current(myGen)) {
            if (d.engine().state(t.peer()) == SessionState.OPEN) return ctx.pick().choose(mesh, t.peer(), probe) == PickTransport.Choice.DIRECT;
            synchronized (this) {
                wait(100);
            }
        }
        return false;
    }

    private boolean directOpen(MeshSession mesh) {
        if (ctx.held(mesh)) return false;
        MeshDirect d = ctx.directs().get(mesh.config().meshId());
        return d != null && d.engine().state(t.peer()) == SessionState.OPEN
                && ctx.pick().choose(mesh, t.peer(), StreamEnvelopes.probe(mesh, t.peer())) == PickTransport.Choice.DIRECT;
    }

    private String pathName(MeshSession mesh) {
        MeshDirect d = ctx.directs().get(mesh.config().meshId());
        var p = d == null ? null : d.paths().get(t.peer());
        return p != null && p.path() != null ? p.path() : "direct";
    }
}
