package dev.meshwire.peer.service;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.coordinator.LinkState;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.held.HeldInbox;
import dev.meshwire.peer.held.HeldLink;
import dev.meshwire.peer.held.HeldSend;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.InboxReply;
import dev.meshwire.peer.ipc.api.ServiceSendReply;
import dev.meshwire.peer.ipc.api.ServiceSendRequest;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.grants.Caps;
import dev.meshwire.signaling.service.Scopes;
import dev.meshwire.signaling.service.ServiceAttestation;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delegated services this daemon holds (docs/protocol.md §6.4 "Delegated services"): for every joined mesh, every
 * key file under {@code services/<mesh>/} whose attestation names this member as owner and as {@code delegate} and
 * whose service is {@code active} in the verified replica gets its own coordinator connection (a
 * {@code session_hello} with {@code serviceAttestation}; started only while the member's own link is connected);
 * anything else held is let go. The secret is on disk
 * (0600), so unlike a session a delegated service survives a daemon restart: {@link #start} holds them again.
 *
 * <p>A service ends when it stops being active in the replica (revoked, expired, owner gone; looked at on every
 * change of the replica, every {@link #CHECK_EVERY_MS} ms for expiries, and right after {@code service revoke}), when its key file is gone, while the member's
 * own link is kicked, banned or revoked, and when the coordinator closes its connection for good (4002–4004: not
 * held again until the daemon restarts; 4001, a kick: held again once the member's own link has reconnected).
 * Thread-safe.
 */
public final class DelegatedServices implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DelegatedServices.class);
    /** How often the held set is brought in line with the key files and the replica. */
    public static final long CHECK_EVERY_MS = 2_000;
    /** How long {@link #registered} waits for the replica to show the service and for its first hello_ack. */
    static final long FIRST_ACK_WAIT_MS = 10_000;

    private final Vertx vertx;
    private final LinkSettings settings;
    private final JoinedMeshes meshes;
    private final MeshwireHome home;
    private final InboundProcessor inbound;
    private final Inbox inbox;
    private final Map<String, HeldService> held = new ConcurrentHashMap<>();
    /**
     * Why the coordinator closed a key for good: not held again in this run — unless it was a kick
     * ({@code untilMemberReconnects}), which holds until the member's own link has a new connection (a kick
     * disconnects the member and everything of it; the member comes back by hand, and its services with it).
     */
    private record Refusal(String why, boolean untilMemberReconnects, CoordinatorLink memberLink) {}
    private final Map<String, Refusal> refused = new ConcurrentHashMap<>();
    /** Rosters whose replica changes trigger a pass (a registration or revocation applies at once, not at the next tick). */
    private final Set<MeshRoster> watched = ConcurrentHashMap.newKeySet();
    /** {@link #registered} callers waiting for their service to be held. */
    private final Map<String, CompletableFuture<HeldService>> awaiting = new ConcurrentHashMap<>();
    private long timer = -1;
    /** The sub-peer sets of held services (docs/protocol.md §6.5), published again on every new service connection. */
    private final SubpeerPublisher subpeers = new SubpeerPublisher(System::currentTimeMillis);

    public DelegatedServices(Vertx vertx, LinkSettings settings, JoinedMeshes meshes, MeshwireHome home, InboundProcessor inbound, Inbox inbox) {
        this.vertx = vertx;
        this.settings = settings;
        this.meshes = meshes;
        this.home = home;
        this.inbound = inbound;
        this.inbox = inbox;
    }

    /** Holds every delegated service that is active now and starts the periodic check. */
    public void start() {
        reconcile();
        timer = vertx.setPeriodic(CHECK_EVERY_MS, t -> vertx.executeBlocking(() -> {
            reconcile();
            return null;
        }, false));
    }

    /**
     * One pass: holds what should be held and is not, lets go of what is held and should not be. Returns the keys
     * held afterwards.
     */
    public synchronized Set<String> reconcile() {
        Set<String> wanted = new HashSet<>();
        for (MeshSession m : meshes.all()) {
            if (watched.add(m.roster())) m.roster().replica().addListener((before, after, applied) -> vertx.executeBlocking(() -> {
                reconcile();
                return null;
            }, false));
            // A member kicked, banned or revoked: its services are not to be online either.
            if (m.link().state().terminal()) continue;
            // The member's link is replaced on reconnect: a kick's refusal ends with the link it was made under.
            refused.values().removeIf(r -> r.untilMemberReconnects() && m.link().connected() && m.link() != r.memberLink());
            for (ServiceKeyFile f : ServiceKeyFile.list(home, m.name())) {
                ServiceAttestation a = f.attestation();
                String me = m.selfPubkey();
                if (!me.equals(a.owner()) || !me.equals(a.delegate()) || !m.config().meshId().equals(a.mesh())) continue;
                if (refused.containsKey(a.servicePubkey())) continue;
                var active = m.roster().activeService(a.servicePubkey());
                // Active, and registered with exactly this attestation (the coordinator checks the same at hello).
                if (active == null || !active.attestation().signature().equals(a.signature())) continue;
                if (held.containsKey(a.servicePubkey())) {
                    wanted.add(a.servicePubkey());
                } else if (m.link().connected()) {
                    // Only with the member online: a service presents itself for a member that is there (and a
                    // refusal then names the member link it happened under).
                    wanted.add(a.servicePubkey());
                    hold(m, f);
                }
            }
        }
        for (HeldService h : List.copyOf(held.values())) {
            if (!wanted.contains(h.pubkey())) end(h.pubkey(), whyNotWanted(h));
        }
        subpeers.refresh(held.values());
        for (Map.Entry<String, CompletableFuture<HeldService>> w : awaiting.entrySet()) {
            HeldService h = held.get(w.getKey());
            if (h != null) w.getValue().complete(h);
        }
        return Set.copyOf(held.keySet());
    }

    private String whyNotWanted(HeldService h) {
        Refusal r = refused.get(h.pubkey());
        if (r != null) return r.why();
        MeshSession m = meshes.get(h.meshName());
        if (m == null) return "its mesh was left";
        if (m.link().state().terminal()) return "this member's own link is " + m.link().state().wireName();
        var st = m.roster().replica().state();
        var e = st == null ? null : st.service(h.pubkey()).orElse(null);
        return e == null ? "its key file is gone" : "it is " + st.serviceStatus(e, System.currentTimeMillis());
    }

    private void hold(MeshSession member, ServiceKeyFile f) {
        String pubkey = f.attestation().servicePubkey();
        MeshSession[] self = new MeshSession[1];
        CoordinatorLink memberLink = member.link();
        MeshSession as = HeldLink.open(vertx, settings, member, f.key(), f.attestation(), null, inbound, why -> {
            synchronized (DelegatedServices.this) {
                // Already let go (a pass saw the member's own link kicked before this close arrived): nothing to
                // refuse — recording it would keep the service down after the member is back.
                HeldService h = held.get(pubkey);
                if (h == null || h.asMesh() != self[0]) return;
                boolean kick = self[0].link().state() == LinkState.KICKED || memberLink.state() == LinkState.KICKED;
                refused.put(pubkey, new Refusal(why, kick, memberLink));
                end(pubkey, why);
            }
        });
        self[0] = as;
        held.put(pubkey, new HeldService(f, as, System.currentTimeMillis()));
        as.link().start();
        log.info("delegated service {} ({}) of mesh {}: connecting as the service", f.attestation().serviceId(), pubkey.substring(0, 12),
                member.name());
    }

    private void end(String pubkey, String why) {
        HeldService h = held.remove(pubkey);
        if (h == null) return;
        subpeers.forget(pubkey);
        log.info("delegated service {} of mesh {} let go: {}", h.name(), h.meshName(), why);
        vertx.executeBlocking(() -> {
            h.asMesh().link().close();
            return null;
        }, false);
    }

    /**
     * {@code service register --delegate} just recorded {@code pubkey} in {@code meshName}: waits (at most
     * {@link #FIRST_ACK_WAIT_MS}) until the replica shows it active and its connection is acknowledged. Returns the
     * connection's state ({@code connected}, or what it is doing when the wait ran out).
     */
    public String registered(String meshName, String pubkey) {
        meshes.select(meshName);
        long deadline = System.currentTimeMillis() + FIRST_ACK_WAIT_MS;
        // The mesh_sync with service_registered follows the ok on the member's link: the replica listener's pass holds it.
        CompletableFuture<HeldService> shown = awaiting.computeIfAbsent(pubkey, k -> new CompletableFuture<>());
        HeldService h;
        try {
            reconcile();
            h = shown.get(FIRST_ACK_WAIT_MS, TimeUnit.MILLISECONDS);
            h.asMesh().link().firstAck().get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.info("delegated service {}: not connected yet ({}); it keeps trying", pubkey.substring(0, 12), e.toString());
        } finally {
            awaiting.remove(pubkey);
        }
        h = held.get(pubkey);
        return h == null ? "not held yet (the mesh state does not show it active)" : h.asMesh().link().state().wireName();
    }

    /** {@code service revoke} revoked {@code pubkey}: let go of it now (the coordinator closes it too). */
    public void revoked(String pubkey) {
        refused.put(pubkey, new Refusal("revoked by request", false, null));
        end(pubkey, "revoked by request");
    }

    /** The mesh (by id) as the held service {@code pubkey}: its identity, cipher and link; null when it is not held now. */
    public MeshSession heldAs(String meshId, String pubkey) {
        HeldService h = pubkey == null ? null : held.get(pubkey);
        return h == null || !h.asMesh().config().meshId().equals(meshId) ? null : h.asMesh();
    }

    /** The held service {@code name} of {@code mesh} ({@code unknown_service} when this daemon does not hold it). */
    public HeldService held(String mesh, String name) {
        return require(mesh, name);
    }

    /** The connection state of a held service, or null when it is not held. */
    public String connection(String pubkey) {
        HeldService h = held.get(pubkey);
        return h == null ? null : h.asMesh().link().state().wireName();
    }

    /** The messages delivered to the held service {@code name} of {@code mesh} (marks them seen unless {@code peek}). */
    public InboxReply inbox(String mesh, String name, InboxQuery q) {
        return HeldInbox.list(inbox, require(mesh, name).pubkey(), q);
    }

    /**
     * Sends as the held service {@code name}: refused before sealing ({@code scope_refused}) when its scopes give it
     * no sender cap for the channel ({@code Scopes.senderCaps}: {@code dm:write} for a dm, {@code topic:write} for
     * {@code *}); the coordinator enforces the same rule ({@code forbidden}).
     */
    public ServiceSendReply send(String name, ServiceSendRequest req) {
        HeldService h = require(req.mesh(), name);
        Channel channel = req.to() != null && "*".equals(req.to().trim()) ? Channel.GROUP : Channel.DM;
        String cap = Caps.forChannel(channel);
        Set<String> scopes = Scopes.fromCsv(h.file().attestation().scopes());
        if (!Scopes.senderCaps(scopes).contains(cap)) {
            String needs = Scopes.ALL.stream().filter(s -> Scopes.senderCaps(List.of(s)).contains(cap)).findFirst().orElse(cap);
            throw new PeerException(PeerException.SCOPE_REFUSED, h.label() + " may not send " + channel.wireName() + " messages: its scopes ("
                    + String.join(",", scopes) + ") lack " + needs);
        }
        HeldSend.Sent sent = HeldSend.send(h.asMesh(), h.file().attestation().owner(), h.label(),
                new HeldSend.Request(req.to(), req.message(), req.priority(), req.clientMessageId(), null), PeerException.SCOPE_REFUSED);
        return new ServiceSendReply(h.meshName(), h.name(), h.pubkey(), sent.clientMessageId(), sent.channel(), sent.items());
    }

    /**
     * The whole set of sub-peers the held service {@code name} fronts now (docs/protocol.md §6.5), from the app acting as
     * it: published at once and on every new connection of the service. {@code scope_refused} for a service that may
     * not front sub-peers, {@code bad_request} for a malformed name, {@code coordinator_refused} with its reason.
     */
    public dev.meshwire.peer.ipc.api.SubpeersReply subpeers(String name, dev.meshwire.peer.ipc.api.SubpeersRequest req) {
        return subpeers.set(require(req.mesh(), name), req.names() == null ? List.of() : req.names());
    }

    private HeldService require(String mesh, String name) {
        String meshName = meshes.select(mesh).name();
        String bad = ServiceAttestation.checkServiceId(name);
        if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
        return held.values().stream().filter(h -> h.meshName().equals(meshName) && h.name().equals(name)).findFirst()
                .orElseThrow(() -> new PeerException(PeerException.UNKNOWN_SERVICE, "this daemon holds no delegated service '" + name
                        + "' in mesh '" + meshName + "' (registered elsewhere or without --delegate, revoked, or expired; see 'meshwire service list')"));
    }

    @Override
    public void close() {
        if (timer >= 0) vertx.cancelTimer(timer);
        for (HeldService h : List.copyOf(held.values())) {
            held.remove(h.pubkey());
            h.asMesh().link().close();
        }
    }
}
