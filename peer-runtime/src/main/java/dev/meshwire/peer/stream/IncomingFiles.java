package dev.meshwire.peer.stream;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.inbox.InboundEnvelope;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.InboxMessage;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of file transfers (docs/protocol.md §12.4). Chunks are taken strictly in order: a chunk whose
 * offset is not the next expected one is acked and ignored (a duplicate after a resend, or one past a gap after a
 * path change; the sender resumes from our {@code accept}). Data is written to a hidden partial file in the save
 * directory; at least every {@code commitBytes} (and every 2 s) the file is fsync'd and only then the offset recorded
 * — so after a crash the partial file is cut back to the recorded offset and the transfer resumes there. When the last
 * byte is in, the whole file's SHA-256 is checked: equal → moved to its final name (never over an existing file);
 * different → the partial file is removed and the transfer fails ({@code sha256_mismatch}; sending again starts anew,
 * because nothing says which chunk was wrong).
 */
final class IncomingFiles {
    private static final Logger log = LoggerFactory.getLogger(IncomingFiles.class);
    /** Without an accepted chunk for this long (while the sender is online) we tell the sender where we are. */
    static final long RESYNC_MS = 10_000;
    static final long COMMIT_MS = 2_000;
    /** Offers of one sender that may wait for the user at once; more are declined. */
    static final int MAX_OFFERED_PER_SENDER = 64;

    private final StreamContext ctx;
    private final ExecutorService finisher;
    private final Consumer<Transfer> changed;
    private final Map<String, Active> active = new ConcurrentHashMap<>();

    /** A transfer being received: its open partial file and the next expected offset. */
    static final class Active {
        Transfer t;
        FileChannel file;
        long expected;
        long lastChunkAt;
        long lastResyncAt;
        long lastCommitAt;
        long ignored;
        String via; // the path the last chunk came by (e.g. "direct host", "coordinator relay")

        Active(Transfer t, FileChannel file, long expected, long now) {
            this.t = t;
            this.file = file;
            this.expected = expected;
            this.lastCommitAt = now;
        }
    }

    IncomingFiles(StreamContext ctx, ExecutorService finisher, Consumer<Transfer> changed) {
        this.ctx = ctx;
        this.finisher = finisher;
        this.changed = changed;
    }

    private static String key(String peer, String streamId) {
        return peer + ':' + streamId;
    }

    /** Bytes received in order so far (live), for a transfer of ours. */
    long received(Transfer t) {
        Active a = active.get(key(t.peer(), t.streamId()));
        return a == null ? t.offset() : a.expected;
    }

    /** At daemon start: partial files are cut back to their committed offset, and transfers resume from there. */
    void recover() {
        for (Transfer t : ctx.store().unfinished()) {
            if (t.outgoing()) continue;
            try {
                if (Transfer.TRANSFERRING.equals(t.state())) {
                    open(t, t.offset());
                } else if (Transfer.VERIFYING.equals(t.state())) {
                    finisher.execute(() -> finish(t));
                }
            } catch (IOException | RuntimeException e) {
                fail(t, "io_error", "cannot reopen the partial file " + t.localPath() + ": " + e.getMessage(), true);
            }
        }
    }

    private Active open(Transfer t, long committed) throws IOException {
        Path part = Path.of(t.localPath());
        Files.createDirectories(part.getParent());
        // A held service's file waits for its app in the daemon's home: private like everything there (0600 in 0700).
        if (t.self() != null) dev.meshwire.peer.home.MeshwireHome.touchPrivate(part);
        FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long keep = Math.min(committed, ch.size());
        ch.truncate(keep); // bytes past the committed offset were never fsync'd: they may be garbage after a crash
        Active a = new Active(keep == t.offset() ? t : t.withOffset(keep, ctx.now()), ch, keep, ctx.now());
        active.put(key(t.peer(), t.streamId()), a);
        return a;
    }

    // ---- from the sender ----

