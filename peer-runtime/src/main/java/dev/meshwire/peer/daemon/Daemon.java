package dev.meshwire.peer.daemon;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.inbox.InboxEndpoints;
import dev.meshwire.peer.inbox.InboxRetention;
import dev.meshwire.peer.ipc.CliApi;
import dev.meshwire.peer.ipc.DaemonApi;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.MemberRemovedEvent;
import dev.meshwire.peer.ipc.EventStreams;
import dev.meshwire.peer.ipc.IpcServer;
import dev.meshwire.peer.mesh.MeshConnector;
import dev.meshwire.peer.mesh.Membership;
import dev.meshwire.peer.mesh.MeshDeparture;
import dev.meshwire.peer.mesh.Moderation;
import dev.meshwire.peer.mesh.GrantOps;
import dev.meshwire.peer.mesh.GroupOps;
import dev.meshwire.peer.topic.TopicInbox;
import dev.meshwire.peer.topic.TopicKeeper;
import dev.meshwire.peer.topic.TopicKeyring;
import dev.meshwire.peer.topic.TopicOps;
import dev.meshwire.peer.topic.TopicReceiver;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.peer.mesh.MeshStateOps;
import dev.meshwire.peer.mesh.ServiceOps;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.meshstate.MeshStates;
import dev.meshwire.peer.outbox.DrainWorker;
import dev.meshwire.peer.outbox.DurableOutbox;
import dev.meshwire.peer.outbox.Outbox;
import dev.meshwire.peer.outbox.OutboxEndpoints;
import dev.meshwire.peer.outbox.OutboxStore;
import dev.meshwire.peer.outbox.ReceiptRecorder;
import dev.meshwire.peer.outbox.SealedEnvelopes;
import dev.meshwire.peer.rpc.RpcCallee;
import dev.meshwire.peer.rpc.RpcCaller;
import dev.meshwire.peer.rpc.RpcEndpoints;
import dev.meshwire.peer.rpc.RpcHandlers;
import dev.meshwire.peer.rpc.RpcOutbox;
import dev.meshwire.peer.rpc.RpcReceiver;
import dev.meshwire.peer.rpc.RpcStore;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.peer.p2p.NativeWebRtc;
import dev.meshwire.peer.p2p.P2pMetrics;
import dev.meshwire.peer.p2p.P2pSettings;
import dev.meshwire.peer.transport.CoordinatorRelayTransport;
import dev.meshwire.peer.transport.DirectTransport;
import dev.meshwire.peer.transport.PickTransport;
import dev.meshwire.peer.transport.Transport;
import dev.meshwire.peer.stream.FileService;
import dev.meshwire.peer.stream.FileSettings;
import dev.meshwire.peer.stream.TransferStore;
import dev.meshwire.signaling.crypto.Sodium;
import io.vertx.core.Vertx;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer daemon: one per MESHWIRE_HOME. Owns and wires the pieces a message passes through
 * (IPC → outbox → transport → coordinator link → inbound processor → inbox → events), starts them
 * in dependency order and closes them in reverse. The IPC operations live with their capability
 * (peer.mesh, peer.outbox, peer.inbox, {@link DaemonControl}). {@link #start} is the programmatic
 * entry point used by {@code meshwire up}, the demo and tests.
 */
public final class Daemon implements RunningDaemon {
    private static final Logger log = LoggerFactory.getLogger(Daemon.class);
    public static final String VERSION = "0.1.0";

    private final MeshwireHome home;
    private final DaemonOptions options;
    private final DaemonLock lock;
    private final MeshStore store;
    private final EventBus events = new EventBus();
    private final JoinedMeshes meshes = new JoinedMeshes();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private final long startedAt = System.currentTimeMillis();
    private Vertx vertx;
    private Inbox inbox;
    private InboxRetention retention;
    private InboundProcessor inbound;
    private OutboxStore outboxStore;
    private DrainWorker drain;
    private RpcStore rpcStore;
    private RpcCallee rpcCallee;
    private DirectRegistry direct;
    private MeshStates states;
    private ExecutorService directInbound;
    private TransferStore transfers;
    private FileService files;
    /** The expiry tick's timer, cancelled first at close (else it fires into a closing worker pool). */
    private volatile long stateTick = -1;
    private volatile long topicTick = -1;
    private TopicKeyring topicKeyring;
    private TopicKeeper topicKeeper;
    private IpcServer ipc;
    private dev.meshwire.peer.session.SessionRegistry sessions;
    private dev.meshwire.peer.service.DelegatedServices services;
    private dev.meshwire.peer.sidecar.Sidecars sidecars;
    private final CliApi cli;
    private String token;
    private int port;

    private Daemon(MeshwireHome home, DaemonOptions options, DaemonLock lock, CliApi cli) {
        this.cli = cli;
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
        return start(options, CliApi.NONE);
    }

    /**
     * As {@link #start(DaemonOptions)}, with {@code cli} answering {@code POST /v1/cli} (the CLI passes its forwarded-verb
     * runner when it starts the daemon; see docs/ipc.md).
     */
    public static Daemon start(DaemonOptions options, CliApi cli) {
        MeshwireHome home = MeshwireHome.at(options.home()).ensureLayout();
        DaemonLock lock = DaemonLock.acquire(home);
        Daemon d = new Daemon(home, options, lock, cli);
        try {
            d.boot();
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private void boot() {
        // The log (written by the launcher's redirect) may predate 0600 homes: tighten it too.
        if (java.nio.file.Files.exists(home.logFile())) MeshwireHome.touchPrivate(home.logFile());
        Sodium.get(); // load libsodium up front: 150-250 ms we do not want in the first message
        inbox = new Inbox(home.inboxDb());
        retention = new InboxRetention(inbox, options.inboxRetention());
        retention.pruneNow();
        if (options.holdAcks()) log.warn("TEST HOOK MESHWIRE_TEST_HOLD_ACKS is on: deliveries are stored but never acked");
        inbound = new InboundProcessor(inbox, events, options.holdAcks());
        transfers = new TransferStore(home.daemonDir().resolve("files.db"));
        outboxStore = new OutboxStore(home.outboxDb());
        int recovered = outboxStore.recoverInflight(System.currentTimeMillis());
        if (recovered > 0) log.info("outbox: {} copies were in flight when the daemon stopped; they are pending again", recovered);
        vertx = Vertx.vertx();
        P2pSettings p2p = options.p2p();
        directInbound = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "meshwire-direct-inbound");
            t.setDaemon(true);
            return t;
        });
        // Checks the native WebRTC library now (unless p2p = off): one log line naming the package if missing.
        direct = new DirectRegistry(p2p, NativeWebRtc.get(), new P2pMetrics(),
                (mesh, peer, env, path) -> CompletableFuture.supplyAsync(() -> inbound.processDirectAsync(mesh, env, peer, path), directInbound)
                        .thenCompose(f -> f));
        Transport relayTransport = new CoordinatorRelayTransport();
        Transport directTransport = new DirectTransport(direct, p2p.directTimeout());
        PickTransport transport = new PickTransport(relayTransport, directTransport, direct);
        SealedEnvelopes sealed = new SealedEnvelopes();
        drain = new DrainWorker(outboxStore, transport, meshes::all, options.drainWindow(), options.outboxMaxAge(),
                System::currentTimeMillis, sealed);
        direct.onChannelOpen(drain::linkConnected); // direct-only copies waiting for this channel go now, not at their backoff
        Outbox outbox = new DurableOutbox(meshes::select, outboxStore, drain::wake, System::currentTimeMillis,
                options.maxMessageBytes(), direct::whyNoDirect, sealed);
        // Files: the stream channel's receiver, registered before any mesh connects (docs/protocol.md §12.4).
        files = new FileService(transfers, meshes, transport, relayTransport, directTransport, direct, events, inbox,
                options.files() != null ? options.files() : FileSettings.defaults(home.root()),
                (meshId, key) -> services == null ? null : services.heldAs(meshId, key), home.daemonDir().resolve("service-files"));
        inbound.register(dev.meshwire.signaling.envelope.Channel.STREAM, files);
        retention.scheduleHourly();
        // rpc (docs/channels.md "rpc"): requests and answers go through the durable outbox; registered before any link connects.
        rpcStore = new RpcStore(home.daemonDir().resolve("rpc.db"));
        RpcOutbox rpcOutbox = new RpcOutbox(outboxStore, drain::wake, System::currentTimeMillis);
        RpcHandlers rpcHandlers = new RpcHandlers();
        RpcCaller rpcCaller = new RpcCaller(meshes, rpcStore, rpcOutbox, System::currentTimeMillis);
        rpcCallee = new RpcCallee(meshes, rpcStore, rpcOutbox, rpcHandlers, System::currentTimeMillis);
        inbound.register(Channel.RPC, new RpcReceiver(rpcCaller, rpcCallee));
        drain.start();
        // The replicated mesh state: the one owner of membership. A key that stops being active (ban,
        // revocation, leave, expiry) loses its direct channels at once and watchers are told.
        states = new MeshStates(home.meshStateDb(), System::currentTimeMillis, (roster, pubkey, name, status, reason) -> {
            direct.peerGone(roster.replica().meshId(), pubkey, status);
            log.info("mesh {}: {} ({}) is no longer an active member: {}{}", roster.replica().meshName(), name,
                    pubkey.substring(0, 12), status, reason != null ? " (" + reason + ")" : "");
            events.publish(new DaemonEvent(DaemonEvent.MEMBER_REMOVED, new MemberRemovedEvent(roster.replica().meshName(),
                    name, pubkey, status, reason)));
        });
        // Each newly applied mesh-state event becomes a system entry (inbox --system, SSE system): before any mesh connects.
        states.onChange(new dev.meshwire.peer.system.SystemFeed(inbox, events, System::currentTimeMillis));
        // Sub-peers of services (lk:alice of a LiveKit side-car) joining and leaving: system entries too (§6.5).
        states.onSubpeerChange(new dev.meshwire.peer.system.SubpeerFeed(inbox, events, System::currentTimeMillis));
        // Topics (docs/protocol.md §12.2): the keyring, the keeper (re-seal, re-key) on every state change and every 30 s,
        // the receiver of the topic channel, and the sealer of #topic sends.
        topicKeyring = new TopicKeyring(home.topicsDb());
        TopicInbox topicInbox = new TopicInbox(inbox, topicKeyring, events);
        topicKeeper = new TopicKeeper(meshes, topicKeyring, topicInbox);
        states.addReplicaListener(topicKeeper);
        inbound.register(Channel.TOPIC, new TopicReceiver(topicInbox, topicKeeper));
        TopicOps topicOps = new TopicOps(meshes, topicKeyring, topicKeeper, topicInbox);
        ((DurableOutbox) outbox).topics(topicOps);
        topicTick = vertx.setPeriodic(30_000, t -> topicKeeper.sweep());
        MeshConnector connector = new MeshConnector(vertx, options.link(), store, meshes, inbound, drain, states, events, direct,
                new ReceiptRecorder(outboxStore, events, task -> vertx.executeBlocking(() -> {
                    task.run();
                    return null;
                }, false)));
        connector.connectAllStored();
        rpcCallee.recoverInterrupted(); // handlers that were running at the last stop: answered 'interrupted', never run again
        files.start();
        // Expiry is enforced by the clock too: every check asks activeAt(now); this tick tears down channels.
        stateTick = vertx.setPeriodic(1_000, t -> vertx.executeBlocking(() -> {
            states.tick();
            return null;
        }, false));

        sessions = new dev.meshwire.peer.session.SessionRegistry(vertx, options.link(), meshes, inbound, inbox);
        sessions.start();
        services = new dev.meshwire.peer.service.DelegatedServices(vertx, options.link(), meshes, home, inbound, inbox);
        services.start(); // delegated services survive a restart: their key files are on disk
        EventStreams eventStreams = new EventStreams(vertx, events, options.eventStreams());
        StatusReport report = new StatusReport(new StatusReport.Sources(startedAt, home, () -> port, inbound, inbox,
                outboxStore, drain, meshes, direct, eventStreams));
        DaemonApi api = new DaemonApi(new DaemonControl(report, this::close),
                new Membership(meshes, store, connector, direct, new MeshDeparture(meshes, store, states, outboxStore)), new Moderation(meshes),
                new MeshStateOps(meshes, store),
                new OutboxEndpoints(outbox, outboxStore, meshes, drain::wake), new InboxEndpoints(inbox, meshes), sessions,
                new GrantOps(meshes), new ServiceOps(meshes, home, services, files), new RpcEndpoints(rpcCaller, rpcCallee, rpcHandlers),
                new GroupOps(meshes), files, topicOps, sidecars = new dev.meshwire.peer.sidecar.Sidecars(home));
        token = Base64.getUrlEncoder().withoutPadding().encodeToString(Sodium.randomBytes(32));
        MeshwireHome.writePrivate(home.tokenFile(), token);
        ipc = new IpcServer(vertx, token, api, eventStreams, IpcServer.sendBodyLimit(options.maxMessageBytes()), cli);
        port = ipc.start();
        // The port file is written last: its presence means "IPC is ready".
        MeshwireHome.writePrivate(home.portFile(), Integer.toString(port));
        log.info("daemon up: home {} ipc 127.0.0.1:{} meshes {}", home.root(), port, meshes.names());
        sidecars.startStored(); // after the port file: the managed bridges talk to this daemon's IPC
    }

    // ---- RunningDaemon ----

    @Override public int ipcPort() { return port; }
    @Override public String token() { return token; }
    @Override public MeshwireHome home() { return home; }
    @Override public IpcClient client() { return new IpcClient(port, token); }
    public EventBus events() { return events; }
    /** The IPC's endpoints as {@code METHOD /path} (tests send something to each). */
    public List<String> ipcRoutes() { return ipc.routes(); }
    public InboundProcessor inbound() { return inbound; }
    /** The durable outbox store (tests put rows into given states through it). */
    public OutboxStore outboxStore() { return outboxStore; }
    public DrainWorker drain() { return drain; }
    /** The rpc channel's store (tests look at served rows through it). */
    public RpcStore rpcStore() { return rpcStore; }
    /** The callee's side of rpc (tests count handler runs through it). */
    public RpcCallee rpcCallee() { return rpcCallee; }
    /** File transfers (tests read transfer state through it). */
    public FileService files() { return files; }
    /** The direct channels (tests look at paths and engines through it). */
    public DirectRegistry direct() { return direct; }
    /** Every joined mesh's replica and roster. */
    public MeshStates states() { return states; }
    /** The sessions this daemon holds (docs/ipc.md "Sessions"). */
    public dev.meshwire.peer.session.SessionRegistry sessions() { return sessions; }
    /** The delegated services this daemon holds (docs/protocol.md §6.4). */
    public dev.meshwire.peer.service.DelegatedServices services() { return services; }
    /** The side-cars this daemon runs or hears from (docs/livekit.md "Managed bridges"). */
    public dev.meshwire.peer.sidecar.Sidecars sidecars() { return sidecars; }
    /** A joined mesh's live session, or null. */
    public MeshSession session(String meshName) { return meshes.get(meshName); }

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
            if (vertx != null && stateTick >= 0) vertx.cancelTimer(stateTick);
            if (vertx != null && topicTick >= 0) vertx.cancelTimer(topicTick);
            if (topicKeeper != null) topicKeeper.close();
            // The managed bridges leave their rooms while IPC still answers (they stay stored for the next start).
            if (sidecars != null) sidecars.close();
            if (ipc != null) ipc.close();
            if (retention != null) retention.close();
            // Stop claiming first; sends still outstanding stay inflight and are recovered at the next start.
            if (drain != null) drain.close();
            // Direct channels end before the links: unacked direct sends stay inflight and are recovered at the next start.
            if (files != null) files.close(); // senders stop; transfers resume at the next start
            if (direct != null) direct.close();
            if (directInbound != null) directInbound.shutdown();
            if (sessions != null) sessions.close(); // their presence closes before the members'
            if (services != null) services.close();
            for (MeshSession s : meshes.all()) s.link().close();
            if (vertx != null) {
                try {
                    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    log.debug("vertx close: {}", e.toString());
                }
            }
            if (rpcCallee != null) rpcCallee.close();
            if (outboxStore != null) outboxStore.close();
            if (rpcStore != null) rpcStore.close();
            if (states != null) states.close();
            if (inbox != null) inbox.close();
            if (transfers != null) transfers.close();
            if (topicKeyring != null) topicKeyring.close();
        } finally {
            lock.close();
            stopped.countDown();
            log.info("daemon stopped");
        }
    }
}
