package dev.meshwire.coordinator.session;

import dev.meshwire.coordinator.authority.Authenticated;
import dev.meshwire.coordinator.authority.MeshAuthority;
import dev.meshwire.coordinator.authority.Membership;
import dev.meshwire.coordinator.grants.GrantAuthority;
import dev.meshwire.coordinator.groups.GroupAuthority;
import dev.meshwire.coordinator.topics.TopicAuthority;
import dev.meshwire.coordinator.topics.TopicPosts;
import dev.meshwire.coordinator.services.ServiceRegistry;
import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.meshstate.StateSyncer;
import dev.meshwire.coordinator.authority.Moderation;
import dev.meshwire.coordinator.authority.Refusal;
import dev.meshwire.coordinator.authority.SessionIdentity;
import dev.meshwire.signaling.session.SessionCaps;
import dev.meshwire.coordinator.flow.OutboundQueue;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.presence.PeerConnection;
import dev.meshwire.coordinator.p2p.SignalForwarder;
import dev.meshwire.coordinator.p2p.SignalLimiter;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.signaling.presence.ResumeToken;
import dev.meshwire.signaling.subpeer.SubpeerSet;
import dev.meshwire.coordinator.relay.Relay;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.frame.CloseCodes;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.frame.ProtocolException;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.StateRef;
import dev.meshwire.coordinator.queue.DeliveryPump;
import dev.meshwire.coordinator.queue.DeliverySink;
import dev.meshwire.coordinator.queue.QueueService;
import dev.meshwire.coordinator.queue.TokenBucket;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer WebSocket: challenge → hello/join → hello_ack, mesh_sync, then the delivery pump →
 * authenticated frame dispatch, plus liveness and membership expiry.
 *
 * <p>Frames of one session are handled strictly in arrival order: each waits for the previous one's
 * (possibly asynchronous, database-backed) handling to finish, so a {@code send} right after
 * {@code hello} never races the authentication. The socket is paused while too many frames wait.
 * Every outbound frame goes through the connection's {@link OutboundQueue}: bounded, with signalling
 * dropped above the high-water mark and a slow consumer closed with 4008.
 * All methods run on the coordinator verticle's event loop.
 */
public final class Session implements PeerConnection {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final int MAX_PENDING = 64;
    /** The close reason (with 4004) of a connection taken over by a hello with a valid resume token. */
    public static final String REPLACED_BY_RESUME = "session_replaced";

    /** Shared collaborators of all sessions. */
    public record Deps(Vertx vertx, SessionSettings settings, MeshAuthority authority, Moderation moderation, Relay relay,
                       PresenceRegistry presence, CoordinatorMetrics metrics, Clock clock, QueueService queue,
                       SignalForwarder signals, MeshLedger ledger, StateSyncer syncer, Membership membership,
                       GrantAuthority grants, ServiceRegistry services, GroupAuthority groups, TopicAuthority topics,
                       TopicPosts topicPosts) {}

    /** Sends whose commit is still pending; beyond this the session stops reading frames until acks go out. */
    static final int MAX_SENDS_IN_FLIGHT = 4096;

    private final ServerWebSocket ws;
    private final Deps deps;
    private final String nonce = Hex.encode(Sodium.randomBytes(32));
    private final Runnable onAuthenticated;
    private final Runnable onFinished;
    private final OutboundQueue out;

    private boolean authenticated;
    private boolean closing;
    private boolean finished;
    private MeshRecord mesh;
    /** The member this connection speaks for: itself, or the parent of {@link #asSession}. */
    private MemberRecord member;
    /** Set when the connection authenticated with session_hello: it is present under the session's key. */
    private SessionIdentity asSession;
    private Frames.Capabilities capabilities;
    private long connectedSince;
    private long lastSeen;
    private long lastPingSent;
    private long pingSeq;
    private long authTimer = -1;
    private long tickTimer = -1;
    private long expiryTimer = -1;
    private Future<Void> tail = Future.succeededFuture();
    private int pending;
    private boolean paused;
    private DeliveryPump pump;
    private TokenBucket bucket;
    /** subpeers_set statements of this (service) connection: docs/protocol.md §6.5 "Rate". */
    private TokenBucket subpeersBucket;
    static final int SUBPEERS_PER_SECOND = 2, SUBPEERS_BURST = 20;
    private SignalLimiter signalLimiter;
    private int sendsInFlight;
    private Promise<Void> sendRoom;

    Session(ServerWebSocket ws, Deps deps, Runnable onAuthenticated, Runnable onFinished) {
        this.ws = ws;
        this.deps = deps;
        this.onAuthenticated = onAuthenticated;
        this.onFinished = onFinished;
        this.out = new OutboundQueue(ws, deps.vertx(), deps.settings().flow(), deps.metrics(),
                why -> disconnect(CloseCodes.SLOW_CONSUMER, "slow consumer: " + why, "disconnected"));
    }

