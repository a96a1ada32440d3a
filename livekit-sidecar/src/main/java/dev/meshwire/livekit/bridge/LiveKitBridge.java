package dev.meshwire.livekit.bridge;

import dev.meshwire.livekit.room.RoomClient;
import dev.meshwire.livekit.room.RoomData;
import dev.meshwire.livekit.room.RoomException;
import dev.meshwire.livekit.room.RoomListener;
import dev.meshwire.livekit.room.RoomParticipant;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.InboxItem;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges one LiveKit room and one mesh, both ways (docs/livekit.md "The side-car").
 *
 * <p><b>Room → mesh.</b> A user packet on the configured topic from participant {@code alice} becomes a mesh
 * message {@code [lk:alice] <text>} sent as the service to the configured target. Its client message id is derived
 * from (room, identity, {@code UserPacket.id}) when the sender set an id, so a packet the room replays after a
 * reconnect is deduplicated by the coordinator and shown once. A packet is stored in the {@link RoomQueue} (durable
 * in SQLite when the queue is opened on a file) on the room thread as it arrives, and leaves it only once the mesh
 * took it: while the daemon or the coordinator is unreachable, or the daemon restarts, packets wait there and are
 * retried in order, also across a restart of the side-car. A refusal of the message itself (scopes, unknown target,
 * too large) is logged and dropped. A LiveKit data stream (text or bytes) on the topic becomes one mesh message the
 * same way, its stream id standing in for the packet id. A stream over the message limit ({@link BridgeConfig#MESSAGE_MAX})
 * and up to {@code maxFileBytes} becomes a mesh file transfer to the target instead ({@link RoomFiles}); a larger one
 * is refused (logged, counted as dropped).
 *
 * <p><b>Mesh → room.</b> A dm to the service reading {@code lk:alice <text>} is sent as a reliable user packet to
 * alice only, with {@code UserPacket.id} = the mesh message's client message id. The message stays in the service's
 * inbox (durable, in the daemon) until the packet settled in the room (LiveKit accepted it and the connection
 * stayed up for the settle time, {@link RoomClient#send}); only then it is deleted. While the room is
 * unreachable, or alice is not in the room, messages wait there and flow once she is. A payload over LiveKit's
 * packet limit goes as a text data stream instead (stream id = client message id). A dm that names nobody, or a
 * payload over the data stream limit, is answered to its sender with the reason and deleted.
 *
 * <p>Threads: the room client's own thread (listener calls, never blocked), one thread for room → mesh sends and
 * one for the service inbox; each owns its direction.
 */
public final class LiveKitBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveKitBridge.class);
    /** Room packets the queue holds at most while the mesh is away; past that a packet is dropped (and counted). */
    public static final int ROOM_QUEUE_MAX = 100_000;
    /** Queue rows read per round of the room → mesh sender. */
    private static final int BATCH = 100;
    private static final long POLL_MS = 100;
    /** Rows read from the service inbox per round. */
    static final int FETCH = 1_000;
    /** Service-inbox rows handed to the room and not yet settled, by row id. */
    private final java.util.Map<Long, CompletableFuture<Void>> inRoom = new ConcurrentHashMap<>();
    /** Files for participants handed to the room and not yet settled, by transfer id. */
    private final java.util.Map<String, CompletableFuture<Void>> filesInRoom = new ConcurrentHashMap<>();
    /** Rows already forwarded and deleted: a listing read just before the delete must not send them again. */
    private final Set<Long> forwarded = ConcurrentHashMap.newKeySet();
    private static final long RETRY_MAX_MS = 2_000;

    private final BridgeConfig config;
    private final MeshSide mesh;
    private final RoomClient room;
    private final RoomQueue toMesh;
    /** Room data streams over the message limit, as mesh file transfers; null without a spool directory. */
    private final RoomFiles roomFiles;
    /** Signalled when a packet was queued, so the sender wakes without polling. */
    private final Object queued = new Object();
    private final Set<String> present = ConcurrentHashMap.newKeySet();
    /**
     * Per identity, a counter bumped at every join and leave the room reports (and at our own re-join): a packet
     * counts as delivered only if its addressee's counter did not move between the send and the settle — a
     * participant who left (or whose connection was replaced) in between may never have got it.
     */
    private final Map<String, Long> presenceEpoch = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong();
    private final AtomicLong roomToMesh = new AtomicLong();
    private final AtomicLong meshToRoom = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private volatile long meshQueue;
    /** The room's participants changed (or we re-joined): publish the set as sub-peers (docs/livekit.md "Identity and mapping"). */
    private final java.util.concurrent.atomic.AtomicBoolean presenceDirty = new java.util.concurrent.atomic.AtomicBoolean();
    /** Joined now: while the room connection is down the last published set stays (nothing is known about the room). */
    private volatile boolean roomUp;
    private long presencePublishedAt; // inbox thread only
    /** How often the set is published again unchanged: the daemon drops a set not refreshed for 60 s (a crashed side-car). */
    static final long PRESENCE_REFRESH_MS = 15_000;
    private volatile String lastError = "";
    private volatile boolean closed;
    private final Thread meshSender;
    private final Thread inboxReader;

    /**
     * A bridge whose room → mesh queue lives in memory (lost if this process dies) and whose daemon is {@code ipc}
     * for good: for tests and embedders. The command uses {@link #LiveKitBridge(BridgeConfig, DaemonLink, RoomQueue,
     * Function)} with a durable queue.
     *
     * @param roomFactory builds the room client with the bridge as its listener (so the bridge sees every event
     *                    from the first join on)
     */
    public LiveKitBridge(BridgeConfig config, dev.meshwire.peer.ipc.IpcClient ipc, Function<RoomListener, RoomClient> roomFactory) {
        this(config, DaemonLink.fixed(ipc), RoomQueue.inMemory(ROOM_QUEUE_MAX), roomFactory);
    }

    /**
     * @param daemon      the local daemon (found again after it restarts, for {@link DaemonLink#forHome})
     * @param queue       the room → mesh queue, owned (closed) by the bridge from now on; what it holds from a
     *                    previous run is sent first
     * @param roomFactory builds the room client with the bridge as its listener (so the bridge sees every event
     *                    from the first join on)
     */
    public LiveKitBridge(BridgeConfig config, DaemonLink daemon, RoomQueue queue, Function<RoomListener, RoomClient> roomFactory) {
        this.config = config;
        this.mesh = new MeshSide(daemon, config);
        this.toMesh = queue;
        this.roomFiles = config.spoolDir() == null ? null : new RoomFiles(config.spoolDir(), queue);
        this.room = roomFactory.apply(new Listener());
        this.meshSender = new Thread(this::sendLoop, "livekit-bridge-to-mesh");
        this.inboxReader = new Thread(this::inboxLoop, "livekit-bridge-to-room");
        meshSender.setDaemon(true);
        inboxReader.setDaemon(true);
    }

    /**
     * Makes sure the service exists and is held by the local daemon, then joins the room and starts both
     * directions. Returns the service key. Throws {@link BridgeException} or {@link RoomException} (first join
     * refused) with a one-line reason.
     */
    public String start(long joinTimeoutMs) {
        String key = mesh.ensureService();
        try {
            room.start().get(joinTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RoomException re ? re : new RoomException("joining the room failed: " + e.getCause());
        } catch (TimeoutException e) {
            // not joined yet: the room client keeps trying; mesh messages wait in the service inbox meanwhile
            LOG.warn("the LiveKit room is not joined after {} ms; still trying", joinTimeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BridgeException("interrupted while joining the room");
        }
        meshSender.start();
        inboxReader.start();
        return key;
    }

    public BridgeStats stats() {
        var r = room.stats();
        return new BridgeStats(roomToMesh.get(), meshToRoom.get(), refused.get(), dropped.get(), duplicates.get(), toMesh.size(), meshQueue, r.joins(),
                r.connected(), lastError);
    }

    public RoomClient room() {
        return room;
    }

    @Override
    public void close() {
        closed = true;
        meshSender.interrupt();
        inboxReader.interrupt();
        try {
            meshSender.join(5_000);
            inboxReader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        room.close();
        try {
            mesh.subpeers(java.util.List.of()); // we leave the room: nobody is reachable through us any more
        } catch (RuntimeException e) {
            LOG.debug("clearing the published participants failed ({}); the daemon drops them within 60 s", e.getMessage());
        }
        toMesh.close();
    }

    // ---- room → mesh ----

    private final class Listener implements RoomListener {
        @Override
        public void onConnected(String selfSid, List<RoomParticipant> others) {
            present.clear();
            presenceEpoch.replaceAll((k, v) -> epochs.incrementAndGet());
            others.forEach(p -> present.add(p.identity()));
            roomUp = true;
            presenceDirty.set(true); // the full set after every (re-)join
            LOG.info("joined the LiveKit room ({} other participants), bridging to mesh {}", others.size(), config.mesh());
        }

        @Override
        public void onParticipantJoined(RoomParticipant p) {
            presenceEpoch.put(p.identity(), epochs.incrementAndGet());
            present.add(p.identity());
            presenceDirty.set(true);
        }

        @Override
        public void onParticipantLeft(RoomParticipant p) {
            presenceEpoch.put(p.identity(), epochs.incrementAndGet());
            present.remove(p.identity());
            presenceDirty.set(true);
        }

        @Override
        public void onData(RoomData data) {
            if (!config.topic().equals(data.topic()) || data.fromIdentity().isEmpty()) return;
            if (data.payload().length > BridgeConfig.MESSAGE_MAX) {
                spoolFile(data);
                return;
            }
            // Stored before this returns: LiveKit has no application ack, so the only packets a side-car crash can
            // lose are those between the data channel and this commit.
            boolean stored;
            try {
                stored = toMesh.add(clientMessageId(data), config.target(), ParticipantText.fromParticipant(data.fromIdentity(), data.payload()));
            } catch (BridgeException e) {
                lastError = e.getMessage();
                stored = false;
            }
            if (!stored) {
                dropped.incrementAndGet();
                LOG.warn("room → mesh: dropped a packet from {} ({})", data.fromIdentity(),
                        toMesh.size() >= ROOM_QUEUE_MAX ? "the queue is full: " + ROOM_QUEUE_MAX + " packets" : lastError);
                return;
            }
            synchronized (queued) {
                queued.notifyAll();
            }
        }

        @Override
        public void onRefused(String fromIdentity, String topic, String reason) {
            if (!config.topic().equals(topic)) return; // not for the bridge anyway
            dropped.incrementAndGet();
            LOG.warn("a room payload was not bridged: {}", reason);
        }

        @Override
        public void onDisconnected(String reason, boolean willRetry) {
            roomUp = false;
            present.clear();
            presenceEpoch.replaceAll((k, v) -> epochs.incrementAndGet());
            LOG.warn("LiveKit room connection lost: {}{}", reason, willRetry ? " (re-joining)" : "");
        }
    }

    /**
     * A room data stream over the message limit: spooled (durably, before this returns) and sent as a mesh file
     * transfer to the target by the service thread; refused (logged, counted as dropped) when the target is {@code *},
     * it is over {@code --max-file-bytes}, there is no spool, or it cannot be stored. A replayed stream is ignored.
     */
    private void spoolFile(RoomData data) {
        String why = null;
        if (roomFiles == null) why = "a data stream of " + data.payload().length + " bytes exceeds the limit of " + BridgeConfig.MESSAGE_MAX + " bytes";
        else if (data.payload().length > config.maxFileBytes()) {
            why = "a data stream of " + data.payload().length + " bytes exceeds --max-file-bytes " + config.maxFileBytes();
        } else if ("*".equals(config.target())) {
            why = "a data stream of " + data.payload().length + " bytes is sent on as a file, and a file goes to one member, not to '*' (set --target)";
        }
        if (why == null) {
            try {
                if (!roomFiles.spool(clientMessageId(data), config.target(), data)) {
                    duplicates.incrementAndGet(); // this stream id was spooled before: one file in the mesh
                    return;
                }
                synchronized (queued) {
                    queued.notifyAll();
                }
                return;
            } catch (BridgeException e) {
                why = e.getMessage();
                lastError = why;
            }
        }
        dropped.incrementAndGet();
        LOG.warn("a room payload was not bridged: data stream {} from {}: {}", data.packetId(), data.fromIdentity(), why);
    }

    private String clientMessageId(RoomData data) {
        if (data.packetId().isEmpty()) return "lk-" + UUID.randomUUID();
        return "lk-" + digest(config.mesh() + "|" + data.fromIdentity() + "|" + data.packetId());
    }

    /** 40 hex characters of SHA-256: a client message id within the 128-character rule whatever the input. */
    static String digest(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void sendLoop() {
        long backoff = 50;
        while (!closed) {
            List<RoomQueue.Row> rows;
            try {
                rows = toMesh.head(BATCH);
            } catch (BridgeException e) {
                lastError = e.getMessage();
                if (!pause(RETRY_MAX_MS)) return;
                continue;
            }
            if (rows.isEmpty()) {
                try {
                    synchronized (queued) {
                        if (toMesh.size() == 0) queued.wait(POLL_MS);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            for (RoomQueue.Row m : rows) {
                if (closed) return;
                if (!deliver(m)) {
                    if (!pause(backoff)) return;
                    backoff = Math.min(RETRY_MAX_MS, backoff * 2);
                    break; // in order: the head goes again first
                }
                backoff = 50;
            }
        }
    }

    /**
     * Sends one queued packet to the mesh; removes it once the mesh took it, already had it, or refused the
     * message itself. False when it must go again later (the daemon or the coordinator is away): it stays queued.
     */
    private boolean deliver(RoomQueue.Row m) {
        try {
            mesh.send(m.target(), m.text(), m.clientMessageId());
            roomToMesh.incrementAndGet();
        } catch (IpcException e) {
            if (e.getMessage() != null && e.getMessage().contains("duplicate_conflict")) {
                // The coordinator already accepted this client message id (the room replayed a packet after a
                // reconnect, or we re-sent after a lost answer or a crash): it is in the mesh once, which is the point.
                duplicates.incrementAndGet();
            } else if (transientRefusal(e)) {
                lastError = "mesh send: " + e.code() + ": " + e.getMessage();
                return false;
            } else {
                // A refusal of this message (scopes, unknown target, too large) is final: retrying would block the queue.
                lastError = "mesh send: " + e.code() + ": " + e.getMessage();
                dropped.incrementAndGet();
                LOG.warn("the mesh refused a room message ({}): {}", e.code(), e.getMessage());
            }
        } catch (RuntimeException e) { // not an answer about the message: keep it
            lastError = "mesh send: " + e;
            return false;
        }
        try {
            toMesh.remove(m.seq());
        } catch (BridgeException e) {
            // the row stays and goes again: the coordinator answers the copy as a duplicate, shown once
            lastError = e.getMessage();
            return false;
        }
        return true;
    }

    /**
     * True for failures that say nothing about the message: the daemon away or restarting (its new token refused as
     * unauthorized, the service or mesh not loaded yet), the coordinator unreachable, or the coordinator asking us to
     * slow down ({@code rate_limited}, the target's {@code queue_full}).
     */
    static boolean transientRefusal(IpcException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        return DaemonLink.daemonAway(e) || "unknown_service".equals(e.code()) || "unknown_mesh".equals(e.code())
                || "no_meshes".equals(e.code()) || msg.contains("rate_limited") || msg.contains("queue_full");
    }

    // ---- mesh → room ----

    private void inboxLoop() {
        while (!closed) {
            boolean progress = false;
            publishPresence();
            try {
                if (room.isConnected()) progress = forwardPending();
                if (room.isConnected()) progress |= forwardFiles();
            } catch (RuntimeException e) {
                lastError = "service inbox: " + e;
                LOG.debug("reading the service inbox failed: {}", e.getMessage());
                presenceDirty.set(true); // the daemon may be restarting: it forgets the set, so publish it again once it is back
            }
            try {
                progress |= sendRoomFiles();
            } catch (RuntimeException e) { // the daemon away: the files stay spooled and go in a later round
                lastError = "room files: " + e;
                LOG.debug("sending the room's files failed: {}", e.getMessage());
            }
            if (!progress && !pause(POLL_MS)) return;
        }
    }

    /**
     * Hands what waits in the service inbox to the room, in order, without waiting: a row is deleted once its packet
     * settled in the room ({@link RoomClient#send}); until then it stays (durable in the daemon) and is not sent again
     * while its send is pending. A send that fails (the room went away) leaves the row for a later round. True if
     * anything new was handed over.
     */
    private boolean forwardPending() {
        List<InboxItem> items = mesh.pending(FETCH);
        meshQueue = items.size();
        boolean progress = false;
        for (InboxItem item : items) {
            if (closed) return progress;
            if (inRoom.containsKey(item.id()) || forwarded.contains(item.id())) continue;
            if (!"dm".equals(item.channel())) {
                mesh.consume(item.id()); // only dms are bridged; a broadcast to the service has no participant
                continue;
            }
            ParticipantText.Addressed to;
            String addressed = ParticipantText.identityOf(item.target()); // meta.subpeer of a 'send lk:alice' (§6.5)
            try {
                to = addressed != null && !addressed.isEmpty()
                        ? new ParticipantText.Addressed(addressed, item.text() == null ? new byte[0] : item.text().getBytes(StandardCharsets.UTF_8))
                        : ParticipantText.toParticipant(item.text());
                if (to.payload().length == 0) throw new IllegalArgumentException("nothing to send to lk:" + to.identity());
            } catch (IllegalArgumentException e) {
                undeliverable(item, e.getMessage());
                continue;
            }
            if (!present.contains(to.identity())) continue; // waits in the inbox until the participant is in the room
            int limit = Math.min(room.maxStreamBytes(), BridgeConfig.MESSAGE_MAX); // the room may reassemble more (files), we send messages only
            if (to.payload().length > limit) {
                undeliverable(item, "a payload of " + to.payload().length + " bytes exceeds the room's data stream limit of "
                        + limit + " bytes");
                continue;
            }
            if (!room.isConnected()) return progress;
            long id = item.id();
            Long epoch = presenceEpoch.get(to.identity());
            CompletableFuture<Void> sent = roomSend(to, item.clientMessageId());
            inRoom.put(id, sent);
            progress = true;
            sent.whenComplete((v, t) -> {
                if (t == null && !java.util.Objects.equals(epoch, presenceEpoch.get(to.identity()))) {
                    // alice left or re-joined meanwhile: she may not have it; the row stays and goes again (same id)
                    inRoom.remove(id);
                    return;
                }
                if (t == null) {
                    try {
                        if (forwarded.size() > 100_000) forwarded.clear(); // rows are deleted: only recent ids matter
                        forwarded.add(id);
                        mesh.consume(id);
                        meshToRoom.incrementAndGet();
                    } catch (RuntimeException e) {
                        // the daemon is away: the row stays and goes again (same UserPacket.id) once it is back
                        forwarded.remove(id);
                        lastError = "deleting a forwarded row: " + e;
                    }
                }
                inRoom.remove(id);
            });
        }
        return progress;
    }

    /**
     * Hands the files the daemon received for participants (docs/protocol.md §12.4 "Sub-peers") to the room, each as a
     * LiveKit byte data stream to its participant only, named as sent and with the transfer id as stream id. As for dms:
     * the daemon removes a file only once its stream settled with the addressee still there; until then it stays and
     * goes again after a drop (same stream id); it waits while the participant is not in the room. A file that cannot
     * be read or names no participant is logged, counted as refused and let go of.
     */
    private boolean forwardFiles() {
        boolean progress = false;
        for (dev.meshwire.peer.ipc.api.ServiceFileItem f : mesh.files()) {
            if (closed || !room.isConnected()) return progress;
            if (filesInRoom.containsKey(f.id())) continue;
            String identity = ParticipantText.identityOf(f.subpeer());
            byte[] content;
            try {
                if (identity == null || identity.isEmpty()) throw new java.io.IOException("it names no room participant (" + f.subpeer() + ")");
                if (!present.contains(identity)) continue; // waits in the daemon until she is in the room
                if (f.path() == null || f.size() > dev.meshwire.livekit.room.RoomConfig.MAX_FILE_BYTES) throw new java.io.IOException("it is not available");
                content = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(f.path()));
                if ((long) content.length != f.size()) throw new java.io.IOException("it has " + content.length + " bytes, not " + f.size());
            } catch (java.io.IOException | RuntimeException e) {
                refused.incrementAndGet();
                LOG.warn("file {} ({}) from {} for {} was not delivered: {}", f.name(), f.id(), f.from().name(), f.subpeer(), e.getMessage());
                mesh.fileDelivered(f.id());
                continue;
            }
            Long epoch = presenceEpoch.get(identity);
            CompletableFuture<Void> sent = room.sendFile(List.of(identity), config.topic(), content, f.id(), f.name());
            filesInRoom.put(f.id(), sent);
            progress = true;
            sent.whenComplete((v, t) -> {
                try {
                    if (t == null && java.util.Objects.equals(epoch, presenceEpoch.get(identity))) {
                        mesh.fileDelivered(f.id());
                        meshToRoom.incrementAndGet();
                        LOG.info("file {} ({} bytes) from {} delivered to {}", f.name(), f.size(), f.from().name(), identity);
                    }
                } catch (RuntimeException e) {
                    lastError = "letting go of a delivered file: " + e; // the daemon is away: it goes again (same stream id)
                } finally {
                    filesInRoom.remove(f.id());
                }
            });
        }
        return progress;
    }

    /** Room streams spooled as files: hands them to the daemon and lets go of the ended transfers ({@link RoomFiles}). */
    private boolean sendRoomFiles() {
        if (roomFiles == null) return false;
        RoomFiles.Round r = roomFiles.round(mesh);
        roomToMesh.addAndGet(r.sent());
        dropped.addAndGet(r.refused());
        return r.sent() + r.refused() > 0;
    }

    /**
     * One data packet when the payload fits LiveKit's packet limit, else one LiveKit text data stream (header,
     * chunks, trailer) whose stream id is the mesh message's client message id (docs/livekit.md "Large payloads").
     */
    private CompletableFuture<Void> roomSend(ParticipantText.Addressed to, String clientMessageId) {
        if (to.payload().length <= room.maxPayloadBytes()) {
            return room.send(List.of(to.identity()), config.topic(), to.payload(), clientMessageId);
        }
        String streamId = clientMessageId == null || clientMessageId.isEmpty() ? "lk-" + UUID.randomUUID() : clientMessageId;
        return room.sendStream(List.of(to.identity()), config.topic(), to.payload(), streamId, true, null);
    }

    /**
     * Publishes who is in the room as the service's sub-peers {@code lk:<identity>} when it changed, after every
     * (re-)join, and every {@link #PRESENCE_REFRESH_MS} unchanged (the daemon forgets a set its app stopped refreshing,
     * and a restarted daemon has none). A failure (the daemon away) is retried on the next round.
     */
    private void publishPresence() {
        long now = System.currentTimeMillis();
        if (!roomUp || !presenceDirty.get() && now - presencePublishedAt < PRESENCE_REFRESH_MS) return;
        presenceDirty.set(false);
        java.util.List<String> names = new java.util.ArrayList<>();
        for (String identity : present) {
            String n = ParticipantText.subpeerName(identity);
            if (n != null) names.add(n);
        }
        try {
            mesh.subpeers(names);
            presencePublishedAt = now;
        } catch (RuntimeException e) {
            presenceDirty.set(true);
            lastError = "publishing presence: " + e.getMessage();
            LOG.debug("publishing the room's participants failed: {}", e.getMessage());
        }
    }

    private void undeliverable(InboxItem item, String why) {
        refused.incrementAndGet();
        try {
            if (item.from() != null && item.from().pubkey() != null) {
                mesh.send(item.from().pubkey(), "[livekit side-car] not delivered: " + why, "lkr-" + digest(item.clientMessageId()));
            }
        } catch (RuntimeException e) {
            LOG.info("could not tell {} that its message was not delivered: {}", item.from(), e.getMessage());
        }
        mesh.consume(item.id());
    }

    private boolean pause(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
