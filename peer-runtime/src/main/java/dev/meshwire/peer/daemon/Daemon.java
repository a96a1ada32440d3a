package dev.meshwire.peer.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorError;
import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.CoordinatorUrls;
import dev.meshwire.peer.coordinator.LinkListener;
import dev.meshwire.peer.coordinator.LinkState;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.inbox.InboxMessage;
import dev.meshwire.peer.ipc.DaemonApi;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcServer;
import dev.meshwire.peer.ipc.IpcReply;
import dev.meshwire.peer.outbox.DrainWorker;
import dev.meshwire.peer.outbox.DurableOutbox;
import dev.meshwire.peer.outbox.Fingerprint;
import dev.meshwire.peer.outbox.Outbox;
import dev.meshwire.peer.outbox.OutboxStore;
import dev.meshwire.peer.outbox.SendRequest;
import dev.meshwire.peer.outbox.TargetResolver;
import dev.meshwire.peer.transport.CoordinatorRelayTransport;
import dev.meshwire.peer.transport.Transport;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.Names;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.invite.Invite;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer daemon: one per MESHWIRE_HOME. Wires the pieces a message passes through
 * (IPC → outbox → transport → coordinator link → inbound processor → inbox → events) and implements
 * the IPC operations. {@link #start} is the programmatic entry point used by {@code meshwire up},
 * the demo and tests.
 */
public final class Daemon implements RunningDaemon, DaemonApi {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    public static final String VERSION = "0.1.0";
    private static final long CONNECT_WAIT_MS = 15_000;

    private final MeshwireHome home;
    private final DaemonOptions options;
    private final DaemonLock lock;
    private final MeshStore store;
    private final EventBus events = new EventBus();
    private final Map<String, MeshSession> sessions = new ConcurrentSkipListMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final long startedAt = System.currentTimeMillis();
    private final HttpClient rest = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Vertx vertx;
    private Inbox inbox;
    private InboundProcessor inbound;
    private Transport transport;
    private OutboxStore outboxStore;
    private DrainWorker drain;
    private Outbox outbox;
    private java.util.concurrent.ScheduledExecutorService housekeeping;
    private IpcServer ipc;
    private String token;
    private int port;

    private Daemon(MeshwireHome home, DaemonOptions options, DaemonLock lock) {
        this.home = home;
        this.options = options;
        this.lock = lock;
        this.store = new MeshStore(home);
    }

    /**
     * Starts a daemon for {@code options.home()}: takes the home's lock, opens the inbox, connects
     * every joined mesh (without waiting), binds IPC on 127.0.0.1 and writes {@code daemon/port} and
     * {@code daemon/token}. Returns once IPC answers.
     *
     * @throws PeerException if another daemon holds the home, or something cannot be opened
     */
    public static Daemon start(DaemonOptions options) {
        MeshwireHome home = MeshwireHome.at(options.home()).ensureLayout();
        DaemonLock lock = DaemonLock.acquire(home);
        Daemon d = new Daemon(home, options, lock);
        try {
            d.boot();
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private void boot() {
        Sodium.get(); // load libsodium up front: 150-250 ms we do not want in the first message
        inbox = new Inbox(home.inboxDb());
        pruneInbox(); // retention, once at start and then hourly
        if (options.holdAcks()) log.warn("TEST HOOK MESHWIRE_TEST_HOLD_ACKS is on: deliveries are stored but never acked");
        inbound = new InboundProcessor(inbox, events, options.holdAcks());
        outboxStore = new OutboxStore(home.outboxDb());
        int recovered = outboxStore.recoverInflight(System.currentTimeMillis());
        if (recovered > 0) log.info("outbox: {} copies were in flight when the daemon stopped; they are pending again", recovered);
        vertx = Vertx.vertx();
        transport = new CoordinatorRelayTransport();
        drain = new DrainWorker(outboxStore, transport, sessions::values, options.drainWindow(), options.outboxMaxAge(),
                System::currentTimeMillis);
        outbox = new DurableOutbox(this::select, outboxStore, drain::wake, System::currentTimeMillis);
        housekeeping = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "meshwire-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleAtFixedRate(this::pruneInbox, 1, 1, TimeUnit.HOURS);
        drain.start();
        for (MeshConfig cfg : store.list()) {
            try {
                MeshStore.JoinedMesh jm = store.load(cfg);
                openSession(cfg, jm.identity(), null).start();
            } catch (RuntimeException e) {
                log.error("cannot open mesh {}: {}", cfg.name(), e.getMessage());
            }
        }
        token = Base64.getUrlEncoder().withoutPadding().encodeToString(Sodium.randomBytes(32));
        MeshwireHome.writePrivate(home.tokenFile(), token);
        ipc = new IpcServer(vertx, token, this, events);
        port = ipc.start();
        // The port file is written last: its presence means "IPC is ready".
        MeshwireHome.writePrivate(home.portFile(), Integer.toString(port));
        log.info("daemon up: home {} ipc 127.0.0.1:{} meshes {}", home.root(), port, sessions.keySet());
    }

    /** Creates the link and registers the session; the caller starts the link. */
    private CoordinatorLink openSession(MeshConfig cfg, Identity identity, Invite joinInvite) {
        AtomicReference<MeshSession> holder = new AtomicReference<>();
        CoordinatorLink link = new CoordinatorLink(vertx, cfg.coordinator(), cfg.meshId(), identity, joinInvite,
                cfg.displayName(), options.link(), new LinkListener() {
            @Override
            public void onDeliver(CoordinatorLink l, Frames.Deliver d) {
                MeshSession s = holder.get();
                if (s == null) return;
                // JDBC and the roster refresh block: off the event loop, in order per mesh.
                vertx.executeBlocking(() -> {
                    inbound.process(s, d, CoordinatorRelayTransport.PATH);
                    return null;
                }, true);
            }

            @Override
            public void onPeerJoined(CoordinatorLink l, Frames.PeerInfo p) {
                saveRoster(cfg.name(), l);
                events.publish(new DaemonEvent(DaemonEvent.PEER_JOINED,
                        IpcClient.map("mesh", cfg.name(), "name", p.name(), "pubkey", p.pubkey(), "role", p.role())));
            }

            @Override
            public void onPeerLeft(CoordinatorLink l, Frames.PeerLeft p) {
                events.publish(new DaemonEvent(DaemonEvent.PEER_LEFT,
                        IpcClient.map("mesh", cfg.name(), "name", p.name(), "pubkey", p.pubkey(), "reason", p.reason())));
            }

            @Override
            public void onState(CoordinatorLink l, LinkState state, String detail) {
                if (state == LinkState.CONNECTED && l.meshId() != null) drain.linkConnected(l.meshId());
                if (state == LinkState.CONNECTED) saveRoster(cfg.name(), l);
                events.publish(new DaemonEvent(DaemonEvent.LINK,
                        IpcClient.map("mesh", cfg.name(), "state", state.wireName(), "detail", detail)));
            }
        });
        if (joinInvite == null) link.seedRoster(store.loadRoster(cfg.name()));
        MeshSession s = new MeshSession(cfg, identity, new BoxCipher(identity), link);
        holder.set(s);
        if (joinInvite == null) sessions.put(cfg.name(), s);
        return link;
    }

    /** Mesh selection: the named one, else the only one, else a clear refusal. */
    MeshSession select(String meshName) {
        if (meshName != null && !meshName.isBlank()) {
            MeshSession s = sessions.get(meshName);
            if (s == null) {
                throw new PeerException(PeerException.UNKNOWN_MESH, "no joined mesh named '" + meshName + "'; joined: "
                        + (sessions.isEmpty() ? "(none)" : String.join(", ", sessions.keySet())), List.copyOf(sessions.keySet()));
            }
            return s;
        }
        if (sessions.isEmpty()) {
            throw new PeerException(PeerException.NO_MESHES,
                    "no meshes joined yet; run 'meshwire mesh create' or 'meshwire join <invite>' first");
        }
        if (sessions.size() > 1) {
            throw new PeerException(PeerException.MESH_REQUIRED, "several meshes are joined (" + String.join(", ", sessions.keySet())
                    + "); choose one with --mesh", List.copyOf(sessions.keySet()));
        }
        return sessions.values().iterator().next();
    }

    // ---- RunningDaemon ----

    @Override public int ipcPort() { return port; }
    @Override public String token() { return token; }
    @Override public MeshwireHome home() { return home; }
    @Override public IpcClient client() { return new IpcClient(port, token); }
    public EventBus events() { return events; }
    public InboundProcessor inbound() { return inbound; }
    /** The durable outbox store (tests put rows into given states through it). */
    public OutboxStore outboxStore() { return outboxStore; }
    public DrainWorker drain() { return drain; }
    /** A joined mesh's live session, or null. */
    public MeshSession session(String meshName) { return sessions.get(meshName); }

    /** Caches the member list off the event loop (names resolve after a restart without the coordinator). */
    private void saveRoster(String meshName, CoordinatorLink l) {
        var snapshot = l.roster();
        vertx.executeBlocking(() -> {
            try {
                store.saveRoster(meshName, snapshot);
            } catch (RuntimeException e) {
                log.debug("cannot cache the roster of {}: {}", meshName, e.getMessage());
            }
            return null;
        }, false);
    }

    private void pruneInbox() {
        try {
            int n = inbox.pruneBefore(System.currentTimeMillis() - options.inboxRetention().toMillis());
            if (n > 0) log.info("inbox: pruned {} messages older than {} days", n, options.inboxRetention().toDays());
        } catch (RuntimeException e) {
            log.warn("inbox prune failed: {}", e.getMessage());
        }
    }

    @Override
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            if (ipc != null) ipc.close();
            if (housekeeping != null) housekeeping.shutdownNow();
            // Stop claiming first; sends still outstanding stay inflight and are recovered at the next start.
            if (drain != null) drain.close();
            for (MeshSession s : sessions.values()) s.link().close();
            if (vertx != null) {
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    log.debug("vertx close: {}", e.toString());
                }
            }
            if (outboxStore != null) outboxStore.close();
            if (inbox != null) inbox.close();
        } finally {
            lock.close();
            stopped.countDown();
            log.info("daemon stopped");
        }
    }

    // ---- DaemonApi ----

    @Override
    public Map<String, Object> health() {
        return IpcClient.map("ok", true, "pid", ProcessHandle.current().pid(), "version", VERSION,
                "uptimeMs", System.currentTimeMillis() - startedAt);
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> daemon = IpcClient.map("pid", ProcessHandle.current().pid(), "version", VERSION,
                "startedAt", startedAt, "uptimeMs", System.currentTimeMillis() - startedAt, "home", home.root().toString(),
                "ipcPort", port, "received", inbound.accepted(), "duplicates", inbound.duplicates(), "refused", inbound.refused(),
                "acks", inbound.acks(), "holdAcks", inbound.holdingAcks() ? true : null,
                "outbox", IpcClient.map("states", outboxStore.counts(), "outstanding", drain.outstanding(), "sent", drain.sent(),
                        "done", drain.doneCount(), "retried", drain.retriedCount(), "dead", drain.deadCount()),
                "unread", inbox.unreadCount(null));
        List<Object> meshes = new ArrayList<>();
        for (MeshSession s : sessions.values()) meshes.add(meshJson(s));
        return IpcClient.map("daemon", daemon, "meshes", meshes);
    }

    private static Map<String, Object> meshJson(MeshSession s) {
        CoordinatorLink l = s.link();
        long online = l.roster().stream().filter(p -> p.online() && !p.pubkey().equals(s.selfPubkey())).count();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("meshId", s.config().meshId());
        m.put("coordinator", s.config().coordinator());
        m.put("state", l.state().wireName());
        m.put("connected", l.connected());
        m.put("displayName", s.config().displayName());
        m.put("pubkey", s.selfPubkey());
        m.put("role", s.config().role());
        m.put("onlinePeers", online);
        m.put("members", l.roster().size());
        m.put("lastError", l.lastError());
        return m;
    }

    @Override
    public Map<String, Object> createMesh(String name, String coordinator, String displayName, String adminToken) {
        String bad = Names.checkMeshName(name);
        if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
        String display = displayName == null ? defaultDisplayName() : displayName;
        bad = Names.checkDisplayName(display);
        if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
        if (coordinator == null) throw new PeerException(PeerException.BAD_REQUEST, "a coordinator URL is required (--coordinator)");
        String wsBase = CoordinatorUrls.wsBase(coordinator);
        if (sessions.containsKey(name) || store.exists(name)) {
            throw new PeerException(PeerException.MESH_EXISTS, "a mesh named '" + name + "' is already joined here");
        }
        Identity id = Identity.generate();
        long now = System.currentTimeMillis();
        Map<String, Object> body = IpcClient.map("name", name, "ownerPubkey", id.publicKeyHex(), "ownerName", display,
                "createdAt", now, "signature", id.signHex(Canonical.meshCreate(name, id.publicKeyHex(), display, now)));
        JsonNode answer = postRest(CoordinatorUrls.httpBase(coordinator) + "/v1/meshes", adminToken, body);
        String meshId = answer.path("mesh").asText(null);
        if (meshId == null) throw new PeerException(PeerException.COORDINATOR_REFUSED, "coordinator answer has no mesh id");
        String coordUrl = answer.hasNonNull("coordinator") ? CoordinatorUrls.wsBase(answer.get("coordinator").asText()) : wsBase;
        MeshConfig cfg = new MeshConfig(meshId, name, coordUrl, display, "owner", id.publicKeyHex(), now);
        store.save(cfg, id);
        CoordinatorLink link = openSession(cfg, id, null);
        String warning = null;
        try {
            waitFor(link.start(), CONNECT_WAIT_MS);
        } catch (PeerException e) {
            warning = "mesh created but not connected yet: " + e.getMessage();
        }
        Invite inv = Invite.create(id, coordUrl, meshId, name, now + 24 * 3600_000L, 1);
        return IpcClient.map("mesh", meshJson(sessions.get(name)), "invite", inv.encode(), "inviteExpiresAt", inv.expiresAt(),
                "inviteUses", inv.maxUses(), "warning", warning);
    }

    private JsonNode postRest(String url, String adminToken, Map<String, Object> body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
            if (adminToken != null && !adminToken.isBlank()) b.header("Authorization", "Bearer " + adminToken.trim());
            HttpResponse<String> res = rest.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = Json.MAPPER.readTree(res.body());
            } catch (IOException e) {
                json = Json.MAPPER.createObjectNode();
            }
            if (res.statusCode() / 100 != 2) {
                String msg = json == null ? null : json.path("error").path("message").asText(null);
                String code = json == null ? null : json.path("error").path("code").asText(null);
                throw new PeerException(PeerException.COORDINATOR_REFUSED, "coordinator refused to create the mesh (HTTP "
                        + res.statusCode() + (code != null ? " " + code : "") + ")" + (msg != null ? ": " + msg : ""));
            }
            return json == null ? Json.MAPPER.createObjectNode() : json;
        } catch (IOException e) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "cannot reach the coordinator at " + url + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.INTERNAL, "interrupted");
        }
    }

    @Override
    public Map<String, Object> join(String inviteText, String displayName) {
        Invite inv;
        try {
            inv = Invite.decode(inviteText);
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.INVITE_INVALID, e.getMessage());
        }
        if (!inv.signatureValid()) throw new PeerException(PeerException.INVITE_INVALID, "invite signature is not valid");
        if (inv.expiresAt() < System.currentTimeMillis()) throw new PeerException(PeerException.INVITE_INVALID, "invite has expired");
        String display = displayName == null ? defaultDisplayName() : displayName;
        String bad = Names.checkDisplayName(display);
        if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
        String meshName = inv.meshName() != null && Names.checkMeshName(inv.meshName()) == null ? inv.meshName()
                : "mesh-" + inv.mesh().substring(0, Math.min(8, inv.mesh().length())).toLowerCase();
        if (sessions.containsKey(meshName) || store.exists(meshName)) {
            throw new PeerException(PeerException.MESH_EXISTS, "a mesh named '" + meshName + "' is already joined here");
        }
        Identity id = Identity.generate();
        String coord = CoordinatorUrls.wsBase(inv.coordinator());
        MeshConfig draft = new MeshConfig(inv.mesh(), meshName, coord, display, "member", id.publicKeyHex(), System.currentTimeMillis());
        CoordinatorLink link = openSession(draft, id, inv);
        Frames.HelloAck ack;
        try {
            ack = waitFor(link.start(), CONNECT_WAIT_MS);
        } catch (PeerException e) {
            link.close();
            throw e;
        }
        String role = ack.self() != null && ack.self().role() != null ? ack.self().role() : "member";
        MeshConfig cfg = new MeshConfig(ack.mesh() != null ? ack.mesh() : inv.mesh(), meshName, coord, display, role,
                id.publicKeyHex(), draft.joinedAt());
        store.save(cfg, id);
        // The link is already connected and now says hello on reconnect; register it under its record.
        MeshSession s = new MeshSession(cfg, id, new BoxCipher(id), link);
        registerJoined(s, link);
        saveRoster(meshName, link);
        return IpcClient.map("mesh", meshJson(s));
    }

    private void registerJoined(MeshSession s, CoordinatorLink link) {
        // openSession's listener holds a session built from the draft config; it is equivalent for
        // delivery (same identity, mesh id and name), so only the lookup map needs the final record.
        sessions.put(s.name(), s);
    }

    /** Waits for a link future, translating failures into user-facing refusals. */
    private static <T> T waitFor(CompletableFuture<T> f, long ms) {
        try {
            return f.get(ms, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "the coordinator did not answer within " + ms / 1000 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.INTERNAL, "interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof CoordinatorError ce) {
                String code = ce.code() != null && ce.code().startsWith("invite") ? PeerException.INVITE_INVALID
                        : PeerException.COORDINATOR_REFUSED;
                throw new PeerException(code, "coordinator refused: " + ce.getMessage());
            }
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, c == null ? e.toString() : c.getMessage());
        }
    }

    @Override
    public Map<String, Object> invite(String mesh, int uses, long expiresInMs) {
        MeshSession s = select(mesh);
        if (uses < 1 || uses > 1000) throw new PeerException(PeerException.BAD_REQUEST, "uses must be between 1 and 1000");
        if (expiresInMs < 60_000 || expiresInMs > 30L * 24 * 3600_000) {
            throw new PeerException(PeerException.BAD_REQUEST, "expiry must be between 1 minute and 30 days");
        }
        Invite inv = Invite.create(s.identity(), s.config().coordinator(), s.config().meshId(), s.name(),
                System.currentTimeMillis() + expiresInMs, uses);
        return IpcClient.map("mesh", s.name(), "invite", inv.encode(), "expiresAt", inv.expiresAt(), "maxUses", uses);
    }

    @Override
    public Map<String, Object> peers(String mesh) {
        MeshSession s = select(mesh);
        List<Frames.PeerInfo> roster = new ArrayList<>(s.link().roster());
        if (s.link().connected()) {
            try {
                String id = s.link().nextId();
                Frame f = s.link().request(id, new Frames.ListPeers(id)).get(10, TimeUnit.SECONDS);
                if (f instanceof Frames.Peers p && p.peers() != null) roster = new ArrayList<>(s.link().roster());
            } catch (Exception e) {
                log.debug("list_peers failed, showing cached roster: {}", e.toString());
            }
        }
        roster.sort(Comparator.comparing((Frames.PeerInfo p) -> !p.online()).thenComparing(p -> p.name() == null ? "" : p.name()));
        List<Object> peers = new ArrayList<>();
        for (Frames.PeerInfo p : roster) {
            peers.add(IpcClient.map("name", p.name(), "pubkey", p.pubkey(), "role", p.role(), "online", p.online(),
                    "self", p.pubkey().equals(s.selfPubkey()), "connectedSince", p.connectedSince(),
                    "path", p.online() && !p.pubkey().equals(s.selfPubkey()) ? CoordinatorRelayTransport.PATH : null));
        }
        return IpcClient.map("mesh", s.name(), "connected", s.link().connected(), "state", s.link().state().wireName(), "peers", peers);
    }

    @Override
    public IpcReply send(String mesh, String to, String message, String priority, String clientMessageId, String replyToId,
                         JsonNode meta) {
        Priority p;
        try {
            p = priority == null ? Priority.NEXT : Priority.fromWire(priority);
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, e.getMessage());
        }
        Outbox.Accepted a = outbox.accept(new SendRequest(mesh, to, message, p, clientMessageId, replyToId, meta));
        return new IpcReply(a.status(), a.body());
    }

    @Override
    public Map<String, Object> message(String clientMessageId) {
        if (clientMessageId == null || clientMessageId.isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "no message id given");
        OutboxStore.Request r = outboxStore.find(clientMessageId);
        if (r == null) {
            throw new PeerException(PeerException.UNKNOWN_MESSAGE, "no message with id '" + clientMessageId + "' in the outbox");
        }
        return requestJson(r);
    }

    /** The JSON of an outbox row (docs/ipc.md, GET /v1/messages/{id}). */
    static Map<String, Object> requestJson(OutboxStore.Request r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("clientMessageId", r.clientMessageId());
        m.put("mesh", r.meshName());
        m.put("state", r.state().wire());
        m.put("attempts", r.attempts());
        m.put("lastError", r.lastError());
        m.put("channel", r.channel());
        m.put("priority", r.priority());
        m.put("destination", IpcClient.map("kind", r.destinationKind(), "ref", r.destinationRef()));
        m.put("replyToId", r.replyToId());
        m.put("fingerprintPrefix", Fingerprint.prefix(r.fingerprint()));
        m.put("messageId", r.messageId());
        m.put("createdAt", r.createdAt());
        m.put("updatedAt", r.updatedAt());
        m.put("nextAttemptAt", r.state() == OutboxStore.State.PENDING ? r.nextAttemptAt() : null);
        m.put("doneAt", r.doneAt());
        m.put("abortedAt", r.abortedAt());
        m.put("abortedBy", r.abortedBy());
        m.put("supersededBy", r.supersededBy());
        m.put("requeuedFrom", r.requeuedFrom());
        List<Object> copies = new ArrayList<>();
        for (OutboxStore.Copy c : r.copies()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", c.recipientName());
            x.put("pubkey", c.recipientPubkey());
            x.put("state", c.state().wire());
            x.put("attempts", c.attempts());
            x.put("lastError", c.lastError());
            x.put("messageId", c.messageId());
            x.put("ackStatus", c.ackStatus());
            x.put("nextAttemptAt", c.state() == OutboxStore.State.PENDING ? c.nextAttemptAt() : null);
            x.put("doneAt", c.doneAt());
            copies.add(x);
        }
        m.put("recipients", copies);
        return m;
    }

    @Override
    public Map<String, Object> outbox(List<String> states, int limit) {
        if (limit < 1 || limit > 10_000) throw new PeerException(PeerException.BAD_REQUEST, "limit must be between 1 and 10000");
        List<OutboxStore.State> filter = new ArrayList<>();
        for (String st : states) {
            try {
                filter.add(OutboxStore.State.of(st.trim()));
            } catch (IllegalArgumentException e) {
                throw new PeerException(PeerException.BAD_REQUEST, "unknown outbox state '" + st + "' (pending, inflight, done, dead, aborted)");
            }
        }
        List<Object> items = new ArrayList<>();
        for (OutboxStore.Request r : outboxStore.list(filter, limit)) items.add(requestJson(r));
        return IpcClient.map("counts", outboxStore.counts(), "items", items);
    }

    @Override
    public Map<String, Object> requeue(String clientMessageId, String newClientMessageId) {
        if (clientMessageId == null || clientMessageId.isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "no message id given");
        OutboxStore.Request old = outboxStore.find(clientMessageId);
        if (old == null) {
            throw new PeerException(PeerException.UNKNOWN_MESSAGE, "no message with id '" + clientMessageId + "' in the outbox");
        }
        if (old.state() != OutboxStore.State.DEAD && old.state() != OutboxStore.State.PENDING) {
            throw new PeerException(PeerException.NOT_REQUEUEABLE, "only dead or pending messages can be requeued; '"
                    + clientMessageId + "' is " + old.state().wire());
        }
        MeshSession s = sessions.values().stream().filter(x -> x.config().meshId().equals(old.meshId())).findFirst()
                .orElseThrow(() -> new PeerException(PeerException.UNKNOWN_MESH, "mesh '" + old.meshName() + "' is no longer joined"));
        String newId = newClientMessageId == null || newClientMessageId.isBlank() ? java.util.UUID.randomUUID().toString()
                : newClientMessageId;
        DurableOutbox.checkClientId(newId);
        // The plaintext is not stored: open our own sealed copy (crypto_box keys are symmetric).
        byte[] plain;
        List<Frames.PeerInfo> recipients = new ArrayList<>();
        try {
            OutboxStore.Copy first = old.copies().get(0);
            dev.meshwire.signaling.envelope.Envelope env = Json.MAPPER.readValue(first.envelopeJson(),
                    dev.meshwire.signaling.envelope.Envelope.class);
            Base64.Decoder b64 = Base64.getDecoder();
            plain = s.cipher().open(dev.meshwire.signaling.crypto.PublicKey.fromHex(first.recipientPubkey()),
                    b64.decode(env.body().nonce()), b64.decode(env.body().ciphertext()));
        } catch (IOException | RuntimeException e) {
            throw new PeerException(PeerException.INTERNAL, "cannot recover the content of '" + clientMessageId + "': " + e.getMessage());
        }
        for (OutboxStore.Copy c : old.copies()) recipients.add(new Frames.PeerInfo(c.recipientPubkey(), c.recipientName(), "member", false, null, null));
        JsonNode meta;
        try {
            meta = old.metaJson() == null ? null : Json.MAPPER.readTree(old.metaJson());
        } catch (IOException e) {
            throw new PeerException(PeerException.INTERNAL, "stored meta is unreadable: " + e.getMessage());
        }
        boolean fanOut = "group".equals(old.destinationKind());
        long now = System.currentTimeMillis();
        var copies = DurableOutbox.seal(s, recipients, fanOut, newId, Priority.fromWire(old.priority()), old.replyToId(), meta, plain, now);
        // Same content, same fingerprint: it does not cover the client id.
        OutboxStore.NewRequest fresh = new OutboxStore.NewRequest(newId, old.meshId(), old.meshName(), old.destinationKind(),
                old.destinationRef(), old.channel(), old.priority(), old.replyToId(), old.metaJson(), old.fingerprint(), copies,
                clientMessageId);
        OutboxStore.Request row = outboxStore.requeue(clientMessageId, fresh, "operator", now);
        drain.wake();
        return IpcClient.map("abortedClientMessageId", clientMessageId, "clientMessageId", newId, "message", requestJson(row));
    }

    @Override
    public Map<String, Object> inbox(String mesh, int limit, boolean unreadOnly, boolean peek) {
        if (mesh != null && !mesh.isBlank() && !sessions.containsKey(mesh)) select(mesh); // throws unknown_mesh
        if (limit < 1 || limit > 10_000) throw new PeerException(PeerException.BAD_REQUEST, "limit must be between 1 and 10000");
        List<Object> out = new ArrayList<>();
        for (InboxMessage m : inbox.list(mesh == null || mesh.isBlank() ? null : mesh, limit, unreadOnly, !peek)) {
            out.add(InboundProcessor.messageJson(m));
        }
        return IpcClient.map("messages", out, "unread", inbox.unreadCount(mesh == null || mesh.isBlank() ? null : mesh));
    }

    @Override
    public Map<String, Object> inboxFlush(String mesh, boolean all) {
        if (mesh != null && !mesh.isBlank() && !sessions.containsKey(mesh)) select(mesh);
        int n = inbox.flush(mesh == null || mesh.isBlank() ? null : mesh, all);
        return IpcClient.map("deleted", n, "all", all);
    }

    @Override
    public Map<String, Object> inboxDelete(long id) {
        if (!inbox.delete(id)) throw new PeerException(PeerException.UNKNOWN_INBOX_MESSAGE, "no inbox message with id " + id);
        return IpcClient.map("deleted", 1, "id", id);
    }

    @Override
    public Map<String, Object> moderate(String op, String mesh, String peer) {
        MeshSession s = select(mesh);
        if (!s.link().connected()) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "not connected to the coordinator of mesh '"
                    + s.name() + "' (" + s.link().describeState() + ")");
        }
        Frames.PeerInfo target;
        if (op.equals("unban")) {
            // Banned members are not in the roster: resolve among the ban list.
            List<Frames.PeerInfo> banned = new ArrayList<>();
            for (Frames.BanInfo b : fetchBans(s)) banned.add(new Frames.PeerInfo(b.pubkey(), b.name(), "member", false, null, null));
            target = TargetResolver.resolveOne(peer, banned, s.selfPubkey(), false);
        } else {
            target = TargetResolver.resolveOne(peer, s.link().roster(), s.selfPubkey(), false);
            if (target.pubkey().equals(s.selfPubkey())) {
                throw new PeerException(PeerException.BAD_REQUEST, "refusing to " + op + " yourself");
            }
        }
        String id = s.link().nextId();
        Frame req = switch (op) {
            case "kick" -> new Frames.Kick(id, target.pubkey());
            case "ban" -> new Frames.Ban(id, target.pubkey());
            case "unban" -> new Frames.Unban(id, target.pubkey());
            default -> throw new PeerException(PeerException.BAD_REQUEST, "unknown operation " + op);
        };
        Frame answer = requestOrThrow(s, id, req);
        String detail = answer instanceof Frames.Ok ok ? ok.detail() : null;
        return IpcClient.map("mesh", s.name(), "op", op, "name", target.name(), "pubkey", target.pubkey(), "detail", detail);
    }

    private List<Frames.BanInfo> fetchBans(MeshSession s) {
        String id = s.link().nextId();
        Frame f = requestOrThrow(s, id, new Frames.ListBans(id));
        return f instanceof Frames.Bans b && b.bans() != null ? b.bans() : List.of();
    }

    private static Frame requestOrThrow(MeshSession s, String id, Frame req) {
        try {
            return s.link().request(id, req).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CoordinatorError ce) {
                String hint = ErrorCode.NOT_OWNER.equals(ce.code()) ? " (only the mesh owner can do this)" : "";
                throw new PeerException(PeerException.COORDINATOR_REFUSED, "coordinator refused: " + ce.getMessage() + hint);
            }
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, String.valueOf(e.getCause().getMessage()));
        } catch (TimeoutException e) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "the coordinator did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.INTERNAL, "interrupted");
        }
    }

    @Override
    public Map<String, Object> bans(String mesh) {
        MeshSession s = select(mesh);
        List<Object> out = new ArrayList<>();
        for (Frames.BanInfo b : fetchBans(s)) out.add(IpcClient.map("name", b.name(), "pubkey", b.pubkey(), "bannedAt", b.bannedAt()));
        return IpcClient.map("mesh", s.name(), "bans", out);
    }

    @Override
    public Map<String, Object> reconnect(String mesh) {
        MeshSession old = select(mesh);
        old.link().close();
        CoordinatorLink link = openSession(old.config(), old.identity(), null);
        try {
            waitFor(link.start(), CONNECT_WAIT_MS);
        } catch (PeerException e) {
            // The link keeps retrying unless the refusal was terminal; report the first failure as is.
            throw new PeerException(e.code(), "reconnect failed: " + e.getMessage());
        }
        MeshSession now = sessions.get(old.name());
        return IpcClient.map("mesh", meshJson(now));
    }

    @Override
    public void shutdown() {
        // Not on the event loop: close() waits for Vert.x to stop.
        Thread t = new Thread(this::close, "meshwire-shutdown");
        t.setDaemon(false);
        t.start();
    }

    /** The host name reduced to a valid display name ("peer" if nothing usable remains). */
    public static String defaultDisplayName() {
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            h = System.getenv().getOrDefault("HOSTNAME", "peer");
        }
        String s = h.split("\\.")[0].replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (s.length() > 32) s = s.substring(0, 32);
        return s.isEmpty() ? "peer" : s;
    }
}