    void start() {
        deps.metrics().connectionOpened();
        lastSeen = now();
        ws.textMessageHandler(this::onText);
        ws.binaryMessageHandler(b -> onText(null));
        ws.pongHandler(b -> lastSeen = now());
        ws.exceptionHandler(this::onTransportError);
        ws.closeHandler(v -> onClosed());
        send(new Frames.Challenge(nonce, SessionSettings.PROTOCOL_VERSION, deps.settings().coordinatorVersion()));
        long authMs = Math.min(deps.settings().authTimeout().toMillis(), deps.settings().deadAfter().toMillis());
        authTimer = deps.vertx().setTimer(authMs, id -> {
            authTimer = -1;
            if (!authenticated && !closing) {
                fail(Refusal.closing(ErrorCode.NOT_AUTHENTICATED, "no hello or join within " + authMs + " ms", CloseCodes.PROTOCOL), null);
            }
        });
        tickTimer = deps.vertx().setPeriodic(deps.settings().tickMillis(), id -> tick());
    }

    /**
     * Netty rejects a broken frame before any handler sees it and Vert.x then drops the connection; closing here
     * first gives the client the RFC 6455 status the decoder chose (1002 protocol error, 1007 invalid UTF-8, 1009
     * too big) with a reason instead of a bare 1006. Only a frame above the hard cap also gets {@code frame_too_large}.
     */
    private void onTransportError(Throwable e) {
        if (e instanceof CorruptedWebSocketFrameException corrupt && !closing) {
            WebSocketCloseStatus status = corrupt.closeStatus();
            if (status == null || status.code() == CloseCodes.TOO_BIG) {
                deps.metrics().error(ErrorCode.FRAME_TOO_LARGE);
                send(new Frames.Error(null, ErrorCode.FRAME_TOO_LARGE, "frame exceeds " + deps.settings().maxFrameBytes() + " bytes"));
                disconnect(CloseCodes.TOO_BIG, "frame exceeds " + deps.settings().maxFrameBytes() + " bytes", "disconnected");
            } else {
                // The byte stream cannot be trusted any more: no JSON error, only the close frame (RFC 6455 §7.1.7).
                disconnect((short) status.code(), "websocket protocol error: " + corrupt.getMessage(), "disconnected");
            }
        } else {
            LOG.debug("websocket error ({}): {}", who(), e.toString());
        }
    }

    private long now() {
        return deps.clock().millis();
    }

    private String who() {
        if (!authenticated) return "unauthenticated";
        String self = MeshAuthority.prefix(member.pubkey()) + "…@" + mesh.name();
        return asSession == null ? self : "session " + MeshAuthority.prefix(asSession.pubkey()) + "… of " + self;
    }

    // ---- inbound ----

    private void onText(String text) {
        lastSeen = now();
        pending++;
        if (pending >= MAX_PENDING && !paused) {
            paused = true;
            ws.pause();
        }
        tail = tail.transform(ignored -> process(text)).andThen(ignored -> {
            pending--;
            if (paused && pending <= MAX_PENDING / 2) {
                paused = false;
                ws.resume();
            }
        });
    }

    private Future<Void> process(String text) {
        if (closing) return Future.succeededFuture();
        Future<Void> handled;
        try {
            if (text == null) throw Refusal.of(ErrorCode.INVALID_FRAME, "binary frames are not supported: send JSON text frames");
            if (tooLarge(text)) {
                throw Refusal.of(ErrorCode.FRAME_TOO_LARGE, "frame exceeds " + deps.settings().maxFrameBytes() + " bytes");
            }
            FrameCodec.Decoded decoded = decode(text);
            Frame frame = decoded.frame();
            deps.metrics().frameIn(frame.type());
            handled = authenticated ? dispatch(frame, decoded.envelopeJson(), text) : authenticate(frame);
        } catch (RuntimeException e) {
            handled = Future.failedFuture(e);
        }
        return handled.recover(err -> {
            fail(err, text);
            return Future.succeededFuture();
        });
    }

    /**
     * Before hello/join, a frame of a type this coordinator does not know is refused like any other non-hello frame
     * ({@code not_authenticated}): a client that has not authenticated learns what it must send first, not that
     * its frame type is unknown. Malformed JSON and an ill-typed hello/join keep their own codes.
     */
    private FrameCodec.Decoded decode(String text) {
        try {
            return FrameCodec.decodeKeepingEnvelope(text);
        } catch (ProtocolException e) {
            if (authenticated || !ErrorCode.UNKNOWN_FRAME_TYPE.equals(e.code())) throw e;
            throw Refusal.closing(ErrorCode.NOT_AUTHENTICATED, "the first frame must be hello, join or session_hello, got an "
                    + e.getMessage(), CloseCodes.PROTOCOL);
        }
    }

