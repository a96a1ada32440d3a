package dev.meshwire.coordinator.relay;

import dev.meshwire.coordinator.authority.MeshAuthority;
import dev.meshwire.coordinator.authority.Refusal;
import dev.meshwire.coordinator.grants.GrantPolicy;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.coordinator.services.ServiceRegistry;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.FrameCodec;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.grants.Caps;
import dev.meshwire.signaling.grants.Grants;
import io.vertx.core.Future;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.meshwire.coordinator.queue.QueueService;
import dev.meshwire.coordinator.queue.TokenBucket;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.signaling.Json;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts signed envelopes for members of one mesh ({@code send}) into the durable queue, from which
 * {@link dev.meshwire.coordinator.queue.DeliveryPump} pushes them ({@code deliver}) whether the recipient is
 * online now or later.
 *
 * <p>Order of checks: frame validation, {@code envelope.from} = the connection's key (and the signature when
 * {@code verifyEnvelopes}); expiry; then the dedupe key is decided before the
 * rate limiter can refuse (a duplicate is always answered with the original acceptance); then the store
 * decides membership, bans, dedupe, the queue cap and the insert in one transaction.
 *
 * <p>The coordinator checks who sent what to whom (the sender bound to its authenticated connection, the
 * recipient's membership) but never opens or logs the body: it is ciphertext for the recipient,
 * and only frame types and key prefixes are ever logged. It does not verify the envelope's Ed25519 signature
 * unless told to ({@code verifyEnvelopes}): the receivers verify every envelope on every path, and the relay's own
 * check cost a third of its accept rate (docs/architecture.md "Who verifies envelope signatures").
 */
public final class Relay {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    public static final String STATUS_ACCEPTED = "accepted";
    public static final String STATUS_DUPLICATE = "duplicate";

    private final QueueService queue;
    private final CoordinatorMetrics metrics;
    private final Clock clock;
    private final PresenceRegistry presence;
    private final GrantPolicy grants;
    private final ServiceRegistry services;
    private final boolean verifyEnvelopes;
    private final dev.meshwire.coordinator.groups.GroupPolicy groups;

    /**
     * {@code presence} resolves a recipient that is a session key to its parent member; {@code grants} decides
     * the recipient side of {@code Grants.allowed} (both member-keyed); {@code services} says whether a recipient
     * service's read scopes let it be sent the envelope's channel.
     */
    public Relay(QueueService queue, CoordinatorMetrics metrics, Clock clock, PresenceRegistry presence, GrantPolicy grants,
                 ServiceRegistry services, dev.meshwire.coordinator.groups.GroupPolicy groups, boolean verifyEnvelopes) {
        this.verifyEnvelopes = verifyEnvelopes;
        this.groups = groups;
        this.queue = queue;
        this.metrics = metrics;
        this.clock = clock;
        this.presence = presence;
        this.grants = grants;
        this.services = services;
    }

    /**
     * Who sends: the key the envelope must be from ({@code pubkey}), the member whose status decides
     * ({@code member}: the key itself, or a session's parent) and the session's capabilities ({@code caps}, null:
     * the full member set — always so for a member's own connection).
     */
    public record Sender(String pubkey, String member, java.util.List<String> caps) {
        public static Sender member(String pubkey) {
            return new Sender(pubkey, pubkey, null);
        }
    }

    public Future<Frames.Ack> send(String meshId, String senderPubkey, TokenBucket bucket, Frames.Send send) {
        return send(meshId, Sender.member(senderPubkey), bucket, send, null);
    }

    /** Lowercase hex sha256 of the envelope's canonical (signed) string: identical retries have identical fingerprints. */
    public static String fingerprint(Envelope env) {
        return fingerprintOf(EnvelopeSignature.canonical(env));
    }

    private static String fingerprintOf(String canonical) {
        return Canonical.sha256Hex(canonical);
    }

    /** A validated envelope with its canonical (signed) string, reused for the fingerprint. */
    private record Verified(Envelope env, String canonical) {}

    /**
     * Validates {@code send} from {@code sender} (a member, or a session and its parent) in {@code meshId} and commits it to the
     * queue; the ack is produced after the commit. {@code bucket} is the session's rate limiter (null: none).
     * {@code envelopeJson} is the envelope's JSON text as it came in the frame ({@link FrameCodec#decodeKeepingEnvelope}),
     * stored and relayed as it is; null: the envelope record is written as JSON here.
     */
    public Future<Frames.Ack> send(String meshId, Sender sender, TokenBucket bucket, Frames.Send send, String envelopeJson) {
        String senderPubkey = sender.pubkey();
        Envelope env;
        String canonical;
        try {
            Verified v = validate(senderPubkey, send);
            // The sender side of Grants.allowed, refused explicitly (the seed's rule): the session knows its caps.
            String cap = Caps.forChannel(v.env().channel());
            if (!Grants.senderHasCap(sender.caps(), cap)) {
                throw Refusal.of(ErrorCode.FORBIDDEN, "send: missing session capability \"" + cap + "\" (this session's attestation allows "
                        + (sender.caps().isEmpty() ? "nothing" : String.join(",", sender.caps())) + ")");
            }
            // A service recipient's read scopes (docs/protocol.md §6.4 "Read scopes"): refused explicitly, never queued —
            // unlike a grant this is no secret of the recipient's, and the sender must learn its copy goes nowhere.
            String unreadable = services.readRefusal(meshId, send.to(), v.env().channel());
            if (unreadable != null) {
                services.scopeRefused(GrantPolicy.PATH_RELAY);
                throw Refusal.of(ErrorCode.FORBIDDEN, "send: " + unreadable);
            }
            // A copy to @name goes only to a member of that group in this coordinator's state (docs/protocol.md §12.1).
            if (v.env().channel() == Channel.GROUP) {
                var refused = groups.refusal(meshId, v.env().target(), presence.memberOf(meshId, send.to()));
                if (refused.isPresent()) {
                    throw Refusal.of(refused.get().unknownGroup() ? ErrorCode.UNKNOWN_GROUP : ErrorCode.FORBIDDEN, refused.get().message());
                }
            }
            env = v.env();
            canonical = v.canonical();
            // The text from the frame when the decoder kept it: the same JSON value (the decoder declines any key the
            // envelope record does not have), so the deliver still carries the sender's envelope unchanged (protocol §6).
            if (envelopeJson == null) envelopeJson = Json.MAPPER.writeValueAsString(env);
        } catch (Refusal r) {
            return Future.failedFuture(r);
        } catch (JsonProcessingException e) {
            return Future.failedFuture(invalid("send: envelope cannot be serialized"));
        }
        long now = clock.millis();
        Long requested = env.meta().expiresAt();
        if (requested != null && requested <= now) {
            return Future.failedFuture(Refusal.of(ErrorCode.EXPIRED, "send: meta.expiresAt " + requested + " is in the past"));
        }
        long expiresAt = requested != null ? requested : now + queue.settings().defaultTtl().toMillis();
        String fp = fingerprintOf(canonical); // the string verified above: canonicalizing twice per send showed on the event loop
        String cmid = env.meta().clientMessageId();
        Queued.Enqueue req = new Queued.Enqueue(MessageIds.next(), meshId, senderPubkey, send.to(), cmid, fp,
                env.meta().priorityOrDefault().name().toLowerCase(java.util.Locale.ROOT), envelopeJson, now, expiresAt,
                sender.member(), recipientMember(meshId, send.to()));
        if (bucket == null || bucket.tryTake(now)) {
            // The recipient side, member-keyed on both ends: a session of a blocked member is blocked, and a dm
            // to a session is judged by its parent's grants (docs/protocol.md §6.3).
            if (!grants.allows(meshId, req.senderMember(), req.recipientMember(), env.channel())) return grantDropped(send, req);
            return queue.submit(req).compose(r -> {
                if (r instanceof Queued.Result.Duplicate && bucket != null) bucket.refund();
                return answer(send, req, r);
            });
        }
        // The bucket is empty: a duplicate is still answered as one (a retry must learn its original acceptance).
        return queue.findExisting(req).compose(existing -> {
            if (existing.isPresent()) {
                Queued.Existing ex = existing.get();
                Queued.Result r = ex.answer(fp);
                if (r instanceof Queued.Result.Duplicate) metrics.queueDuplicate();
                return answer(send, req, r);
            }
            return Future.failedFuture(Refusal.of(ErrorCode.RATE_LIMITED, "send: more than " + (long) queue.settings().ratePerSecond()
                    + " messages/s (burst " + queue.settings().rateBurst() + "); retry after a short backoff"));
        });
    }

    /**
     * The recipient's grants refuse this sender: dropped silently toward the sender (the seed's rule), which
     * gets the {@code ack} of an acceptance so that its outbox stops retrying (docs/protocol.md §6.3). Nothing
     * is stored; no receipt will ever come, so the sender's daemon shows the copy as {@code accepted}, never
     * {@code delivered}. Counted as {@code meshwire_grant_dropped_total{path="relay"}}.
     */
    private Future<Frames.Ack> grantDropped(Frames.Send send, Queued.Enqueue req) {
        grants.dropped(GrantPolicy.PATH_RELAY);
        LOG.debug("dropped {}… -> {}… by the recipient's grants", MeshAuthority.prefix(req.sender()), MeshAuthority.prefix(send.to()));
        return Future.succeededFuture(new Frames.Ack(send.id(), req.clientMessageId(), req.messageId(), STATUS_ACCEPTED));
    }

    private Future<Frames.Ack> answer(Frames.Send send, Queued.Enqueue req, Queued.Result r) {
        String to = MeshAuthority.prefix(send.to());
        if (r instanceof Queued.Result.Accepted a) {
            LOG.debug("queued {}… -> {}… ({})", MeshAuthority.prefix(req.sender()), to, a.messageId());
            return Future.succeededFuture(new Frames.Ack(send.id(), req.clientMessageId(), a.messageId(), STATUS_ACCEPTED));
        } else if (r instanceof Queued.Result.Duplicate d) {
            return Future.succeededFuture(new Frames.Ack(send.id(), req.clientMessageId(), d.messageId(), STATUS_DUPLICATE));
        } else if (r instanceof Queued.Result.Conflict c) {
            return Future.failedFuture(Refusal.of(ErrorCode.DUPLICATE_CONFLICT, "send: clientMessageId " + truncate(req.clientMessageId())
                    + " was already accepted as " + c.existingMessageId() + " with a different envelope (fingerprint "
                    + prefix16(c.existingFingerprint()) + " ≠ " + prefix16(req.fingerprint()) + "); use a new clientMessageId"));
        } else if (r instanceof Queued.Result.QueueFull f) {
            return Future.failedFuture(Refusal.of(ErrorCode.QUEUE_FULL, "send: the recipient " + to + "… has " + f.depth()
                    + " undelivered messages (limit " + f.limit() + "); retry later"));
        } else if (r instanceof Queued.Result.RecipientBanned) {
            return Future.failedFuture(Refusal.of(ErrorCode.UNKNOWN_RECIPIENT, "send: " + to + "… is banned from this mesh"));
        } else if (r instanceof Queued.Result.RecipientRevoked) {
            return Future.failedFuture(Refusal.of(ErrorCode.REVOKED, "send: " + to + "… was revoked from this mesh"));
        } else if (r instanceof Queued.Result.RecipientExpired) {
            return Future.failedFuture(Refusal.of(ErrorCode.UNKNOWN_RECIPIENT, "send: " + to + "…: membership expired"));
        } else if (r instanceof Queued.Result.SenderInactive s) {
            return Future.failedFuture(senderRefusal(s.status()));
        }
        return Future.failedFuture(Refusal.of(ErrorCode.UNKNOWN_RECIPIENT, "no member or connected session " + to + "… in this mesh"));
    }

    /**
     * Whom {@code to} counts as for membership and the queue: the parent of a present session or service, the owner of
     * an active registered service that is not present (its mail waits like a member's: §6.4), else the key itself.
     */
    private String recipientMember(String meshId, String to) {
        String member = presence.memberOf(meshId, to);
        if (!member.equals(to)) return member;
        String owner = services.activeOwner(meshId, to);
        return owner != null ? owner : member;
    }

    private static Refusal senderRefusal(String status) {
        return switch (status) {
            case "revoked" -> Refusal.of(ErrorCode.REVOKED, "send: your key was revoked from this mesh");
            case "banned" -> Refusal.of(ErrorCode.BANNED, "send: you are banned from this mesh");
            case "expired" -> Refusal.of(ErrorCode.MEMBERSHIP_EXPIRED, "send: your membership of this mesh expired");
            default -> Refusal.of(ErrorCode.NOT_MEMBER, "send: you are no longer a member of this mesh");
        };
    }

    private static String prefix16(String fp) {
        return fp == null ? "?" : fp.substring(0, Math.min(16, fp.length()));
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    private Verified validate(String senderPubkey, Frames.Send send) {
        if (!Hex.isHex(send.to(), PublicKey.HEX_CHARS)) {
            throw Refusal.of(ErrorCode.UNKNOWN_RECIPIENT, "send: 'to' must be a member's full public key (64 lowercase hex characters)"
                    + " or a topic ('#name')");
        }
        Verified v = checkEnvelope(senderPubkey, send);
        if (v.env().channel() == Channel.TOPIC) throw invalid("send: a topic envelope is sent once, to '#<topic>' (docs/protocol.md §12.2)");
        return v;
    }

    /**
     * The envelope checks every {@code send} gets, whatever its {@code to} (a member, or a topic for
     * {@link dev.meshwire.coordinator.topics.TopicPosts}): fields, body version, meta, channel rules, {@code from} bound to
     * the connection, the signature's shape (and the signature itself with {@code verifyEnvelopes}). Returns the envelope's
     * canonical string. @throws Refusal on the first rule it breaks
     */
    public String checkedCanonical(String senderPubkey, Frames.Send send) {
        return checkEnvelope(senderPubkey, send).canonical();
    }

    private Verified checkEnvelope(String senderPubkey, Frames.Send send) {
        Envelope env = send.envelope();
        if (env == null) throw invalid("send: envelope is required");
        if (env.v() != Envelope.VERSION) throw invalid("send: field 'envelope.v' must be " + Envelope.VERSION + " (got " + env.v() + ")");
        if (env.channel() == null) throw invalid("send: field 'envelope.channel' is required");
        if (env.target() == null) throw invalid("send: field 'envelope.target' is required");
        if (env.from() == null) throw invalid("send: field 'envelope.from' is required");
        if (env.body() == null || env.body().nonce() == null || env.body().ciphertext() == null) {
            throw invalid("send: field 'envelope.body' with nonce and ciphertext is required");
        }
        if (!Body.known(env.body().bodyVersion())) {
            throw invalid("send: field 'envelope.body.bodyVersion' must be " + Body.TEXT_V1 + ".." + Body.TOPIC_KEY_V4
                    + " (got " + env.body().bodyVersion() + ")");
        }
        if (env.meta() == null || env.meta().clientMessageId() == null || env.meta().clientMessageId().isBlank()) {
            throw invalid("send: field 'envelope.meta.clientMessageId' is required and must not be empty");
        }
        Meta meta = env.meta();
        nonNegative("timeoutMs", meta.timeoutMs());
        nonNegative("streamChunkId", meta.streamChunkId());
        nonNegative("expiresAt", meta.expiresAt());
        nonNegative("createdAt", meta.createdAt());
        if ((env.channel() == Channel.DM || env.channel() == Channel.RPC || env.channel() == Channel.STREAM)
                && !env.target().equals(send.to())) {
            throw invalid("send: a " + env.channel().wireName() + " envelope's target must equal 'to'");
        }
        if (env.channel() == Channel.STREAM && (meta.streamId() == null || meta.streamId().isEmpty())) {
            throw invalid("send: a stream envelope needs 'envelope.meta.streamId'");
        }
        if (env.channel() == Channel.GROUP && !"*".equals(env.target()) && !env.target().equals(send.to())
                && !dev.meshwire.signaling.group.GroupName.isAddress(env.target())) {
            throw invalid("send: a group envelope's target must be '*', '@name' (a group) or equal 'to'");
        }
        if (env.channel() == Channel.SYSTEM) {
            throw invalid("send: the system channel is the coordinator's own; a client cannot send on it");
        }
        if (meta.subpeer() != null) {
            // A sub-peer (docs/protocol.md §6.5) is reached through a dm to the service that fronts it.
            if (env.channel() != Channel.DM) throw invalid("send: 'envelope.meta.subpeer' is only allowed on a dm (to the service that fronts it)");
            String problem = dev.meshwire.signaling.subpeer.SubpeerSet.nameProblem(meta.subpeer());
            if (problem != null) throw invalid("send: field 'envelope.meta.subpeer': " + problem);
        }
        if (!senderPubkey.equals(env.from())) {
            throw Refusal.of(ErrorCode.BAD_SIGNATURE, "send: envelope.from must be this session's own key");
        }
        String canonical;
        try {
            canonical = EnvelopeSignature.canonical(env);
        } catch (IllegalArgumentException e) {
            throw invalid("send: envelope cannot be canonicalized: " + e.getMessage());
        }
        if (env.signature() == null || !Hex.isHexAnyCase(env.signature(), Signatures.HEX_CHARS)) {
            throw Refusal.of(ErrorCode.BAD_SIGNATURE, "send: envelope.signature must be an Ed25519 signature (128 hex characters)");
        }
        if (verifyEnvelopes && !Signatures.verify(env.from(), canonical, env.signature())) {
            throw Refusal.of(ErrorCode.BAD_SIGNATURE, "send: envelope signature does not verify");
        }
        return new Verified(env, canonical);
    }

    /** Integers in meta are counts and epoch milliseconds: never negative (docs/protocol.md §3, §4). */
    private static void nonNegative(String field, Long value) {
        if (value != null && value < 0) {
            throw invalid("send: field 'envelope.meta." + field + "' must be a non-negative integer (got " + value + ")");
        }
    }

    private static Refusal invalid(String message) {
        return Refusal.of(ErrorCode.INVALID_FRAME, message);
    }
}
