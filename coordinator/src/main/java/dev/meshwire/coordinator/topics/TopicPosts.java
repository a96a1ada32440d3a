package dev.meshwire.coordinator.topics;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.meshwire.coordinator.authority.MeshAuthority;
import dev.meshwire.coordinator.authority.Refusal;
import dev.meshwire.coordinator.grants.GrantPolicy;
import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.queue.QueueService;
import dev.meshwire.coordinator.queue.TokenBucket;
import dev.meshwire.coordinator.relay.MessageIds;
import dev.meshwire.coordinator.relay.Relay;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.coordinator.store.TopicHistory;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.TopicEntry;
import dev.meshwire.signaling.topic.TopicKeys;
import dev.meshwire.signaling.topic.TopicNames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topic posts and history (docs/protocol.md §12.2 "Posting", "History"). A post is one {@code send} with
 * {@code to = "#name"}: after the envelope checks every send gets, the sender must be a member of the topic, the body
 * version 4 and its epoch prefix the topic's current epoch (no post while a re-key is pending); the envelope is stored
 * once in the topic history and then queued once per other topic member through the durable queue (pushed when online,
 * kept otherwise; acked, redelivered and deduped per member like any send). The {@code ack} comes after both.
 *
 * <p>A retry of the same post (same clientMessageId and envelope) is answered with its original id, and queues the copies
 * a crash may have left out (each member's copy dedupes on its own key). The coordinator sees the topic name, the
 * members and ciphertext; the 4-byte epoch prefix is the only part of a body it reads.
 */
public final class TopicPosts {
    private static final Logger LOG = LoggerFactory.getLogger(TopicPosts.class);
    /** Default and largest page of {@code topic_history}. */
    public static final int MAX_PAGE = 500;

    private final Vertx vertx;
    private final MeshLedger ledger;
    private final Relay relay;
    private final QueueService queue;
    private final GrantPolicy grants;
    private final TopicHistory history;
    private final Duration window;
    private final Clock clock;
    private long pruneTimer = -1;

    public TopicPosts(Vertx vertx, MeshLedger ledger, Relay relay, QueueService queue, GrantPolicy grants, Duration window, Clock clock) {
        this.vertx = vertx;
        this.ledger = ledger;
        this.relay = relay;
        this.queue = queue;
        this.grants = grants;
        this.history = queue.store().topicHistory();
        this.window = window;
        this.clock = clock;
    }

    /** Prunes now and then every tenth of the window (at most every 10 minutes). Call on the verticle's context. */
    public void start() {
        prune();
        long every = Math.max(1000, Math.min(window.toMillis() / 10, Duration.ofMinutes(10).toMillis()));
        pruneTimer = vertx.setPeriodic(every, id -> prune());
    }

    public void stop() {
        if (pruneTimer >= 0) vertx.cancelTimer(pruneTimer);
    }

    /** Deletes posts older than the window; returns how many. */
    public Future<Integer> prune() {
        return history.prune(clock.millis() - window.toMillis()).onSuccess(n -> {
            if (n > 0) LOG.info("pruned {} topic posts older than {}", n, window);
        }).onFailure(e -> LOG.warn("topic history prune failed: {}", e.toString()));
    }

    /** Whether {@code to} of a send names a topic (starts with {@code #}). */
    public static boolean isTopic(String to) {
        return to != null && to.startsWith(TopicNames.PREFIX);
    }

    /**
     * A {@code send} to {@code #name} from the member {@code self} ({@code session}: true when the connection is a
     * session's, which may not post: topic keys belong to members).
     */
    public Future<Frames.Ack> post(String meshId, String self, boolean session, TokenBucket bucket, Frames.Send send) {
        String topic = TopicNames.parse(send.to());
        String canonical;
        String envelopeJson;
        Envelope env;
        long epoch;
        try {
            if (topic == null || !send.to().equals(TopicNames.address(topic))) {
                throw Refusal.of(ErrorCode.INVALID_FRAME, "send: 'to' " + clip(send.to()) + " is not a topic: " + TopicNames.check(send.to().substring(1)));
            }
            if (session) throw Refusal.of(ErrorCode.FORBIDDEN, "send: a session cannot post to a topic; its member's daemon holds the topic keys");
            canonical = relay.checkedCanonical(self, send);
            env = send.envelope();
            if (env.channel() != Channel.TOPIC || !send.to().equals(env.target())) {
                throw Refusal.of(ErrorCode.INVALID_FRAME, "send: to a topic, the envelope's channel is 'topic' and its target equals 'to'");
            }
            if (env.body().bodyVersion() != Body.TOPIC_KEY_V4) {
                throw Refusal.of(ErrorCode.INVALID_FRAME, "send: a topic post has body version " + Body.TOPIC_KEY_V4 + " (the topic key)");
            }
            try {
                epoch = TopicKeys.epochOf(Base64.getDecoder().decode(env.body().ciphertext()));
            } catch (IllegalArgumentException | CryptoException e) {
                throw Refusal.of(ErrorCode.INVALID_FRAME, "send: a topic body starts with its 4-byte key epoch (docs/protocol.md §12.2)");
            }
            envelopeJson = Json.MAPPER.writeValueAsString(env);
        } catch (Refusal r) {
            return Future.failedFuture(r);
        } catch (JsonProcessingException e) {
            return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "send: envelope cannot be serialized"));
        }
        long now = clock.millis();
        Long requested = env.meta().expiresAt();
        if (requested != null && requested <= now) {
            return Future.failedFuture(Refusal.of(ErrorCode.EXPIRED, "send: meta.expiresAt " + requested + " is in the past"));
        }
        long expiresAt = requested != null ? requested : now + queue.settings().defaultTtl().toMillis();
        String fp = Canonical.sha256Hex(canonical);
        String cmid = env.meta().clientMessageId();
        if (bucket != null && !bucket.tryTake(now)) {
            // Dedupe before rate limiting (§6 "Delivery" rule 3): a retry learns its original acceptance even now.
            return history.find(meshId, topic, self, cmid).compose(found -> {
                if (found.isPresent() && found.get().fingerprint().equals(fp)) {
                    return Future.succeededFuture(new Frames.Ack(send.id(), cmid, found.get().messageId(), Relay.STATUS_DUPLICATE));
                }
                return refuse(ErrorCode.RATE_LIMITED, "send: more than " + (long) queue.settings().ratePerSecond()
                        + " messages/s; retry after a short backoff");
            });
        }
        return ledger.current(meshId).compose(state -> {
            TopicEntry t = state.channels().topic(topic).orElse(null);
            if (t == null) return refuse(ErrorCode.UNKNOWN_TOPIC, "send: no topic #" + topic + " in this mesh");
            if (!state.isActive(self, now) || !t.isMember(self)) {
                return refuse(ErrorCode.NOT_TOPIC_MEMBER, "send: you are not a member of #" + topic + " (meshwire topic join #" + topic + ")");
            }
            if (t.rekeyNeeded()) {
                return refuse(ErrorCode.TOPIC_REKEY_NEEDED, "send: #" + topic + " waits for a new key (a member left); rotate it, then post");
            }
            if (epoch != t.epoch()) {
                return refuse(ErrorCode.TOPIC_CONFLICT, "send: #" + topic + " is at key epoch " + t.epoch() + ", the post uses " + epoch
                        + "; encrypt with the current key");
            }
            String messageId = MessageIds.next();
            return history.store(new TopicHistory.Post(messageId, meshId, topic, self, cmid, fp, envelopeJson, now)).compose(r -> {
                if (r instanceof TopicHistory.Result.Conflict c) {
                    return refuse(ErrorCode.DUPLICATE_CONFLICT, "send: clientMessageId " + clip(cmid) + " was already posted to #" + topic
                            + " as " + c.messageId() + " with a different envelope; use a new clientMessageId");
                }
                boolean duplicate = r instanceof TopicHistory.Result.Duplicate;
                String id = duplicate ? ((TopicHistory.Result.Duplicate) r).messageId() : ((TopicHistory.Result.Accepted) r).messageId();
                return fanOut(meshId, self, state, t, env, cmid, fp, envelopeJson, now, expiresAt)
                        .map(n -> {
                            LOG.debug("topic post {}… -> #{} ({}, {} copies)", MeshAuthority.prefix(self), topic, id, n);
                            return new Frames.Ack(send.id(), cmid, id, duplicate ? Relay.STATUS_DUPLICATE : Relay.STATUS_ACCEPTED);
                        });
            });
        });
    }

    /**
     * One queue row per other active topic member whose grants let the sender broadcast to it. A member whose queue is
     * full, or that was banned meanwhile, misses its live copy (logged); the post stays in the history.
     */
    private Future<Integer> fanOut(String meshId, String self, MeshState state, TopicEntry t, Envelope env, String cmid, String fp,
                                   String envelopeJson, long now, long expiresAt) {
        List<Future<Queued.Result>> copies = new ArrayList<>();
        String priority = env.meta().priorityOrDefault().name().toLowerCase(Locale.ROOT);
        for (String member : t.memberKeys()) {
            if (member.equals(self) || !state.isActive(member, now)) continue;
            if (!grants.allows(meshId, self, member, Channel.TOPIC)) {
                grants.dropped(GrantPolicy.PATH_RELAY);
                continue;
            }
            copies.add(queue.submit(new Queued.Enqueue(MessageIds.next(), meshId, self, member, cmid, fp, priority,
                    envelopeJson, now, expiresAt, self, member)));
        }
        return Future.all(copies).map(all -> {
            int n = 0;
            for (Future<Queued.Result> f : copies) {
                Queued.Result r = f.result();
                if (r instanceof Queued.Result.Accepted || r instanceof Queued.Result.Duplicate) n++;
                else LOG.info("topic #{}: a copy was not queued: {}", t.name(), r.getClass().getSimpleName());
            }
            return n;
        });
    }

    /** {@code topic_history}: a page of the topic's stored posts for one of its members. */
    public Future<Frames.TopicHistoryPage> page(String meshId, String self, Frames.TopicHistory req) {
        String topic = TopicNames.parse(req.topic());
        if (topic == null) return refuse(ErrorCode.INVALID_FRAME, "topic_history: " + TopicNames.check(req.topic()));
        long after = req.afterSeq() == null ? 0 : req.afterSeq();
        if (after < 0) return refuse(ErrorCode.INVALID_FRAME, "topic_history: afterSeq must be 0 or more");
        int limit = req.limit() == null ? MAX_PAGE : req.limit();
        if (limit < 1 || limit > MAX_PAGE) return refuse(ErrorCode.INVALID_FRAME, "topic_history: limit must be 1.." + MAX_PAGE);
        long now = clock.millis();
        return ledger.current(meshId).compose(state -> {
            TopicEntry t = state.channels().topic(topic).orElse(null);
            if (t == null) return refuse(ErrorCode.UNKNOWN_TOPIC, "topic_history: no topic #" + topic + " in this mesh");
            if (!state.isActive(self, now) || !t.isMember(self)) {
                return refuse(ErrorCode.NOT_TOPIC_MEMBER, "topic_history: you are not a member of #" + topic);
            }
            // Only this topic's posts: an earlier topic of the same name (deleted when its last member left) stays hidden.
            long since = Math.max(t.createdAt(), now - window.toMillis());
            return history.page(meshId, topic, after, since, limit + 1).map(rows -> {
                List<Frames.TopicMessage> out = new ArrayList<>();
                for (TopicHistory.Stored s : rows.subList(0, Math.min(limit, rows.size()))) {
                    try {
                        out.add(new Frames.TopicMessage(s.seq(), s.messageId(), s.createdAt(), Json.MAPPER.readValue(s.envelopeJson(), Envelope.class)));
                    } catch (JsonProcessingException e) {
                        LOG.error("topic #{}: stored post {} does not parse; skipped", topic, s.messageId());
                    }
                }
                return new Frames.TopicHistoryPage(req.id(), topic, out, rows.size() > limit);
            });
        });
    }

    private static String clip(String s) {
        return s == null ? "null" : s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static <T> Future<T> refuse(String code, String message) {
        return Future.failedFuture(Refusal.of(code, message));
    }
}