    private boolean tooLarge(String text) {
        long max = deps.settings().maxFrameBytes();
        if (text.length() > max) return true; // every char is at least one UTF-8 byte
        if ((long) text.length() * 3 <= max) return false;
        return text.getBytes(StandardCharsets.UTF_8).length > max;
    }

    private Future<Void> authenticate(Frame frame) {
        Future<Authenticated> auth;
        String id;
        Frames.Capabilities caps;
        StateRef have = null;
        String token = null;
        if (frame instanceof Frames.Hello h) {
            if (tokenTooLong(h.resumeToken())) return Future.failedFuture(oversizedToken("hello"));
            auth = deps.authority().hello(h, nonce);
            id = h.id();
            caps = h.capabilities();
            have = h.state();
            token = h.resumeToken();
        } else if (frame instanceof Frames.Join j) {
            auth = deps.authority().join(j, nonce);
            id = j.id();
            caps = j.capabilities();
        } else if (frame instanceof Frames.SessionHello sh) {
            if (tokenTooLong(sh.resumeToken())) return Future.failedFuture(oversizedToken("session_hello"));
            auth = deps.authority().sessionHello(sh, nonce);
            id = sh.id();
            caps = sh.capabilities();
            have = sh.state();
            token = sh.resumeToken();
        } else {
            return Future.failedFuture(Refusal.closing(ErrorCode.NOT_AUTHENTICATED,
                    "the first frame must be hello, join or session_hello, got " + frame.type(), CloseCodes.PROTOCOL));
        }
        StateRef held = have;
        String resumeToken = token;
        // The sync is planned and the session registered inside the mesh's serialized chain: no event can be
        // published between the state the mesh_sync brings the client to and the moment it receives pushes.
        return auth.compose(a -> deps.ledger().serialized(a.mesh().id(), () -> deps.syncer().plan(a.mesh().id(), held, null)
                .recover(err -> Future.failedFuture(Refusal.closing(ErrorCode.STATE_UNAVAILABLE,
                        "mesh state unavailable; retry later", CloseCodes.NORMAL)))
                .compose(plan -> {
                    Refusal late = MeshAuthority.recheck(a.mesh(), plan.state(), a.member().pubkey(), now());
                    if (late == null && a.session() != null && a.session().isService()) {
                        late = MeshAuthority.recheckService(a.mesh(), plan.state(), a.session().service(), now());
                    }
                    if (late != null) return Future.failedFuture(late);
                    if (!closing) admit(a, id, caps, plan, resumeToken);
                    return Future.<Void>succeededFuture();
                })));
    }

    private static boolean tokenTooLong(String token) {
        return token != null && token.length() > ResumeToken.MAX_CHARS;
    }

    private static Refusal oversizedToken(String frameType) {
        return Refusal.closing(ErrorCode.INVALID_FRAME, frameType + ": field 'resumeToken' is longer than " + ResumeToken.MAX_CHARS
                + " characters; send the token from the last hello_ack unchanged, or none", CloseCodes.PROTOCOL);
    }

    /**
     * The member is authenticated (its challenge signature verified and its membership checked on the current state,
     * so a banned, revoked or expired member never gets here, token or not). A valid resume token continues the
     * member's presence without announcements; see {@link PresenceRegistry#attach}.
     */
    private void admit(Authenticated a, String id, Frames.Capabilities caps, StateSyncer.Plan plan, String resumeToken) {
        authenticated = true;
        if (authTimer >= 0) deps.vertx().cancelTimer(authTimer);
        onAuthenticated.run();
        mesh = a.mesh();
        member = a.member();
        asSession = a.session();
        capabilities = caps != null ? caps.orFrameLimit(deps.settings().maxFrameBytes()) : Frames.Capabilities.relayOnly(deps.settings().maxFrameBytes());
        connectedSince = now();
        lastPingSent = connectedSince;
        deps.metrics().authenticated(1);
        boolean resume = validToken(resumeToken);
        PresenceRegistry.Attached attached = deps.presence().attach(this, resume);
        if (attached.replaced() != null) {
            // Same member, newer connection: the old one goes quietly, so others see no leave/join flap.
            attached.replaced().disconnect(CloseCodes.REPLACED, resume ? REPLACED_BY_RESUME : "replaced by a newer connection", null);
        }
        SessionSettings s = deps.settings();
        // Every connection — a member's, a session's, a service's — is held after a loss, so each gets a token bound to
        // the key it is present as (see PresenceRegistry).
        send(new Frames.HelloAck(id, mesh.id(), mesh.name(), peerInfo(), deps.presence().onlinePeers(mesh.id(), pubkey()),
                s.iceServers().forMember(pubkey()), s.maxFrameBytes(), s.pingInterval().toMillis(),
                plan.state().authority(), plan.state().head(),
                s.resume().issue(mesh.id(), pubkey(), now()), deps.presence().lease().toMillis()));
        // Before any deliver: the replica must know every revocation before messages from the revoked key could arrive.
        send(plan.frame());
        if (attached.announce()) {
            deps.presence().broadcast(mesh.id(), pubkey(), new Frames.PeerJoined(mesh.id(), peerInfo()));
        }
        // What present services front, so a late joiner or a reconnecting daemon knows every sub-peer (§6.5).
        for (SubpeerSet set : deps.presence().subpeers().current(mesh.id())) {
            if (!set.service().equals(pubkey())) send(new Frames.Subpeers(mesh.id(), set.service(), set.seq(), set.names(), set.signature(), true));
        }
        scheduleExpiry();
        bucket = TokenBucket.of(deps.queue().settings(), now());
        signalLimiter = new SignalLimiter(deps.settings().flow(), now());
        // After hello_ack and mesh_sync: the member's queue drains now, oldest first, as fast as this connection reads.
        pump = deps.queue().attach(mesh.id(), pubkey(), new Deliveries());
        LOG.info("session {} authenticated ({}){}", who(), a.newlyJoined() ? "joined" : asSession != null ? "session_hello" : "hello",
                switch (attached.continuity()) {
                    case NEW -> "";
                    case RESUMED -> ", resuming its held presence";
                    case REPLACED -> ", replacing an older connection";
                    case RESTARTED -> ", ending its held presence without a valid resume token";
                });
    }