    void onOffer(MeshSession mesh, String from, String senderName, String streamId, StreamControl offer) {
        var existing = ctx.store().get(Transfer.IN, from, streamId);
        if (existing.isEmpty()) {
            if (ctx.store().offeredBy(from) >= MAX_OFFERED_PER_SENDER) {
                // A member cannot fill our list (and disk) with offers nobody accepted: the oldest must be dealt with first.
                ctx.control(mesh, from, streamId, StreamControl.reject(StreamControl.DECLINED, MAX_OFFERED_PER_SENDER
                        + " offers from you are already waiting for an answer"));
                return;
            }
            long now = ctx.now();
            Transfer t = new Transfer(streamId, Transfer.IN, mesh.config().meshId(), from, senderName, SaveNames.sanitize(offer.name()),
                    offer.size(), offer.sha256(), offer.chunkSize(), null, Transfer.OFFERED, 0, 0, null, null, now, now, null);
            if (!ctx.store().insert(t)) return;
            log.info("mesh {}: {} offers {} ({} bytes), stream {}", mesh.name(), senderName, t.name(), t.size(), streamId);
            changed.accept(t);
            if (ctx.settings().autoAccept()) {
                try {
                    accept(t, ctx.settings().saveDir());
                } catch (PeerException e) {
                    log.warn("stream {}: auto-accept failed: {}", streamId, e.getMessage());
                }
            }
            return;
        }
        Transfer t = existing.get();
        if (t.size() != offer.size() || !t.sha256().equals(offer.sha256()) || t.chunkSize() != offer.chunkSize()) {
            ctx.control(mesh, from, streamId, StreamControl.reject(StreamControl.BAD_OFFER, "stream " + streamId
                    + " was offered before with another size, hash or chunk size"));
            return;
        }
        switch (t.state()) {
            case Transfer.TRANSFERRING -> {
                Active a = active.get(key(from, streamId));
                if (a != null) {
                    synchronized (a) {
                        a.lastResyncAt = ctx.now();
                        ctx.control(mesh, from, streamId, StreamControl.accept(a.expected));
                    }
                }
            }
            case Transfer.DONE -> ctx.control(mesh, from, streamId, StreamControl.done(t.sha256()));
            case Transfer.FAILED -> ctx.control(mesh, from, streamId, StreamControl.reject(code(t.error()), t.error()));
            default -> { } // offered (waiting for the user) or verifying: the answer comes when that ends
        }
    }

    /**
     * An offer to a held service ({@code as} = the mesh as that service) for one of its sub-peers: accepted at once
     * into {@code dir}/&lt;service key prefix&gt; when it names a sub-peer and is at most {@code max} bytes; otherwise
     * rejected ({@code bad_offer}, {@code too_large}). The app acting as the service lists the finished files
     * ({@link TransferStore#receivedBy}) and delivers them.
     */
    void onServiceOffer(MeshSession as, String from, String senderName, String streamId, StreamControl offer, Path dir, long max) {
        if (ctx.store().get(Transfer.IN, from, streamId).isPresent()) {
            onOffer(as, from, senderName, streamId, offer); // a repeated offer: answered from the recorded state
            return;
        }
        if (offer.subpeer() == null) {
            ctx.control(as, from, streamId, StreamControl.reject(StreamControl.BAD_OFFER, "a service takes files only for one of its sub-peers"));
            return;
        }
        if (ctx.store().heldFor(as.selfPubkey(), from) >= MAX_OFFERED_PER_SENDER) {
            // Taken without asking, so bounded per sender: 64 files of at most max bytes wait for the app at most.
            ctx.control(as, from, streamId, StreamControl.reject(StreamControl.DECLINED, MAX_OFFERED_PER_SENDER
                    + " files from you already wait for delivery to the room"));
            return;
        }
        if (offer.size() > max) {
            ctx.control(as, from, streamId, StreamControl.reject(StreamControl.TOO_LARGE, "a file for " + offer.subpeer() + " may have at most "
                    + max + " bytes (got " + offer.size() + ")"));
            return;
        }
        long now = ctx.now();
        Transfer t = new Transfer(streamId, Transfer.IN, as.config().meshId(), from, senderName, SaveNames.sanitize(offer.name()),
                offer.size(), offer.sha256(), offer.chunkSize(), null, Transfer.OFFERED, 0, 0, null, null, now, now, null,
                as.selfPubkey(), offer.subpeer());
        if (!ctx.store().insert(t)) return;
        log.info("mesh {}: {} sends {} ({} bytes) for {}, stream {}", as.name(), senderName, t.name(), t.size(), offer.subpeer(), streamId);
        changed.accept(t);
        Path into = dir.resolve(as.selfPubkey().substring(0, 16));
        try {
            dev.meshwire.peer.home.MeshwireHome.ensureDir(into);
            accept(t, into);
        } catch (PeerException | java.io.UncheckedIOException e) {
            fail(t, "io_error", e.getMessage(), true);
        }
    }

