package dev.meshwire.peer.session;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.held.HeldInbox;
import dev.meshwire.peer.held.HeldLink;
import dev.meshwire.peer.held.HeldSend;
import dev.meshwire.peer.ipc.SessionApi;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.InboxReply;
import dev.meshwire.peer.ipc.api.SessionReply;
import dev.meshwire.peer.ipc.api.SessionRequest;
import dev.meshwire.peer.ipc.api.SessionsReply;
import dev.meshwire.peer.ipc.api.SessionSendReply;
import dev.meshwire.peer.ipc.api.SessionSendRequest;
import dev.meshwire.signaling.Names;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.session.AttestationVerifier;
import dev.meshwire.signaling.session.SessionAttestation;
import dev.meshwire.signaling.session.SessionCaps;
import io.vertx.core.Vertx;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions this daemon holds (the seed's daemon-multiplexed per-session presence, digest C §1): each one a
 * key pair minted here, a parent attestation signed with the member key of its mesh, and its own coordinator
 * presence — for now one {@link CoordinatorLink} per session (docs/ipc.md "Sessions"). Secrets stay in memory: a
 * daemon restart ends every session (apps register again, as in the seed).
 *
 * <p>A session ends on {@code session end}, when its attestation expires, when its coordinator refuses or
 * closes it for good (its member kicked, banned, revoked; 4001–4004), and when the process registered with it
 * ({@code pid}) is gone: the reaper looks every {@link #REAP_EVERY_MS} ms (the bound is 30 s). Thread-safe.
 */
public final class SessionRegistry implements SessionApi, AutoCloseable {
    /** Every session token starts with this, so it never looks like a command-line option. */
    public static final String TOKEN_PREFIX = "mwst_";
    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);
    /** Default attestation lifetime: 12 h. */
    public static final long DEFAULT_TTL_MS = 12L * 60 * 60 * 1000;
    /** How often the reaper checks processes and expiries. */
    public static final long REAP_EVERY_MS = 5_000;
    /** At most this many sessions per daemon (each holds a WebSocket). */
    public static final int MAX_SESSIONS = 64;
    /** How long {@code create} waits for the coordinator's hello_ack before answering with the link still connecting. */
    static final long FIRST_ACK_WAIT_MS = 10_000;

    private final Vertx vertx;
    private final LinkSettings settings;
    private final JoinedMeshes meshes;
    private final InboundProcessor inbound;
    private final Inbox inbox;
    private final Map<String, HeldSession> byToken = new ConcurrentHashMap<>();
    private long reaper = -1;

    public SessionRegistry(Vertx vertx, LinkSettings settings, JoinedMeshes meshes, InboundProcessor inbound, Inbox inbox) {
        this.vertx = vertx;
        this.settings = settings;
        this.meshes = meshes;
        this.inbound = inbound;
        this.inbox = inbox;
    }

    /** Starts the reaper. */
    public void start() {
        reaper = vertx.setPeriodic(REAP_EVERY_MS, t -> vertx.executeBlocking(() -> {
            reap(System.currentTimeMillis());
            return null;
        }, false));
    }

    /** One reaper pass: ends sessions whose process is gone or whose attestation expired. Returns how many ended. */
    public int reap(long now) {
        int n = 0;
        for (HeldSession s : List.copyOf(byToken.values())) {
            String why = null;
            if (s.pid() != null && ProcessHandle.of(s.pid()).map(p -> !p.isAlive()).orElse(true)) why = "process " + s.pid() + " is gone";
            else if (s.attestation().expiresAt() <= now) why = "its attestation expired";
            if (why != null && endQuietly(s, why)) n++;
        }
        return n;
    }

    @Override
    public SessionReply create(SessionRequest req) {
        MeshSession member = meshes.select(req.mesh());
        long ttl = req.ttlMs() == null ? DEFAULT_TTL_MS : req.ttlMs();
        if (ttl < 1_000 || ttl > AttestationVerifier.SESSION_MAX_TTL_MS) {
            throw bad("ttlMs must be between 1000 and " + AttestationVerifier.SESSION_MAX_TTL_MS + " (24 h)");
        }
        if (req.name() != null) {
            String problem = Names.checkDisplayName(req.name());
            if (problem != null) throw bad("name: " + problem);
        }
        List<String> caps = null;
        if (req.caps() != null) {
            try {
                caps = SessionCaps.parseKnown(String.join(",", req.caps()));
            } catch (IllegalArgumentException e) {
                throw bad("caps: " + e.getMessage());
            }
        }
        if (req.pid() != null && ProcessHandle.of(req.pid()).map(p -> !p.isAlive()).orElse(true)) {
            throw bad("pid " + req.pid() + " is not a running process");
        }
        if (byToken.size() >= MAX_SESSIONS) throw bad("this daemon already holds " + MAX_SESSIONS + " sessions; end some first");
        long now = System.currentTimeMillis();
        Identity key = Identity.generate();
        SessionAttestation att = SessionAttestation.sign(member.identity(), key.publicKeyHex(), now + ttl, caps);
        // Prefixed: a bare base64url token starts with '-' one time in 64, and `meshwire session end <token>` then read it
        // as an option.
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(Sodium.randomBytes(24));
        HeldSession[] self = new HeldSession[1];
        MeshSession asMesh = HeldLink.open(vertx, settings, member, key, att, req.name(), inbound, why -> {
            if (self[0] != null) endQuietly(self[0], why);
        });
        CoordinatorLink link = asMesh.link();
        HeldSession held = new HeldSession(token, req.name(), req.pid(), att, now, asMesh);
        self[0] = held;
        byToken.put(token, held);
        try {
            link.start().get(FIRST_ACK_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.info("session {} of mesh {}: not connected yet ({}); it keeps trying", held.id(), held.meshName(), link.describeState());
        } catch (Exception e) {
            if (link.state().terminal()) {
                endQuietly(held, "refused");
                throw new PeerException(PeerException.COORDINATOR_REFUSED, "the coordinator refused the session: " + link.describeState());
            }
        }
        log.info("session {} ({}) of mesh {} registered{}", held.id(), req.name() == null ? "unnamed" : req.name(), held.meshName(),
                req.pid() != null ? " for pid " + req.pid() : "");
        return new SessionReply(held.item(), token);
    }

    @Override
    public SessionsReply sessions(String mesh) {
        meshes.requireKnownIfNamed(mesh);
        return new SessionsReply(byToken.values().stream()
                .filter(s -> mesh == null || mesh.isBlank() || s.meshName().equals(mesh))
                .sorted(Comparator.comparingLong(HeldSession::createdAt)).map(HeldSession::item).toList());
    }

    @Override
    public SessionReply end(String idOrToken) {
        HeldSession s = find(idOrToken);
        endQuietly(s, "ended by request");
        return new SessionReply(s.item(), null);
    }

    @Override
    public InboxReply inbox(String token, InboxQuery q) {
        return HeldInbox.list(inbox, requireToken(token).pubkey(), q);
    }

    @Override
    public SessionSendReply send(String token, SessionSendRequest req) {
        HeldSession s = requireToken(token);
        HeldSend.Sent sent = HeldSend.send(s.asMesh(), s.attestation().parentPubkey(), "session " + s.id(),
                new HeldSend.Request(req.to(), req.message(), req.priority(), req.clientMessageId(), req.replyToId()), PeerException.COORDINATOR_REFUSED);
        return new SessionSendReply(s.meshName(), s.pubkey(), sent.clientMessageId(), sent.channel(), sent.items());
    }

    private HeldSession requireToken(String token) {
        HeldSession s = byToken(token);
        if (s == null) throw new PeerException(PeerException.UNKNOWN_SESSION, "no session with that token (ended, or the daemon restarted)");
        return s;
    }

    @Override
    public String pubkeyOf(String token) {
        return requireToken(token).pubkey();
    }

    /** The session with this token (for IPC callers that present one), or null. */
    public HeldSession byToken(String token) {
        return token == null ? null : byToken.get(token);
    }

    /** Every session held now. */
    public List<HeldSession> all() {
        return List.copyOf(byToken.values());
    }

    private HeldSession find(String idOrToken) {
        if (idOrToken == null || idOrToken.isBlank()) throw bad("a session id or token is required");
        HeldSession s = byToken.get(idOrToken);
        if (s != null) return s;
        List<HeldSession> byId = byToken.values().stream().filter(h -> h.pubkey().startsWith(idOrToken.toLowerCase())).toList();
        if (byId.size() == 1 && idOrToken.length() >= 8) return byId.get(0);
        throw new PeerException(PeerException.UNKNOWN_SESSION, "no session '" + clip(idOrToken) + "' held by this daemon; see 'meshwire session list'");
    }

    private boolean endQuietly(HeldSession s, String why) {
        if (byToken.remove(s.token()) == null) return false;
        log.info("session {} of mesh {} ended: {}", s.id(), s.meshName(), why);
        vertx.executeBlocking(() -> {
            s.asMesh().link().close();
            return null;
        }, false);
        return true;
    }

    private static PeerException bad(String msg) {
        return new PeerException(PeerException.BAD_REQUEST, msg);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    @Override
    public void close() {
        if (reaper >= 0) vertx.cancelTimer(reaper);
        for (HeldSession s : List.copyOf(byToken.values())) {
            byToken.remove(s.token());
            s.asMesh().link().close();
        }
    }
}
