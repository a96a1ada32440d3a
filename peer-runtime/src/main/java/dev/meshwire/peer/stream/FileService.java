package dev.meshwire.peer.stream;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.inbox.ChannelReceiver;
import dev.meshwire.peer.inbox.InboundEnvelope;
import dev.meshwire.peer.ipc.FilesApi;
import dev.meshwire.peer.ipc.IpcReply;
import dev.meshwire.peer.ipc.api.FileAcceptRequest;
import dev.meshwire.peer.ipc.api.FileItem;
import dev.meshwire.peer.ipc.api.FileSendRequest;
import dev.meshwire.peer.ipc.api.FilesReply;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.meshstate.PeerLookup;
import dev.meshwire.peer.transport.RelayLimit;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.Frames;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File transfer over the {@code stream} channel (docs/protocol.md §12.4, docs/channels.md "file transfer and streams"):
 * the daemon's {@link ChannelReceiver} for {@code stream} (routes control messages and chunks to the sending or
 * receiving side) and the IPC's {@link FilesApi}. Owns the {@link FileSender} threads, the receiving side, a one-second
 * tick (commits, resynchronization) and the finisher thread (SHA-256 checks off the inbound path).
 */
public final class FileService implements ChannelReceiver, FilesApi, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileService.class);
    /** Recent transfers the listing shows at most. */
    public static final int MAX_LIST = 500;
    /**
     * The largest file a held service takes for one of its sub-peers (docs/protocol.md §12.4 "Sub-peers"): it is accepted
     * without anyone asking, so it is bounded; a larger offer is rejected ({@code too_large}).
     */
    public static final long SERVICE_MAX_BYTES = 64L << 20;

    private final StreamContext ctx;
    private final Path serviceDir;
    private final IncomingFiles incoming;
    private final Map<String, FileSender> senders = new ConcurrentHashMap<>();
    private final ExecutorService finisher;
    private final ScheduledExecutorService ticker;

    public FileService(TransferStore store, dev.meshwire.peer.coordinator.JoinedMeshes meshes, dev.meshwire.peer.transport.PickTransport pick,
                       dev.meshwire.peer.transport.Transport relay, dev.meshwire.peer.transport.Transport direct,
                       dev.meshwire.peer.p2p.DirectRegistry directs, dev.meshwire.peer.events.EventBus events,
                       dev.meshwire.peer.inbox.Inbox inbox, FileSettings settings) {
        this(store, meshes, pick, relay, direct, directs, events, inbox, settings, null, null);
    }

    /**
     * @param heldAs     the mesh as a delegated service this daemon holds, by (mesh id, service key), or null when not held
     * @param serviceDir where files for the sub-peers of held services are stored until their app delivered them
     */
    public FileService(TransferStore store, dev.meshwire.peer.coordinator.JoinedMeshes meshes, dev.meshwire.peer.transport.PickTransport pick,
                       dev.meshwire.peer.transport.Transport relay, dev.meshwire.peer.transport.Transport direct,
                       dev.meshwire.peer.p2p.DirectRegistry directs, dev.meshwire.peer.events.EventBus events,
                       dev.meshwire.peer.inbox.Inbox inbox, FileSettings settings,
                       java.util.function.BiFunction<String, String, MeshSession> heldAs, Path serviceDir) {
        this.serviceDir = serviceDir;
        this.ctx = new StreamContext(store, meshes, pick, relay, direct, directs, events, inbox, settings, System::currentTimeMillis, heldAs);
        this.finisher = Executors.newSingleThreadExecutor(r -> daemonThread(r, "meshwire-file-finish"));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> daemonThread(r, "meshwire-file-tick"));
        this.incoming = new IncomingFiles(ctx, finisher, this::publish);
    }

    private static Thread daemonThread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Resumes unfinished transfers in both directions and starts the tick. Call once the meshes are registered. */
    public void start() {
        incoming.recover();
        for (Transfer t : ctx.store().unfinished()) {
            if (!t.outgoing()) continue;
            FileSender s = new FileSender(ctx, t, this::publish);
            senders.put(t.streamId(), s);
            s.start();
        }
        ticker.scheduleWithFixedDelay(() -> {
            try {
                incoming.tick();
            } catch (RuntimeException e) {
                log.warn("file transfer tick failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    // ---- ChannelReceiver ----

    @Override
    public String receive(InboundEnvelope in) {
        Envelope env = in.envelope();
        String held = in.session() == null ? null : heldServiceRefusal(in);
        if (held != null) return held;
        String self = in.mesh().selfPubkey();
        if (!self.equals(env.target())) return "stream envelope for '" + env.target() + "' is not for this member";
        String streamId = env.meta().streamId();
        if (streamId == null || !streamId.matches("[0-9a-f]{32}")) return "stream envelope without a valid meta.streamId (32 lowercase hex)";
        if (env.body().bodyVersion() != dev.meshwire.signaling.envelope.Body.BYTES_V2) {
            return "stream envelope with body version " + env.body().bodyVersion() + " (stream uses 2)";
        }
        if (env.meta().streamChunkId() != null) return incoming.onChunk(in);
        StreamControl c;
        try {
            c = StreamControl.parse(StreamEnvelopes.open(in.mesh(), env));
        } catch (IllegalArgumentException e) {
            return "bad stream control message: " + e.getMessage();
        } catch (RuntimeException e) {
            return "cannot decrypt stream control message: " + e.getMessage();
        }
        String from = env.from();
        switch (c.type()) {
            case StreamControl.OFFER -> {
                if (in.session() == null && c.subpeer() != null) {
                    ctx.control(in.mesh(), from, streamId, StreamControl.reject(StreamControl.BAD_OFFER, "this member fronts no sub-peers"));
                } else if (in.session() != null) {
                    String front = dev.meshwire.signaling.subpeer.SubpeerSet.frontingRefusal(in.mesh().roster().activeService(in.session()).attestation());
                    if (front != null) return front + " (a service takes files only for its sub-peers)";
                    incoming.onServiceOffer(in.mesh(), from, in.senderName(), streamId, c, serviceDir, SERVICE_MAX_BYTES);
                } else {
                    incoming.onOffer(in.mesh(), from, in.senderName(), streamId, c);
                }
            }
            case StreamControl.CANCEL -> incoming.onCancel(in.mesh(), from, streamId, c);
            default -> {
                FileSender s = senders.get(streamId);
                if (s == null || !s.transfer().peer().equals(from)) {
                    log.debug("stream {}: {} from {} for no transfer of ours", streamId, c.type(), from);
                } else {
                    switch (c.type()) {
                        case StreamControl.ACCEPT -> s.onAccept(c.offset());
                        case StreamControl.PROGRESS -> s.onProgress(c.offset());
                        case StreamControl.DONE -> s.onDone(c.sha256());
                        default -> s.onReject(c.code(), c.message());
                    }
                }
            }
        }
        in.ack(env.meta().clientMessageId()); // control messages are idempotent: acting on them is storing them
        return null;
    }

    /**
     * Why a stream envelope for a held identity is not taken: held sessions take none; a held delegated service needs
     * {@code stream:write} (it answers, or sends, with stream envelopes of its own). Offers are further limited to
     * services that may front sub-peers ({@link IncomingFiles#onServiceOffer}).
     */
    private String heldServiceRefusal(InboundEnvelope in) {
        if (serviceDir == null) return "the stream channel is not taken by held sessions or services here";
        var svc = in.mesh().roster().activeService(in.session());
        if (svc == null) return "the stream channel is not taken by held sessions";
        var scopes = dev.meshwire.signaling.service.Scopes.fromCsv(svc.attestation().scopes());
        if (scopes == null || !scopes.contains(dev.meshwire.signaling.service.Scopes.STREAM_WRITE)) {
            return "service '" + svc.attestation().serviceId() + "' lacks the stream:write scope, so it could not answer a file transfer";
        }
        return null;
    }

    /**
     * The files held service {@code serviceKey} received for its sub-peers and has not delivered yet (oldest first).
     */
    public List<Transfer> serviceFiles(String serviceKey) {
        return ctx.store().receivedBy(serviceKey);
    }

    /**
     * The service's app delivered the file of transfer {@code id} (or gives up on it): the file is removed and the
     * transfer no longer listed. Idempotent.
     */
    public Transfer serviceFileDelivered(String serviceKey, String id) {
        Transfer t = find(id);
        if (!serviceKey.equals(t.self()) || t.outgoing()) {
            throw new PeerException(PeerException.UNKNOWN_TRANSFER, "no file " + StreamControl.clip(id) + " received by this service");
        }
        if (t.localPath() == null) return t;
        try {
            Files.deleteIfExists(Path.of(t.localPath()));
        } catch (java.io.IOException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "cannot remove " + t.localPath() + ": " + e.getMessage());
        }
        Transfer done = t.withLocalPath(null, System.currentTimeMillis());
        ctx.store().update(done);
        return done;
    }

    // ---- FilesApi ----

    @Override
    public IpcReply<FileItem> send(FileSendRequest req) {
        MeshSession mesh = ctx.meshes().select(req.mesh());
        var address = mesh.roster().resolveAddress(req.peer(), PeerLookup.SEND);
        Frames.PeerInfo peer = address.peer();
        if (address.subpeer() != null) {
            // A sub-peer (docs/protocol.md §6.5, §12.4): the file goes to the service that fronts it, the offer names it.
            var svc = mesh.roster().activeService(peer.pubkey());
            var scopes = svc == null ? null : dev.meshwire.signaling.service.Scopes.fromCsv(svc.attestation().scopes());
            if (scopes == null || !scopes.contains(dev.meshwire.signaling.service.Scopes.STREAM_WRITE)) {
                throw new PeerException(PeerException.BAD_REQUEST, "files cannot be sent to " + address.subpeer() + ": " + peer.name()
                        + " takes no files (its scopes lack stream:write); send it a message instead: meshwire send " + address.subpeer() + " TEXT");
            }
        } else if (StreamContext.removed(mesh, peer.pubkey())) {
            throw new PeerException(PeerException.BAD_REQUEST, "files go to members of the mesh, not to sessions, services or unknown keys ('"
                    + req.peer() + "')");
        }
        if (!mesh.roster().grantedBy(peer.pubkey(), dev.meshwire.signaling.envelope.Channel.STREAM)) {
            // Its daemon (and the coordinator) would drop every envelope: say so now instead of offering forever.
            throw new PeerException(PeerException.BAD_REQUEST, (peer.name() != null ? peer.name() : peer.pubkey())
                    + " does not accept files from you (its grants lack 'stream'; meshwire grants)");
        }
        if (req.path() == null || req.path().isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "path is required");
        Path file = Path.of(req.path());
        if (!file.isAbsolute()) throw new PeerException(PeerException.BAD_REQUEST, "path must be absolute (got '" + req.path() + "')");
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new PeerException(PeerException.BAD_REQUEST, file + " is not a readable regular file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (java.io.IOException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "cannot read " + file + ": " + e.getMessage());
        }
        String streamId = HexFormat.of().formatHex(Sodium.randomBytes(16));
        long now = System.currentTimeMillis();
        String name = file.getFileName().toString();
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > StreamControl.MAX_NAME_BYTES) {
            throw new PeerException(PeerException.BAD_REQUEST, "the file name is longer than " + StreamControl.MAX_NAME_BYTES + " bytes");
        }
        if (address.subpeer() != null && size > SERVICE_MAX_BYTES) {
            throw new PeerException(PeerException.BAD_REQUEST, file + " has " + size + " bytes; a file for " + address.subpeer()
                    + " may have at most " + SERVICE_MAX_BYTES);
        }
        // Named as a dm to her is ("lk:alice via alice/livekit"): the progress lines say whom it is for.
        String peerName = address.subpeer() != null ? address.subpeer() + " via " + peer.name() : peer.name();
        Transfer t = new Transfer(streamId, Transfer.OUT, mesh.config().meshId(), peer.pubkey(), peerName, name, size, "",
                chunkSize(mesh), file.toAbsolutePath().toString(), Transfer.OFFERED, 0, 0, null, null, now, now, null, null, address.subpeer());
        ctx.store().insert(t);
        FileSender s = new FileSender(ctx, t, this::publish);
        senders.put(streamId, s);
        s.start();
        log.info("mesh {}: sending {} ({} bytes) to {}, stream {}", mesh.name(), file, size, peerName, streamId);
        return new IpcReply<>(202, item(t));
    }

    /**
     * Sends {@code path} as the held service whose mesh is {@code as} (its identity, cipher and own link) to the member
     * {@code to}: a LiveKit side-car's room data stream that is too large for one mesh message (docs/livekit.md "Large
     * payloads"). The service needs {@code stream:write} ({@code scope_refused} otherwise); the recipient must be an
     * active member. The transfer is recorded with {@code self} = the service key, so it resumes (once the service is
     * held again) after a daemon restart.
     */
    public IpcReply<FileItem> sendAs(MeshSession as, String serviceName, String scopesCsv, String to, String path) {
        var scopes = dev.meshwire.signaling.service.Scopes.fromCsv(scopesCsv);
        if (scopes == null || !scopes.contains(dev.meshwire.signaling.service.Scopes.STREAM_WRITE)) {
            throw new PeerException(PeerException.SCOPE_REFUSED, "service '" + serviceName + "' may not send files: its scopes ("
                    + scopesCsv + ") lack stream:write");
        }
        Frames.PeerInfo peer = as.roster().resolve(to, PeerLookup.SEND);
        if (!as.roster().isActive(peer.pubkey())) {
            throw new PeerException(PeerException.BAD_REQUEST, "a service sends files to members of the mesh only ('" + to + "')");
        }
        if (path == null || path.isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "path is required");
        Path file = Path.of(path);
        if (!file.isAbsolute()) throw new PeerException(PeerException.BAD_REQUEST, "path must be absolute (got '" + path + "')");
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) throw new PeerException(PeerException.BAD_REQUEST, file + " is not a readable regular file");
        long size;
        try {
            size = Files.size(file);
        } catch (java.io.IOException e) {
            throw new PeerException(PeerException.BAD_REQUEST, "cannot read " + file + ": " + e.getMessage());
        }
        String name = file.getFileName().toString();
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > StreamControl.MAX_NAME_BYTES) {
            throw new PeerException(PeerException.BAD_REQUEST, "the file name is longer than " + StreamControl.MAX_NAME_BYTES + " bytes");
        }
        String streamId = HexFormat.of().formatHex(Sodium.randomBytes(16));
        long now = System.currentTimeMillis();
        Transfer t = new Transfer(streamId, Transfer.OUT, as.config().meshId(), peer.pubkey(), peer.name(), name, size, "",
                chunkSize(as), file.toAbsolutePath().toString(), Transfer.OFFERED, 0, 0, null, null, now, now, null, as.selfPubkey(), null);
        ctx.store().insert(t);
        FileSender s = new FileSender(ctx, t, this::publish);
        senders.put(streamId, s);
        s.start();
        log.info("mesh {}: service {} sends {} ({} bytes) to {}, stream {}", as.name(), serviceName, file, size, peer.name(), streamId);
        return new IpcReply<>(202, item(t));
    }

    /**
     * The chunk size of a new transfer: the configured one, or less so that one chunk envelope (base64 in JSON) fits the
     * relay's frame limit — chunks may take either path during one transfer, so the size fits both.
     */
    private int chunkSize(MeshSession mesh) {
        long frame = RelayLimit.maxFrameBytes(mesh);
        long fit = (frame - 512 - 2048) / 4 * 3 - 64; // send frame + envelope fields; base64 is 4/3; the MAC
        long c = Math.min(ctx.settings().chunkSize(), fit);
        c = Math.max(StreamControl.MIN_CHUNK, c / 1024 * 1024);
        return (int) c;
    }

    @Override
    public FilesReply list(int limit) {
        return new FilesReply(ctx.store().recent(Math.min(limit, MAX_LIST)).stream().map(this::item).toList());
    }

    @Override
    public FileItem get(String id) {
        return item(find(id));
    }

    @Override
    public FileItem accept(String id, FileAcceptRequest req) {
        Transfer t = find(id);
        if (t.outgoing()) throw new PeerException(PeerException.BAD_REQUEST, "transfer " + short12(t) + " is one we send, not one we receive");
        Path dir = ctx.settings().saveDir();
        if (req != null && req.saveDir() != null && !req.saveDir().isBlank()) {
            dir = Path.of(req.saveDir());
            if (!dir.isAbsolute()) throw new PeerException(PeerException.BAD_REQUEST, "saveDir must be absolute (got '" + req.saveDir() + "')");
            if (Files.exists(dir) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir)) {
                throw new PeerException(PeerException.BAD_REQUEST, dir + " is not a directory");
            }
        }
        return item(incoming.accept(t, dir));
    }

    @Override
    public FileItem cancel(String id) {
        Transfer t = find(id);
        if (t.terminal()) return item(t);
        if (t.outgoing()) {
            FileSender s = senders.get(t.streamId());
            return item(s != null ? s.cancel() : t);
        }
        return item(incoming.cancel(t));
    }

    private Transfer find(String id) {
        String p = id == null ? "" : id.trim().toLowerCase(java.util.Locale.ROOT);
        if (!p.matches("[0-9a-f]{6,32}")) {
            throw new PeerException(PeerException.BAD_REQUEST, "a transfer id is 6 to 32 hex characters (got '" + StreamControl.clip(id) + "')");
        }
        List<Transfer> l = ctx.store().byIdPrefix(p);
        if (l.isEmpty()) throw new PeerException(PeerException.UNKNOWN_TRANSFER, "no transfer " + p);
        if (l.size() > 1) {
            throw new PeerException(PeerException.AMBIGUOUS_PEER, "'" + p + "' names " + l.size() + " transfers; give more of the id",
                    l.stream().map(Transfer::streamId).toList());
        }
        return l.get(0);
    }

    private static String short12(Transfer t) {
        return t.streamId().substring(0, 12);
    }

    private void publish(Transfer t) {
        ctx.events().publish(new DaemonEvent(DaemonEvent.FILE, item(t)));
    }

    private FileItem item(Transfer stored) {
        Transfer t = stored;
        String note = null;
        if (t.outgoing()) {
            FileSender s = senders.get(t.streamId());
            if (s != null) {
                t = s.transfer();
                note = s.note(); // kept after the end: the path the transfer took
            }
        }
        long done = t.outgoing() ? t.offset() : t.terminal() ? (Transfer.DONE.equals(t.state()) ? t.size() : t.offset()) : incoming.received(t);
        MeshSession mesh = ctx.mesh(t.meshId());
        return new FileItem(t.streamId(), t.direction(), mesh != null ? mesh.name() : t.meshId(), new PeerRef(t.peerName(), t.peer()), t.name(),
                t.size(), t.sha256(), t.chunkSize(), t.state(), done, t.bytesSent(), t.via(), note, t.localPath(), t.error(), t.createdAt(),
                t.updatedAt(), t.finishedAt());
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (FileSender s : senders.values()) s.shutdown();
        finisher.shutdown();
        try {
            finisher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        incoming.close();
    }
}