    void onCancel(MeshSession mesh, String from, String streamId, StreamControl c) {
        ctx.store().get(Transfer.IN, from, streamId).filter(t -> !t.terminal()).ifPresent(t ->
                fail(t, StreamControl.CANCELLED, "the sender cancelled" + (c.message() != null ? ": " + c.message() : ""), true));
    }

    /**
     * One chunk (see the class comment). Settles the envelope itself: acks it once it is written (or ignored), returns
     * null; returns a reason only for a chunk that cannot be right (bad size, bad terminator, does not open).
     */
    String onChunk(InboundEnvelope in) {
        Envelope env = in.envelope();
        String streamId = env.meta().streamId();
        Active a = active.get(key(env.from(), streamId));
        if (a == null) {
            in.ack(env.meta().clientMessageId()); // finished, failed, not accepted (yet) or unknown: nothing to write
            return null;
        }
        synchronized (a) {
            Transfer t = a.t;
            long index = env.meta().streamChunkId();
            long chunks = t.size() == 0 ? 0 : (t.size() + t.chunkSize() - 1) / t.chunkSize();
            if (index >= chunks) return "chunk " + index + " of stream " + streamId + " is past the end (" + chunks + " chunks)";
            long off = index * t.chunkSize();
            if (off != a.expected || a.file == null) {
                a.ignored++;
                // Behind the write position: written already (a redelivery). Ahead of it: the sender resends it in order.
                if (off < a.expected) in.ackDuplicate(env.meta().clientMessageId()); else in.ack(env.meta().clientMessageId());
                return null;
            }
            long want = Math.min(t.chunkSize(), t.size() - off);
            boolean last = off + want == t.size();
            if (Boolean.TRUE.equals(env.meta().streamTerminator()) != last) {
                return "chunk " + index + " of stream " + streamId + (last ? " is the last but has no terminator" : " has a terminator but is not the last");
            }
            byte[] data;
            try {
                data = StreamEnvelopes.open(in.mesh(), env);
            } catch (RuntimeException e) {
                return "cannot decrypt chunk " + index + " of stream " + streamId + ": " + e.getMessage();
            }
            if (data.length != want) return "chunk " + index + " of stream " + streamId + " has " + data.length + " bytes, expected " + want;
            try {
                ByteBuffer b = ByteBuffer.wrap(data);
                long pos = off;
                while (b.hasRemaining()) pos += a.file.write(b, pos);
            } catch (IOException e) {
                // A local failure (disk full, I/O error): no ack; the sender resends after its run fails, we fail the transfer.
                fail(t, "io_error", "cannot write " + t.localPath() + ": " + e.getMessage(), true);
                throw new IllegalStateException("stream " + streamId + ": write failed: " + e.getMessage(), e);
            }
            a.expected = off + want;
            a.via = in.path();
            long now = ctx.now();
            a.lastChunkAt = now;
            if (last || a.expected - a.t.offset() >= ctx.settings().commitBytes() || now - a.lastCommitAt >= COMMIT_MS) commit(in.mesh(), a);
            in.ack(env.meta().clientMessageId());
            return null;
        }
    }