    /**
     * Whether {@code token} is this coordinator's valid token for this connection's key (a member's, a session's or a
     * service's); a rejected one is counted and logged. Whether it resumes anything is the registry's decision.
     */
    private boolean validToken(String token) {
        if (token == null) return false;
        var rejected = deps.settings().resume().check(token, mesh.id(), pubkey(), now());
        if (rejected.isEmpty()) return true;
        deps.metrics().resumeRejected(rejected.get().tag());
        LOG.info("session {}: resume token not accepted ({}); treated as a fresh hello", who(), rejected.get().tag());
        return false;
    }

    /** {@code envelopeJson}: a {@code send}'s envelope text as it came, when the decoder kept it (else null). */
    private Future<Void> dispatch(Frame frame, String envelopeJson, String text) {
        Moderation mod = deps.moderation();
        if (frame instanceof Frames.Send s) {
            return send(s, envelopeJson, text);
        } else if (frame instanceof Frames.ClientAck ca) {
            deps.metrics().clientAck();
            if (ca.messageId() == null || ca.messageId().isBlank()) {
                return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "client_ack: messageId is required"));
            }
            if (pump != null) pump.onAck(ca.messageId());
            return Future.succeededFuture();
        } else if (frame instanceof Frames.ListPeers lp) {
            return mod.peers(mesh).map(peers -> sendVoid(new Frames.Peers(lp.id(), mesh.id(), peers)));
        } else if (frame instanceof Frames.Kick k) {
            requireCap(SessionCaps.KICK, "kick");
            return mod.kick(mesh, member.pubkey(), k).map(this::sendVoid);
        } else if (frame instanceof Frames.Ban b) {
            requireCap(SessionCaps.BAN, "ban");
            return mod.ban(mesh, member.pubkey(), b).map(this::sendVoid);
        } else if (frame instanceof Frames.Unban u) {
            requireCap(SessionCaps.BAN, "unban");
            return mod.unban(mesh, member.pubkey(), u).map(this::sendVoid);
        } else if (frame instanceof Frames.Revoke r) {
            requireCap(SessionCaps.BAN, "revoke");
            return mod.revoke(mesh, member.pubkey(), r).map(this::sendVoid);
        } else if (frame instanceof Frames.SetRole r) {
            requireFullMember("set_role");
            return mod.setRole(mesh, member.pubkey(), r).map(this::sendVoid);
        } else if (frame instanceof Frames.SetExpiry x) {
            requireFullMember("set_expiry");
            return mod.setExpiry(mesh, member.pubkey(), x).map(this::sendVoid);
        } else if (frame instanceof Frames.ListBans lb) {
            return mod.listBans(mesh, lb).map(this::sendVoid);
        } else if (frame instanceof Frames.Rename r) {
            requireCap(SessionCaps.PROFILE_WRITE, "rename");
            return deps.membership().rename(mesh, member.pubkey(), r).map(this::sendVoid);
        } else if (frame instanceof Frames.Leave l) {
            if (asSession != null) {
                throw Refusal.of(ErrorCode.FORBIDDEN, "leave: a session cannot leave the mesh for its member; end the session instead");
            }
            return leave(l);
        } else if (frame instanceof Frames.SetGrant g) {
            requireCap(SessionCaps.GRANT, "set_grant"); // a session sets its parent's grants (they are member-keyed)
            return deps.grants().setGrant(mesh, member.pubkey(), g).map(this::sendVoid);
        } else if (frame instanceof Frames.ServiceRegister r) {
            requireCap(SessionCaps.SERVICE_DEPLOY, "service_register");
            return deps.services().register(mesh, member.pubkey(), r).map(this::sendVoid);
        } else if (frame instanceof Frames.ServiceRevoke r) {
            requireCap(SessionCaps.SERVICE_DEPLOY, "service_revoke");
            return deps.services().revoke(mesh, member.pubkey(), r).map(this::sendVoid);
        } else if (frame instanceof Frames.GroupCreate g) {
            requireFullMember("group_create"); // a session acts for its member: groups are member-keyed
            return deps.groups().create(mesh, member.pubkey(), g).map(this::sendVoid);
        } else if (frame instanceof Frames.GroupMember g) {
            requireFullMember("group_member");
            return deps.groups().member(mesh, member.pubkey(), g).map(this::sendVoid);
        } else if (frame instanceof Frames.GroupDelete g) {
            requireFullMember("group_delete");
            return deps.groups().delete(mesh, member.pubkey(), g).map(this::sendVoid);
        } else if (frame instanceof Frames.TopicCreate tc) {
            requireMemberForTopics("topic_create");
            return deps.topics().create(mesh, member.pubkey(), tc).map(this::sendVoid);
        } else if (frame instanceof Frames.TopicJoin tj) {
            requireMemberForTopics("topic_join");
            return deps.topics().join(mesh, member.pubkey(), tj).map(this::sendVoid);
        } else if (frame instanceof Frames.TopicLeave tl) {
            requireMemberForTopics("topic_leave");
            return deps.topics().leave(mesh, member.pubkey(), tl).map(this::sendVoid);
        } else if (frame instanceof Frames.TopicSealKey ts) {
            requireMemberForTopics("topic_seal");
            return deps.topics().seal(mesh, member.pubkey(), ts).map(this::sendVoid);
        } else if (frame instanceof Frames.TopicRotate tr) {
            requireMemberForTopics("topic_rotate");
            return deps.topics().rotate(mesh, member.pubkey(), tr).map(this::sendVoid);
        } else if (frame instanceof Frames.TopicHistory th) {
            requireMemberForTopics("topic_history");
            return deps.topicPosts().page(mesh.id(), member.pubkey(), th).map(this::sendVoid);
        } else if (frame instanceof Frames.SubpeersSet ss) {
            return Future.succeededFuture(subpeersSet(ss));
        } else if (frame instanceof Frames.StateSync ss) {
            return stateSync(ss);
        } else if (frame instanceof Frames.P2pSignal signal) {
            deps.signals().forward(mesh.id(), pubkey(), signalLimiter, now(), signal);
            return Future.succeededFuture();
        } else if (frame instanceof Frames.Ping p) {
            send(new Frames.Pong(p.id()));
            return Future.succeededFuture();
        } else if (frame instanceof Frames.Pong) {
            return Future.succeededFuture(); // liveness was refreshed on receipt
        } else if (frame instanceof Frames.Hello || frame instanceof Frames.Join || frame instanceof Frames.SessionHello) {
            return Future.failedFuture(Refusal.of(ErrorCode.ALREADY_AUTHENTICATED, "this connection is already authenticated as "
                    + MeshAuthority.prefix(pubkey()) + "… in mesh " + mesh.name()));
        }
        return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "'" + frame.type() + "' is sent by the coordinator, not by clients"));
    }

    /**
     * {@code subpeers_set} (docs/protocol.md §6.5): only a service's own connection, of a type that may front sub-peers,
     * with {@code dm:read}; the statement well formed and signed by the service key; newer than the last one held. A
     * changed set goes to every other connection of the mesh as {@code subpeers}.
     */
    private Void subpeersSet(Frames.SubpeersSet f) {
        if (asSession == null || !asSession.isService()) {
            throw Refusal.of(ErrorCode.FORBIDDEN, "subpeers_set: only a service's connection may publish the sub-peers it fronts; this is "
                    + (asSession == null ? "a member's" : "a session's") + " connection");
        }
        // Every accepted change is broadcast to the whole mesh: a service that floods statements would make the
        // coordinator flood every member. A refused statement is not lost: the daemon re-sends its latest set.
        if (subpeersBucket == null) subpeersBucket = new TokenBucket(SUBPEERS_PER_SECOND, SUBPEERS_BURST, now());
        if (!subpeersBucket.tryTake(now())) {
            throw Refusal.of(ErrorCode.RATE_LIMITED, "subpeers_set: more than " + SUBPEERS_PER_SECOND + " statements a second (burst "
                    + SUBPEERS_BURST + "); send the latest whole set again shortly");
        }
        // The current registration decides (a re-registration may have changed the type or scopes since the hello).
        var registered = deps.services().currentRegistration(mesh.id(), pubkey());
        String refusal = SubpeerSet.frontingRefusal(registered != null ? registered : asSession.service());
        if (refusal != null) throw Refusal.of(ErrorCode.FORBIDDEN, "subpeers_set: " + refusal);
        SubpeerSet set = new SubpeerSet(mesh.id(), pubkey(), f.seq(), f.names(), f.signature());
        String problem = set.problem();
        if (problem != null) throw Refusal.of(ErrorCode.INVALID_FRAME, "subpeers_set: " + problem);
        if (!set.valid()) throw Refusal.of(ErrorCode.BAD_SIGNATURE, "subpeers_set: the signature does not verify with the service key");
        var outcome = deps.presence().subpeers().put(mesh.id(), set);
        if (!outcome.accepted()) {
            throw Refusal.of(ErrorCode.INVALID_FRAME, "subpeers_set: seq " + f.seq() + " is not above the last one held (" + outcome.lastSeq()
                    + "); use a growing seq");
        }
        if (outcome.changed()) {
            deps.presence().broadcast(mesh.id(), pubkey(), new Frames.Subpeers(mesh.id(), pubkey(), set.seq(), set.names(), set.signature(), null));
        }
        send(new Frames.Ok(f.id(), "subpeers_set", pubkey(), set.names().size() + (set.names().size() == 1 ? " sub-peer" : " sub-peers")
                + (outcome.changed() ? "" : " (unchanged)")));
        return null;
    }

    /** Topic keys are sealed to members, not to their sessions: topic acts come from the member's own connection. */
    private void requireMemberForTopics(String verb) {
        if (asSession != null) {
            throw Refusal.of(ErrorCode.FORBIDDEN, verb + ": topics are a member's (its keys are sealed to the member); use the member's daemon");
        }
    }

    /** A session whose attestation does not state {@code cap} is refused ({@code forbidden}, kept open). */
    private void requireCap(String cap, String verb) {
        if (asSession != null && !asSession.has(cap)) {
            throw Refusal.of(ErrorCode.FORBIDDEN, verb + ": missing session capability \"" + cap + "\"");
        }
    }

    /** Verbs no capability names: a session may use them only with the full member set (no caps in its attestation). */
    private void requireFullMember(String verb) {
        if (asSession != null && asSession.caps() != null) {
            throw Refusal.of(ErrorCode.FORBIDDEN, verb + ": a session with limited capabilities cannot do this");
        }
    }

    /**
     * Sends are pipelined: the next frames are read while earlier sends wait for their commit, so one
     * enqueue transaction can carry many of them. The ack (or error) goes out when the commit answers; at
     * most {@link #MAX_SENDS_IN_FLIGHT} are pending before the session stops reading.
     */
    private Future<Void> send(Frames.Send s, String envelopeJson, String text) {
        sendsInFlight++;
        Relay.Sender sender = asSession == null ? Relay.Sender.member(member.pubkey())
                : new Relay.Sender(asSession.pubkey(), member.pubkey(), asSession.caps());
        Future<Frames.Ack> accepted = TopicPosts.isTopic(s.to())
                ? deps.topicPosts().post(mesh.id(), member.pubkey(), asSession != null, bucket, s)
                : deps.relay().send(mesh.id(), sender, bucket, s, envelopeJson);
        accepted.onComplete(ar -> {
            sendsInFlight--;
            if (ar.succeeded()) send(ar.result());
            else if (!closing) fail(ar.cause(), text);
            if (sendRoom != null && sendsInFlight < MAX_SENDS_IN_FLIGHT) {
                Promise<Void> room = sendRoom;
                sendRoom = null;
                room.complete();
            }
        });
        if (sendsInFlight < MAX_SENDS_IN_FLIGHT) return Future.succeededFuture();
        sendRoom = Promise.promise();
        return sendRoom.future();
    }

    /** The pump's view of this connection: deliveries only while it is below its high-water mark. */
    private final class Deliveries implements DeliverySink {
        @Override
        public long room() {
            return finished || closing ? 0 : out.room();
        }

        @Override
        public void whenRoom(Runnable wake) {
            out.whenRoom(wake);
        }

        @Override
        public void write(String deliverJson) {
            // A deliver not written (closing, or the write made this a slow consumer) stays claimed by this
            // session's claim id: the member's next session claims it again, so nothing is lost.
            if (finished || closing) return;
            if (out.write("deliver", deliverJson, false)) deps.metrics().frameOut("deliver");
        }
    }

    private Future<Void> leave(Frames.Leave l) {
        return deps.membership().leave(mesh, member.pubkey(), member.isOwner(), l).map(ok -> {
            send(ok);
            // Its sessions speak for a member that no longer exists: the connected ones are closed, the held ones end.
            for (PeerConnection c : deps.presence().sessionsOf(mesh.id(), member.pubkey())) {
                c.disconnect(CloseCodes.UNAUTHORIZED, "its member left the mesh", "left");
            }
            deps.presence().endHeldOf(mesh.id(), member.pubkey(), "left");
            disconnect(CloseCodes.NORMAL, "left the mesh", "left");
            return null;
        });
    }

    /** Answered in the mesh's serialized chain, so the answer and pushed events reach the client in version order. */
    private Future<Void> stateSync(Frames.StateSync ss) {
        String id = ss.id();
        return deps.ledger().serialized(mesh.id(), () -> deps.syncer().plan(mesh.id(), ss.have(), id))
                .recover(err -> {
                    LOG.warn("state_sync of {} failed: {}", who(), err.toString());
                    return Future.failedFuture(Refusal.of(ErrorCode.STATE_UNAVAILABLE, "mesh state unavailable; retry later"));
                })
                .map(plan -> sendVoid(plan.frame()));
    }

    /** Answers a failed frame with an error (echoing its id) and closes when the refusal says so. */
    private void fail(Throwable err, String text) {
        Refusal r;
        if (err instanceof Refusal refusal) {
            r = refusal;
        } else if (err instanceof ProtocolException p) {
            r = Refusal.of(p.code(), p.getMessage());
        } else {
            LOG.warn("internal error in session {}: {}", who(), err.toString(), err);
            r = Refusal.of(ErrorCode.INTERNAL, "internal error; the coordinator logged it");
        }
        deps.metrics().error(r.code());
        String id = text == null ? null : FrameCodec.peekId(text);
        send(new Frames.Error(id, r.code(), r.getMessage()));
        short close = r.closeCode();
        if (close == 0 && !authenticated) close = CloseCodes.PROTOCOL; // no half-open unauthenticated sessions
        LOG.info("session {}: {} ({})", who(), r.code(), close == 0 ? "kept open" : "closing " + close);
        if (close != 0) disconnect(close, r.getMessage(), "disconnected");
    }

    // ---- membership expiry ----

    /**
     * Closes the session with 4003 {@code membership_expired} once the member's expiry has passed, or, for a
     * session, with 4003 {@code expired} once its attestation has.
     */
    private boolean closeIfExpired(long now) {
        if (closing) return false;
        if (asSession != null && now >= asSession.expiresAt()) {
            send(new Frames.Error(null, ErrorCode.EXPIRED, "the session's attestation expired: mint a new session"));
            disconnect(CloseCodes.UNAUTHORIZED, ErrorCode.EXPIRED, "expired");
            return true;
        }
        if (!member.expiredAt(now)) return false;
        send(new Frames.Error(null, ErrorCode.MEMBERSHIP_EXPIRED, MeshAuthority.expired(mesh).getMessage()));
        disconnect(CloseCodes.UNAUTHORIZED, ErrorCode.MEMBERSHIP_EXPIRED, "expired");
        return true;
    }

    /** A timer at the member's expiry (the liveness tick checks too, as a backstop). */
    private void scheduleExpiry() {
        if (expiryTimer >= 0) deps.vertx().cancelTimer(expiryTimer);
        expiryTimer = -1;
        Long at = member.expiresAt();
        if (asSession != null) at = at == null ? asSession.expiresAt() : Math.min(at, asSession.expiresAt());
        if (at == null || closing) return;
        long delay = Math.max(1, at - now() + 1);
        expiryTimer = deps.vertx().setTimer(delay, id -> {
            expiryTimer = -1;
            closeIfExpired(now());
        });
    }

    // ---- liveness ----

    private void tick() {
        if (closing || !authenticated) return; // unauthenticated sessions are bounded by the auth timer
        long now = now();
        long dead = deps.settings().deadAfter().toMillis();
        if (now - lastSeen > dead) {
            disconnect(CloseCodes.NORMAL, "no traffic for " + dead + " ms", "timeout");
            return;
        }
        if (closeIfExpired(now)) return;
        if (now - lastPingSent >= deps.settings().pingInterval().toMillis()) {
            lastPingSent = now;
            send(new Frames.Ping("srv-" + (++pingSeq)));
        }
    }

    // ---- outbound / PeerConnection ----

    @Override
    public String meshId() {
        return mesh.id();
    }

    @Override
    public String pubkey() {
        return asSession != null ? asSession.pubkey() : member.pubkey();
    }

    @Override
    public String parent() {
        return asSession != null ? member.pubkey() : null;
    }

    /**
     * A held session or service never outlives its attestation (immutable, so the bound is known at the loss). A
     * member's membership expiry is not a bound here: it can change (set_expiry) while the member is away.
     */
    @Override
    public long presenceNotAfter() {
        return asSession == null ? Long.MAX_VALUE : asSession.expiresAt();
    }

    @Override
    public Frames.PeerInfo peerInfo() {
        if (asSession != null && asSession.isService()) {
            // No session attestation: clients know a service from the mesh state (service_registered), not from presence.
            return new Frames.PeerInfo(asSession.pubkey(), asSession.displayName(member.name()), member.role(), true, connectedSince,
                    capabilities, member.pubkey(), null);
        }
        if (asSession != null) {
            return Frames.PeerInfo.session(asSession.pubkey(), asSession.displayName(member.name()), member.role(), connectedSince,
                    capabilities, asSession.attestation());
        }
        return new Frames.PeerInfo(member.pubkey(), member.name(), member.role(), true, connectedSince, capabilities);
    }

    /** Keeps what this session knows of its own member (name, role, expiry) in step with the mesh state. */
    @Override
    public void meshEventApplied(MeshEvent event) {
        if (member == null || !member.pubkey().equals(safeSubject(event))) return;
        EventPayload p = event.payload();
        if (p instanceof EventPayload.MemberRenamed r) member = member.withName(r.name());
        else if (p instanceof EventPayload.RoleChanged r) member = member.withRole(r.role());
        else if (p instanceof EventPayload.ExpirySet x) {
            member = member.withExpiry(x.expiresAt());
            scheduleExpiry();
        }
    }

    private static String safeSubject(MeshEvent e) {
        try {
            return e.payload().subject();
        } catch (RuntimeException ex) {
            return null;
        }
    }

    /** Signalling is the one lossy kind: dropped above the high-water mark (the handshake times out and is retried). */
    @Override
    public void send(Frame frame) {
        if (finished) return;
        if (out.write(frame.type(), FrameCodec.encode(frame), frame instanceof Frames.P2pSignal)) deps.metrics().frameOut(frame.type());
    }

    private Void sendVoid(Frame frame) {
        send(frame);
        return null;
    }

    @Override
    public void disconnect(short code, String closeReason, String peerLeftReason) {
        if (closing) return;
        closing = true;
        deps.metrics().closed(code);
        // Leave presence at once (not when the close handshake ends) so nothing more is relayed here.
        leavePresence(peerLeftReason, true);
        LOG.info("closing session {} with {} ({})", who(), code, closeReason);
        if (!finished) ws.close(code, truncateReason(closeReason));
    }

    /**
     * {@code holdable} is false when the client said it is going away on purpose (close 1001): then its presence
     * ends at once instead of being held for the lease.
     */
    private void leavePresence(String peerLeftReason, boolean holdable) {
        if (pump != null) {
            deps.queue().detach(pump); // its unacked claims are taken over by the next session, or expire
            pump = null;
        }
        if (authenticated) deps.presence().drop(this, peerLeftReason, holdable, lastSeen);
    }

    /**
     * Whether a close the client started (not this side's timeout or refusal) leaves its presence held for the
     * lease. A close frame 1001 is a goodbye: not held. No close frame at all, the TCP connection closed or reset
     * by the client's host, is what a crashed or killed process looks like (its kernel closes the socket): not
     * held either, so peers learn at once and fail over (docs/protocol.md §6 "Continuous presence"). What is held
     * is what a network drop or a sleeping laptop looks like from here — silence ending in this side's liveness
     * timeout — and a client's own close with any other code (its watchdog giving up on a link it thinks is dead).
     */
    private static final short ABNORMAL_CLOSURE = 1006;

    static boolean holdableClose(Short code) {
        // 1006 is never sent in a frame (RFC 6455 §7.4.1): Vert.x reports it for a connection closed without one.
        return code != null && code != ABNORMAL_CLOSURE && code != CloseCodes.GOING_AWAY;
    }

    /** WebSocket close reasons are limited to 123 UTF-8 bytes. */
    static String truncateReason(String reason) {
        if (reason == null) return null;
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 123) return reason;
        String s = reason;
        while (s.getBytes(StandardCharsets.UTF_8).length > 120) s = s.substring(0, s.length() - 1);
        return s + "...";
    }

    private void onClosed() {
        if (finished) return;
        finished = true;
        if (authTimer >= 0) deps.vertx().cancelTimer(authTimer);
        if (tickTimer >= 0) deps.vertx().cancelTimer(tickTimer);
        if (expiryTimer >= 0) deps.vertx().cancelTimer(expiryTimer);
        out.stop();
        if (!closing) {
            closing = true;
            Short code = ws.closeStatusCode();
            deps.metrics().closed(code == null ? 1006 : code);
            leavePresence("disconnected", holdableClose(code));
        }
        if (authenticated) deps.metrics().authenticated(-1);
        deps.metrics().connectionClosed();
        LOG.info("session {} closed (code {})", who(), ws.closeStatusCode());
        onFinished.run();
    }
}
