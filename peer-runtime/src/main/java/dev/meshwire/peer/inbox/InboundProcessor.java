package dev.meshwire.peer.inbox;

import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.DaemonEvent;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.mention.Mentions;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.group.GroupName;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound path for one delivered envelope: verify signature → sender is an active member of the
 * verified mesh state (banned, revoked, left and expired keys are refused, counted per path) → this
 * member's grants let the sender use the envelope's channel (refused ones counted as {@code grants}) → target is
 * us (a {@code @name} group copy: we are in that group in our verified state) → decrypt (body v1, or v3 sender keys
 * on {@code group}: {@link TextBody}) → store (idempotent) → {@code client_ack} → {@code message} event. Every delivery is
 * acked once it is settled: a new message after its inbox row is committed, a duplicate again (the
 * coordinator is waiting for it), and a delivery that fails a check ("ack and drop": logged,
 * counted, not stored) — otherwise the coordinator would redeliver it forever. The only delivery not
 * acked is one whose store failed (a local error): the coordinator redelivers it after its lease.
 * Never throws. Blocking (JDBC): call it off the event loop.
 *
 * <p>Test hook: with {@code holdAcks} the processor stores and dedupes as usual but sends no
 * {@code client_ack} at all (docs/delivery.md §8; crash tests use it to keep messages in the
 * coordinator's queue). Never set it in production.
 */
public final class InboundProcessor {
    private static final Logger log = LoggerFactory.getLogger(InboundProcessor.class);

    private final Inbox inbox;
    private final EventBus events;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong heldAcks = new AtomicLong();
    private volatile boolean holdAcks;
    /** Channels handled elsewhere (rpc, stream, topic, ...); dm and group text is stored in the inbox here. */
    private final java.util.Map<Channel, ChannelReceiver> receivers = new java.util.concurrent.ConcurrentHashMap<>();

    public InboundProcessor(Inbox inbox, EventBus events) {
        this(inbox, events, false);
    }

    public InboundProcessor(Inbox inbox, EventBus events, boolean holdAcks) {
        this.inbox = inbox;
        this.events = events;
        this.holdAcks = holdAcks;
    }

    /**
     * Routes every envelope of {@code channel} that passes the shared checks to {@code receiver} instead of the text
     * inbox (see {@link ChannelReceiver} for the contract). Register before the daemon connects its meshes.
     */
    public void register(Channel channel, ChannelReceiver receiver) {
        if (receivers.putIfAbsent(channel, receiver) != null) throw new IllegalStateException(channel + " already has a receiver");
    }

    /** client_acks issued (new, duplicate and dropped deliveries). */
    public long acks() { return acks.get(); }
    /** client_acks withheld because of the test hook. */
    public long heldAcks() { return heldAcks.get(); }
    public boolean holdingAcks() { return holdAcks; }
    /** Test hook (see class comment). */
    public void holdAcks(boolean hold) { this.holdAcks = hold; }

    private void ack(MeshSession mesh, Frames.Deliver d, String cmid, String from) {
        if (d.messageId() == null) return;
        if (holdAcks) {
            heldAcks.incrementAndGet();
            return;
        }
        acks.incrementAndGet();
        mesh.link().sendFrame(new Frames.ClientAck(d.messageId(), cmid, from));
    }

    public long accepted() { return accepted.get(); }
    public long duplicates() { return duplicates.get(); }
    public long refused() { return refused.get(); }

    /** @param path how it arrived, e.g. "coordinator relay". Returns once the delivery is settled (stored and acked, or dropped). */
    public void process(MeshSession mesh, Frames.Deliver d, String path) {
        processAsync(mesh, d, path).join();
    }

    /**
     * {@link #process} without waiting for the inbox commit: the checks and the decryption run on the caller's thread,
     * the row joins the inbox's next group commit ({@link Inbox#insertGrouped}), and the {@code client_ack} and the
     * {@code message} event follow that commit. Deliveries submitted in order are committed, acked and published in
     * that order. The future completes when the delivery is settled; it never fails.
     */
    public CompletableFuture<Void> processAsync(MeshSession mesh, Frames.Deliver d, String path) {
        Envelope env = d.envelope();
        return settle(mesh, env, d.messageId(), path, null, null, cmid -> ack(mesh, d, cmid, env == null ? null : env.from()));
    }

    /**
     * A delivery on the link of a session held by this daemon: {@code sessionMesh} is the mesh as that session
     * (its identity, cipher and link; the member's roster), and the stored row is tagged with the session's key so
     * that only that session's reader lists it (docs/ipc.md "Sessions"). Same checks, same ack rules. The same for a
     * delegated service this daemon holds ({@code sessionMesh} is then the mesh as the service), plus one: an envelope
     * on a channel its read scopes do not allow, or arriving once it is no longer active, is refused (acked, not stored).
     */
    public void processForSession(MeshSession sessionMesh, Frames.Deliver d, String path) {
        Envelope env = d.envelope();
        settle(sessionMesh, env, d.messageId(), path, null, sessionMesh.selfPubkey(),
                cmid -> ack(sessionMesh, d, cmid, env == null ? null : env.from())).join();
    }

    /**
     * The same checks and storage for an envelope that arrived on a direct channel from {@code peer}
     * (the DTLS channel is bound to that identity, so the envelope must also be from {@code peer}).
     * Returns true when the data-channel ack may go out: stored (committed), duplicate, or dropped
     * after a failed check — exactly when a relay delivery would get its {@code client_ack}. False
     * (no ack; the sender resends via the relay when the channel ends) for a local store failure or
     * while the held-acks test hook is on. Blocking (JDBC): call it off the event loop and off the
     * p2p engine thread.
     */
    public boolean processDirect(MeshSession mesh, Envelope env, String peer, String path) {
        return processDirectAsync(mesh, env, peer, path).join();
    }

    /**
     * {@link #processDirect} without waiting for the inbox commit (as {@link #processAsync}): the future completes with
     * whether the channel ack may go out once the delivery is settled — after the group commit that holds its row.
     */
    public CompletableFuture<Boolean> processDirectAsync(MeshSession mesh, Envelope env, String peer, String path) {
        boolean[] acked = {false};
        return settle(mesh, env, null, path, peer, null, cmid -> {
            if (holdAcks) {
                heldAcks.incrementAndGet();
                return;
            }
            acks.incrementAndGet();
            acked[0] = true;
        }).thenApply(v -> acked[0]);
    }

    private CompletableFuture<Void> settle(MeshSession mesh, Envelope env, String messageId, String path, String directPeer,
                                           String session, java.util.function.Consumer<String> acker) {
        CompletableFuture<String> outcome;
        try {
            outcome = directPeer != null && env != null && !directPeer.equals(env.from())
                    ? CompletableFuture.completedFuture("envelope from " + env.from() + " arrived on the direct channel of " + directPeer)
                    : handle(mesh, env, messageId, path, directPeer, session, acker);
        } catch (RuntimeException e) {
            outcome = CompletableFuture.failedFuture(e);
        }
        return outcome.handle((reason, error) -> {
            if (error != null) {
                // A local failure (the store): no ack, the sender's path resends it (relay lease, direct → relay).
                refused.incrementAndGet();
                Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
                log.error("mesh {}: delivery {} via {} failed", mesh.name(), messageId, path, t);
            } else if (reason != null) {
                refused.incrementAndGet();
                log.warn("mesh {}: dropped delivery {} via {} (acked so it is not resent): {}", mesh.name(),
                        messageId, path, reason);
                acker.accept(env != null && env.meta() != null ? env.meta().clientMessageId() : null);
            }
            return null;
        });
    }

    /** @return a future of null when stored/acked, else of why it was refused */
    private CompletableFuture<String> handle(MeshSession mesh, Envelope env, String messageId, String path, String directPeer,
                                             String session, java.util.function.Consumer<String> acker) {
        String refusal = check(mesh, env, directPeer);
        if (refusal != null) return CompletableFuture.completedFuture(refusal);
        return store(mesh, env, messageId, path, directPeer, session, acker);
    }

    /** The checks every delivery passes before anything else (envelope shape, signature, membership, grants). */
    private static String check(MeshSession mesh, Envelope env, String directPeer) {
        if (env == null || env.from() == null || env.body() == null || env.meta() == null || env.channel() == null) {
            return "incomplete envelope";
        }
        if (env.v() != Envelope.VERSION) return "unsupported envelope version " + env.v();
        if (!EnvelopeSignature.verify(env)) return "bad envelope signature (from " + env.from() + ")";
        // The verified mesh state decides (relay deliveries are only processed once it is current).
        // A session's envelope is accepted while its parent's attestation (verified by the roster) is valid and the
        // parent is an active member.
        // An active service's envelope likewise (docs/protocol.md §6.4): it acts for its owner.
        boolean member = mesh.roster().isActive(env.from());
        var senderSession = member ? null : mesh.roster().session(env.from());
        var senderService = member || senderSession != null ? null : mesh.roster().activeService(env.from());
        if (!member && senderSession == null && senderService == null) {
            var entry = mesh.roster().entry(env.from());
            if (directPeer != null) mesh.roster().refused().direct.incrementAndGet();
            else mesh.roster().refused().relay.incrementAndGet();
            return "sender " + env.from() + " is not an active member of the mesh ("
                    + entry.map(e -> e.expiredAt(System.currentTimeMillis()) ? "expired" : e.status()).orElse("unknown key") + ")";
        }
        String notGranted = mesh.roster().grantRefusal(env.from(), env.channel());
        if (notGranted != null) {
            mesh.roster().refused().grants.incrementAndGet();
            return notGranted;
        }
        return null;
    }

    /** After {@link #check}: to the channel's receiver, or decrypted into the inbox's group commit. */
    private CompletableFuture<String> store(MeshSession mesh, Envelope env, String messageId, String path, String directPeer,
                                            String session, java.util.function.Consumer<String> acker) {
        boolean member = mesh.roster().isActive(env.from());
        var senderSession = member ? null : mesh.roster().session(env.from());
        var senderService = member || senderSession != null ? null : mesh.roster().activeService(env.from());
        String senderName = senderSession != null ? senderSession.name()
                : senderService != null ? mesh.roster().entry(senderService.attestation().owner()).map(e -> e.name()).orElse("?")
                        + '/' + senderService.attestation().serviceId()
                : mesh.roster().entry(env.from()).map(e -> e.name()).orElse(null);
        // A delegated service held here takes only what its read scopes allow (docs/protocol.md §6.4; the
        // coordinator checks too — this covers every path and a coordinator that does not).
        String scope = session == null ? null : mesh.roster().heldRefusal(mesh.selfPubkey(), env.channel());
        if (scope != null) return CompletableFuture.completedFuture(scope);
        ChannelReceiver receiver = receivers.get(env.channel());
        if (receiver != null) {
            boolean[] duplicate = {false};
            String why = receiver.receive(new InboundEnvelope(mesh, env, senderName, messageId, path, directPeer, session, acker,
                    () -> duplicate[0] = true));
            if (why == null) (duplicate[0] ? duplicates : accepted).incrementAndGet();
            return CompletableFuture.completedFuture(why);
        }
        String self = mesh.selfPubkey();
        String notForUs = env.channel() == Channel.DM ? (self.equals(env.target()) ? null : "is not this member")
                : env.channel() == Channel.GROUP ? groupRefusal(mesh, env.target(), self) : "is not a text channel";
        if (notForUs != null) {
            return CompletableFuture.completedFuture("envelope target '" + env.target() + "' (" + env.channel().wireName() + ") " + notForUs);
        }
        String cmid = env.meta().clientMessageId();
        if (cmid == null || cmid.isBlank()) return CompletableFuture.completedFuture("envelope has no clientMessageId");
        String metaProblem = Mentions.problem(env.meta());
        if (metaProblem != null) return CompletableFuture.completedFuture(metaProblem);
        if (env.meta().subpeer() != null) {
            String bad = dev.meshwire.signaling.subpeer.SubpeerSet.nameProblem(env.meta().subpeer());
            if (bad != null || env.channel() != Channel.DM) {
                return CompletableFuture.completedFuture("meta.subpeer: " + (bad != null ? bad : "only a dm may name a sub-peer"));
            }
        }
        TextBody.Opened opened = TextBody.open(mesh.cipher(), env);
        if (opened.refusal() != null) return CompletableFuture.completedFuture(opened.refusal());
        String text = opened.text();
        return inbox.insertGrouped(new InboxMessage(0, mesh.config().meshId(), mesh.name(), env.from(), senderName,
                cmid, messageId, env.channel().wireName(), env.meta().priorityOrDefault().wireName(), text, path,
                env.meta().createdAt(), System.currentTimeMillis(), null, session,
                // A dm to a held service may name the sub-peer it is for (docs/protocol.md §6.5): kept as the row's target.
                env.channel() == Channel.DM ? (session != null ? env.meta().subpeer() : null) : env.target(), env.meta().replyToId(), env.meta().mentions(),
                mentionsMe(mesh, env.meta().mentions(), session))).thenApply(stored -> {
            // The row's transaction has committed: ack. Duplicates too: the coordinator is waiting
            // for it and must stop redelivering.
            acker.accept(cmid);
            if (stored == null) {
                duplicates.incrementAndGet();
                log.debug("mesh {}: duplicate {} from {} acked again", mesh.name(), cmid, env.from());
                return null;
            }
            accepted.incrementAndGet();
            events.publish(new DaemonEvent(DaemonEvent.MESSAGE, item(stored)));
            return null;
        });
    }

    /** Whether {@code mentions} name the recipient: the session it was delivered to, else the member. */
    private static boolean mentionsMe(MeshSession mesh, java.util.List<String> mentions, String session) {
        if (mentions == null || mentions.isEmpty()) return false;
        String me = session != null ? session : mesh.selfPubkey();
        String myName = session != null ? null : mesh.roster().entry(me).map(e -> e.name()).orElse(null);
        return Mentions.mentionsMe(mentions, me, myName);
    }

    /**
     * Why a {@code group} envelope with {@code target} is not for {@code self}, or null when it is: {@code *} and
     * {@code @all} are every member; {@code @name} needs {@code self} in that group in <b>this daemon's</b> verified
     * state (docs/protocol.md §12.1) — a sender or coordinator with another view cannot make a non-member read it.
     */
    private static String groupRefusal(MeshSession mesh, String target, String self) {
        if ("*".equals(target) || ("@" + GroupName.ALL).equals(target) || self.equals(target)) return null;
        String group = GroupName.fromAddress(target);
        if (group == null) return "is not a group address";
        return mesh.roster().inGroup(group, self) ? null : "names a group this member is not in (in its verified mesh state)";
    }

    /** A stored message as the inbox listing and the SSE {@code message} event show it. */
    public static InboxItem item(InboxMessage m) {
        return new InboxItem(m.id(), m.meshName(), m.meshId(), new PeerRef(m.senderName(), m.senderPubkey()), m.text(), m.priority(),
                m.channel(), m.clientMessageId(), m.messageId(), m.path(), m.sentAt(), m.receivedAt(), m.seenAt(), m.session(),
                m.target(), m.replyToId(), m.mentions().isEmpty() ? null : m.mentions(), m.mentionsMe() ? Boolean.TRUE : null,
                m.eventKind(), m.eventVersion());
    }
}