    /** fsync, then record the offset, then tell the sender (its relay window moves with it). Caller holds {@code a}. */
    private void commit(MeshSession mesh, Active a) {
        if (a.file == null || a.expected == a.t.offset()) return;
        try {
            a.file.force(false);
        } catch (IOException e) {
            log.warn("stream {}: fsync failed: {}", a.t.streamId(), e.getMessage());
            return;
        }
        long now = ctx.now();
        a.lastCommitAt = now;
        Transfer t = a.t.withProgress(a.expected, 0, a.via != null ? a.via : a.t.via(), now);
        boolean complete = a.expected == t.size();
        if (complete) t = t.withState(Transfer.VERIFYING, now);
        a.t = t;
        ctx.store().update(t);
        ctx.control(mesh, t.peer(), t.streamId(), StreamControl.progress(t.offset()));
        if (complete) {
            closeQuietly(a);
            active.remove(key(t.peer(), t.streamId()));
            Transfer done = t;
            finisher.execute(() -> finish(done));
        }
    }

    /** Checks the whole file's SHA-256 and moves it to its final name, or fails the transfer. Runs on the finisher. */
    void finish(Transfer t) {
        MeshSession mesh = ctx.mesh(t);
        Path part = Path.of(t.localPath());
        String sha;
        try (InputStream is = Files.newInputStream(part)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = is.read(buf)) > 0; ) md.update(buf, 0, n);
            sha = HexFormat.of().formatHex(md.digest());
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            fail(t, "io_error", "cannot read " + part + ": " + e.getMessage(), true);
            return;
        }
        if (!sha.equals(t.sha256())) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException e) {
                log.warn("stream {}: cannot remove {}: {}", t.streamId(), part, e.getMessage());
            }
            fail(t, StreamControl.SHA256_MISMATCH, "the received file's SHA-256 is " + sha.substring(0, 16) + "…, the sender's "
                    + t.sha256().substring(0, 16) + "…; the partial file was removed (send it again)", true);
            return;
        }
        Path saved;
        try {
            saved = SaveNames.moveToFree(part, part.getParent(), t.name());
        } catch (IOException e) {
            fail(t, "io_error", "cannot move " + part + " to its final name: " + e.getMessage(), true);
            return;
        }
        long now = ctx.now();
        Transfer done = t.withLocalPath(saved.toString(), now).withState(Transfer.DONE, now);
        // The inbox entry first (idempotent by its id), then the state: whoever sees "done" also finds the entry. A held
        // service's file gets none: its app lists the service's files instead.
        InboxMessage stored = t.self() != null ? null : ctx.inbox().insert(new InboxMessage(0, t.meshId(), mesh != null ? mesh.name() : t.meshId(), t.peer(), t.peerName(),
                "file:" + t.streamId(), null, "stream", "next", "received file " + t.name() + " (" + t.size() + " bytes, SHA-256 checked) saved as "
                + saved, t.via() != null ? t.via() : "stream", t.createdAt(), now, null, null, null, null, List.of()));
        ctx.store().update(done);
        log.info("stream {}: saved {} ({} bytes, SHA-256 checked)", t.streamId(), saved, t.size());
        if (stored != null) ctx.events().publish(new DaemonEvent(DaemonEvent.MESSAGE, InboundProcessor.item(stored)));
        if (mesh != null) ctx.control(mesh, t.peer(), t.streamId(), StreamControl.done(t.sha256()));
        changed.accept(done);
    }

    // ---- from the user ----

    Transfer accept(Transfer t, Path saveDir) {
        if (!Transfer.OFFERED.equals(t.state())) {
            throw new PeerException(PeerException.BAD_REQUEST, "transfer " + t.streamId().substring(0, 12) + " is " + t.state() + ", not offered");
        }
        MeshSession mesh = ctx.mesh(t);
        if (mesh == null) throw new PeerException(PeerException.UNKNOWN_MESH, "the mesh (or held service) of transfer " + t.streamId().substring(0, 12) + " is not joined");
        try {
            Files.createDirectories(saveDir);
            long free = Files.getFileStore(saveDir).getUsableSpace();
            if (free < t.size()) {
                throw new PeerException(PeerException.BAD_REQUEST, "not enough space in " + saveDir + ": " + t.size() + " bytes needed, "
                        + free + " free");
            }
        } catch (IOException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "cannot use " + saveDir + " as the save directory: " + e.getMessage());
        }
        long now = ctx.now();
        Transfer accepted = t.withLocalPath(SaveNames.partial(saveDir, t.streamId(), t.name()).toString(), now)
                .withOffset(0, now).withState(Transfer.TRANSFERRING, now);
        Active a;
        try {
            a = open(accepted, 0);
        } catch (IOException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "cannot create " + accepted.localPath() + ": " + e.getMessage());
        }
        ctx.store().update(accepted);
        changed.accept(accepted);
        synchronized (a) {
            a.lastResyncAt = now;
            if (accepted.size() == 0) {
                commitEmpty(a);
            } else {
                ctx.control(mesh, t.peer(), t.streamId(), StreamControl.accept(0));
            }
        }
        return accepted;
    }

    private void commitEmpty(Active a) {
        Transfer t = a.t.withState(Transfer.VERIFYING, ctx.now());
        a.t = t;
        ctx.store().update(t);
        closeQuietly(a);
        active.remove(key(t.peer(), t.streamId()));
        finisher.execute(() -> finish(t));
    }

    Transfer cancel(Transfer t) {
        return fail(t, t.state().equals(Transfer.OFFERED) ? StreamControl.DECLINED : StreamControl.CANCELLED,
                t.state().equals(Transfer.OFFERED) ? "declined by the receiver" : "cancelled by the receiver", true);
    }

    /** Ends a transfer as failed; removes its partial file; tells the sender when {@code tell}. */
    Transfer fail(Transfer t, String code, String message, boolean tell) {
        Active a = active.remove(key(t.peer(), t.streamId()));
        if (a != null) {
            synchronized (a) {
                closeQuietly(a);
            }
        }
        if (t.localPath() != null && t.localPath().endsWith(".meshwire-part")) {
            try {
                Files.deleteIfExists(Path.of(t.localPath()));
            } catch (IOException e) {
                log.warn("stream {}: cannot remove {}: {}", t.streamId(), t.localPath(), e.getMessage());
            }
        }
        Transfer f = t.failed(code + ": " + message, ctx.now());
        ctx.store().update(f);
        log.info("stream {}: receiving {} failed: {}", t.streamId(), t.name(), f.error());
        MeshSession mesh = ctx.mesh(t);
        if (tell && mesh != null) ctx.control(mesh, t.peer(), t.streamId(), StreamControl.reject(code, message));
        changed.accept(f);
        return f;
    }

    /** Every second: commit what waits, and tell a sender who went quiet where to resume (after our restart, a lost run). */
    void tick() {
        long now = ctx.now();
        for (Active a : active.values()) {
            synchronized (a) {
                MeshSession mesh = ctx.mesh(a.t);
                if (mesh == null) continue;
                if (StreamContext.gone(mesh, a.t.peer())) {
                    fail(a.t, "not_member", (a.t.peerName() != null ? a.t.peerName() : a.t.peer()) + " is no longer an active member of the mesh", false);
                    continue;
                }
                if (a.expected != a.t.offset() && now - a.lastCommitAt >= COMMIT_MS) commit(mesh, a);
                if (now - Math.max(a.lastChunkAt, a.lastResyncAt) >= RESYNC_MS && StreamContext.online(mesh, a.t.peer())) {
                    a.lastResyncAt = now;
                    ctx.control(mesh, a.t.peer(), a.t.streamId(), StreamControl.accept(a.expected));
                }
            }
        }
    }

    void close() {
        for (Active a : active.values()) {
            synchronized (a) {
                closeQuietly(a);
            }
        }
        active.clear();
    }

    private static void closeQuietly(Active a) {
        if (a.file == null) return;
        try {
            a.file.close();
        } catch (IOException e) {
            // closing: nothing to do
        }
        a.file = null;
    }

    static String code(String error) {
        if (error == null) return "failed";
        int c = error.indexOf(':');
        return c > 0 ? error.substring(0, c) : error;
    }
}
