package dev.meshwire.coordinator.queue;

import dev.meshwire.coordinator.grants.GrantPolicy;
import dev.meshwire.coordinator.services.ServiceRegistry;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.Queued;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator side of durable delivery, on the coordinator verticle's event loop (no locks).
 *
 * <ul>
 *   <li><b>Enqueue coalescing</b>: sends submitted while an enqueue transaction is running are committed
 *       together by the next one (at most one in flight, so row order = submission order = FIFO).</li>
 *   <li><b>Ack coalescing</b>: client acks are applied the same way, one batch statement at a time.</li>
 *   <li><b>Delivery pumps</b>: one {@link DeliveryPump} per online member claims and pushes its rows.</li>
 *   <li><b>Sweeper</b>: expired rows deleted and counted, expired claims cleared, delivered rows pruned; the
 *       store reports who holds the remaining undelivered rows, and only the pumps that can claim some of them
 *       claim (released leases, rows of an earlier connection, rows inserted by another coordinator on the same
 *       database). Idle members cost no claim: with 10,000 connected members, waking every pump ran 10,000 claim
 *       transactions per sweep and stalled relaying for up to 0.8 s (docs/benchmarks.md "Many idle peers").</li>
 *   <li><b>Group commit</b> (a store that {@link CoordinatorStore#commitsGroups() commits groups}: SQLite): the
 *       enqueues, acks and pump claims pending at one moment go to the store as one transaction, at most two in
 *       flight (run one after the other by the store); a pump whose recipient has rows in the group claims in the same transaction, after the inserts. An
 *       online recipient's message then waits for one commit before both the sender's ack and the {@code deliver} go
 *       out, instead of an enqueue commit, then a claim commit, then an ack commit of their own.</li>
 * </ul>
 */
public final class QueueService {
    private static final Logger LOG = LoggerFactory.getLogger(QueueService.class);

    private final Vertx vertx;
    private final CoordinatorStore store;
    private final QueueSettings settings;
    private final CoordinatorMetrics metrics;
    private final Clock clock;
    private final Map<String, DeliveryPump> pumps = new HashMap<>();
    private DeliveryReceipts receipts = DeliveryReceipts.NONE;
    private GrantPolicy grants;
    private ServiceRegistry services;

    private record PendingEnqueue(Queued.Enqueue request, Promise<Queued.Result> promise) {}

    private final ArrayDeque<PendingEnqueue> enqueues = new ArrayDeque<>();
    private boolean enqueueRunning;
    private boolean enqueueScheduled;

    /**
     * Most ack batches applied at once. Acks are independent of each other (each only sets delivered_at on its
     * own rows), so a second batch may run while the first commits: on PostgreSQL they run on two pooled
     * connections (two backends, i.e. both cores); on SQLite they queue on its one writer thread.
     */
    static final int MAX_ACK_BATCHES_IN_FLIGHT = 2;
    /**
     * Most acks per statement. Unbounded batches grew while acks lagged, and from a few thousand rows on
     * PostgreSQL planned the ack as a hash join over a sequential scan of the whole queue table, which made
     * the next batch larger still (the "acks lag" of the first benchmark). 1,000 keeps index lookups.
     */
    static final int MAX_ACK_BATCH = 1000;

    private List<Queued.AckRef> acks = new ArrayList<>();
    private int acksRunning;
    private boolean ackScheduled;

    /** Whether enqueues, acks and claims go through {@link CoordinatorStore#commitGroup} (fixed by the store). */
    private final boolean grouped;

    private record PendingClaim(Queued.ClaimRequest request, Promise<List<Queued.Message>> promise) {}

    private List<PendingClaim> claims = new ArrayList<>();
    /**
     * Groups handed to the store and not yet answered. Two may be in flight: the store runs them one after another on
     * its writer thread, so the second one's inserts, acks and claims still see everything the first committed, and
     * the writer starts the second as soon as the first commits instead of idling while the first one's answer
     * crosses to the event loop and the next group forms there. With one in flight the SQLite drain lost 4–8 % of
     * its rate to that idle time (docs/benchmarks.md "Relay writer and queue drain").
     */
    static final int MAX_GROUPS_IN_FLIGHT = 2;
    private int groupsRunning;
    private boolean groupScheduled;

    private long sweepTimer = -1;
    private boolean sweeping;
    private boolean stopped;

    public QueueService(Vertx vertx, CoordinatorStore store, QueueSettings settings, CoordinatorMetrics metrics, Clock clock) {
        this.vertx = vertx;
        this.store = store;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.grouped = store.commitsGroups();
    }

    /** Who hears about acknowledged rows (the senders' receipts). Set once, before members connect. */
    public void receipts(DeliveryReceipts receipts) {
        this.receipts = receipts;
    }

    /** Who decides whether a queued row may still be pushed (the recipient's grants). Set once, before members connect. */
    public void grants(GrantPolicy grants) {
        this.grants = grants;
    }

    /** The grant policy, or null when none was set (tests of the queue alone): every row is pushed. */
    GrantPolicy grants() {
        return grants;
    }

    /** Who says whether a recipient service may still read a queued row (its current read scopes). Set once, before members connect. */
    public void services(ServiceRegistry services) {
        this.services = services;
    }

    /** The service registry, or null when none was set (tests of the queue alone): no read-scope check. */
    ServiceRegistry services() {
        return services;
    }

    /** A pump saw {@code recipient} acknowledge a row it pushed. */
    void receipt(String meshId, String sender, String recipient, String messageId, String clientMessageId) {
        try {
            receipts.acknowledged(meshId, sender, recipient, messageId, clientMessageId, now());
        } catch (RuntimeException e) {
            // A receipt is a courtesy to the sender; it must never break the recipient's ack path.
            LOG.warn("receipt for {} could not be sent: {}", messageId, e.toString());
        }
    }

    public QueueSettings settings() {
        return settings;
    }

    public CoordinatorStore store() {
        return store;
    }

    long now() {
        return clock.millis();
    }

    CoordinatorMetrics metrics() {
        return metrics;
    }

    /** Starts the sweeper (and runs one pass now, which also primes the depth gauge). Call on the verticle's context. */
    public void start() {
        sweep();
        sweepTimer = vertx.setPeriodic(settings.sweepInterval().toMillis(), id -> sweep());
    }

    public void stop() {
        stopped = true;
        if (sweepTimer >= 0) vertx.cancelTimer(sweepTimer);
        for (DeliveryPump p : List.copyOf(pumps.values())) p.stop();
        pumps.clear();
    }

    // ---- enqueue ----

    /** Queues one send; the future completes after the row is committed (or the store decided otherwise). */
    public Future<Queued.Result> submit(Queued.Enqueue request) {
        if (stopped) return Future.failedFuture(new IllegalStateException("coordinator is stopping"));
        Promise<Queued.Result> p = Promise.promise();
        enqueues.add(new PendingEnqueue(request, p));
        if (grouped) scheduleGroup();
        else scheduleEnqueue();
        return p.future();
    }

    public Future<Optional<Queued.Existing>> findExisting(Queued.Enqueue request) {
        return store.findQueued(request.meshId(), request.sender(), request.recipient(), request.clientMessageId());
    }

    private void scheduleEnqueue() {
        if (enqueueRunning || enqueueScheduled || enqueues.isEmpty()) return;
        enqueueScheduled = true;
        vertx.runOnContext(v -> runEnqueue());
    }

    private void runEnqueue() {
        enqueueScheduled = false;
        if (enqueueRunning || enqueues.isEmpty()) return;
        List<PendingEnqueue> batch = takeEnqueues();
        enqueueRunning = true;
        store.enqueue(batch.stream().map(PendingEnqueue::request).toList(), settings.maxQueuedPerRecipient()).onComplete(ar -> {
            enqueueRunning = false;
            if (ar.failed()) failEnqueues(batch, ar.cause());
            else answerEnqueues(batch, ar.result(), Set.of());
            scheduleEnqueue();
        });
    }

    /**
     * The next enqueue batch, in submission order. A second request with a key already in this batch (a fast retry)
     * waits for the next batch, where it is answered as a duplicate of the first.
     */
    private List<PendingEnqueue> takeEnqueues() {
        List<PendingEnqueue> batch = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (Iterator<PendingEnqueue> it = enqueues.iterator(); it.hasNext() && batch.size() < settings.maxEnqueueBatch(); ) {
            PendingEnqueue pe = it.next();
            if (keys.add(pe.request().key())) {
                batch.add(pe);
                it.remove();
            }
        }
        return batch;
    }

    private void failEnqueues(List<PendingEnqueue> batch, Throwable cause) {
        if (batch.isEmpty()) return;
        LOG.warn("enqueue of {} sends failed: {}", batch.size(), cause.toString());
        for (PendingEnqueue pe : batch) pe.promise().fail(cause);
    }

    /**
     * Answers a committed batch and wakes the pumps of recipients with new rows, except those in {@code claimed}
     * (pump keys whose claim ran after these inserts in the same transaction: it saw them already).
     */
    private void answerEnqueues(List<PendingEnqueue> batch, List<Queued.Result> results, Set<String> claimed) {
        Set<String> woken = new HashSet<>(claimed);
        for (int i = 0; i < batch.size(); i++) {
            Queued.Result r = results.get(i);
            Queued.Enqueue req = batch.get(i).request();
            if (r instanceof Queued.Result.Accepted) {
                metrics.queueAccepted();
                String pk = key(req.meshId(), req.recipient());
                if (woken.add(pk)) {
                    DeliveryPump pump = pumps.get(pk);
                    if (pump != null) pump.wake();
                }
            } else if (r instanceof Queued.Result.Duplicate) {
                metrics.queueDuplicate();
            }
            batch.get(i).promise().complete(r);
        }
    }

    // ---- group commit ----

    private void scheduleGroup() {
        if (groupsRunning >= MAX_GROUPS_IN_FLIGHT || groupScheduled || nothingPending()) return;
        groupScheduled = true;
        vertx.runOnContext(v -> runGroup());
    }

    private boolean nothingPending() {
        return enqueues.isEmpty() && acks.isEmpty() && claims.isEmpty();
    }

    /**
     * Commits everything pending as one group. The pumps of the batch's recipients are asked to claim first
     * ({@link DeliveryPump#rowsComing}): their claims join this group, after its inserts, so an online recipient's
     * new rows are pushed right after the one commit that stored them.
     */
    private void runGroup() {
        groupScheduled = false;
        if (groupsRunning >= MAX_GROUPS_IN_FLIGHT || nothingPending()) return;
        List<PendingEnqueue> batch = takeEnqueues();
        Set<String> recipients = new HashSet<>();
        for (PendingEnqueue pe : batch) {
            String pk = key(pe.request().meshId(), pe.request().recipient());
            if (recipients.add(pk)) {
                DeliveryPump pump = pumps.get(pk);
                if (pump != null) pump.rowsComing();
            }
        }
        List<PendingClaim> groupClaims = claims;
        claims = new ArrayList<>();
        List<Queued.AckRef> groupAcks = takeAcks();
        groupsRunning++;
        Queued.Group group = new Queued.Group(batch.stream().map(PendingEnqueue::request).toList(), settings.maxQueuedPerRecipient(),
                groupAcks, groupClaims.stream().map(PendingClaim::request).toList(), now());
        store.commitGroup(group).onComplete(ar -> {
            groupsRunning--;
            if (ar.failed()) {
                failEnqueues(batch, ar.cause());
                if (!groupAcks.isEmpty()) LOG.warn("applying {} client acks failed: {}", groupAcks.size(), ar.cause().toString());
                for (PendingClaim c : groupClaims) c.promise().fail(ar.cause());
            } else {
                Queued.GroupResult r = ar.result();
                metrics.queueDelivered(r.delivered());
                Set<String> claimed = new HashSet<>();
                for (int i = 0; i < groupClaims.size(); i++) {
                    PendingClaim c = groupClaims.get(i);
                    claimed.add(key(c.request().meshId(), c.request().recipient()));
                    c.promise().complete(r.claimed().get(i));
                }
                answerEnqueues(batch, r.enqueued(), claimed);
            }
            scheduleGroup();
        });
    }

    /** Whether pump claims go into groups (run in order on one writer), so a pump may have a second one pending. */
    boolean groupsClaims() {
        return grouped;
    }

    /** A pump's claim: into the next group when the store commits groups, else its own transaction. */
    Future<List<Queued.Message>> claim(Queued.ClaimRequest request) {
        if (!grouped) {
            return store.claim(request.meshId(), request.recipient(), request.claimId(), request.afterSeq(), request.limit(), now(),
                    request.leaseMs());
        }
        Promise<List<Queued.Message>> p = Promise.promise();
        claims.add(new PendingClaim(request, p));
        scheduleGroup();
        return p.future();
    }

    // ---- acks ----

    void ack(Queued.AckRef ref) {
        acks.add(ref);
        if (grouped) scheduleGroup();
        else scheduleAcks();
    }

    /** The next ack batch (at most {@link #MAX_ACK_BATCH}), in arrival order. */
    private List<Queued.AckRef> takeAcks() {
        List<Queued.AckRef> batch;
        if (acks.size() <= MAX_ACK_BATCH) {
            batch = acks;
            acks = new ArrayList<>();
        } else {
            batch = new ArrayList<>(acks.subList(0, MAX_ACK_BATCH));
            acks = new ArrayList<>(acks.subList(MAX_ACK_BATCH, acks.size()));
        }
        return batch;
    }

    private void scheduleAcks() {
        if (acksRunning >= MAX_ACK_BATCHES_IN_FLIGHT || ackScheduled || acks.isEmpty()) return;
        ackScheduled = true;
        vertx.runOnContext(v -> runAcks());
    }

    private void runAcks() {
        ackScheduled = false;
        if (acksRunning >= MAX_ACK_BATCHES_IN_FLIGHT || acks.isEmpty()) return;
        List<Queued.AckRef> batch = takeAcks();
        acksRunning++;
        store.markDelivered(batch, now()).onComplete(ar -> {
            acksRunning--;
            if (ar.succeeded()) {
                metrics.queueDelivered(ar.result());
            } else {
                // Not retried: the rows stay claimed, their lease expires and they are pushed again (at-least-once).
                LOG.warn("applying {} client acks failed: {}", batch.size(), ar.cause().toString());
            }
            scheduleAcks();
        });
    }

    // ---- pumps ----

    static String key(String meshId, String recipient) {
        return meshId + '|' + recipient;
    }

    /**
     * Starts pushing {@code recipient}'s queue to {@code sink} (raw JSON text frames, within its room) and
     * returns the pump; a previous pump of the same member stops.
     */
    public DeliveryPump attach(String meshId, String recipient, DeliverySink sink) {
        DeliveryPump pump = new DeliveryPump(this, meshId, recipient, sink);
        DeliveryPump old = pumps.put(key(meshId, recipient), pump);
        if (old != null) old.stop();
        if (!stopped) pump.wake();
        return pump;
    }

    public void detach(DeliveryPump pump) {
        pump.stop();
        pumps.remove(key(pump.meshId(), pump.recipient()), pump);
    }

    // ---- sweeper ----

    /** One sweeper pass; public for tests and the benchmark. */
    public Future<Queued.SweepResult> sweep() {
        if (sweeping || stopped) return Future.succeededFuture(new Queued.SweepResult(0, 0, 0, -1));
        sweeping = true;
        return store.sweep(now(), settings.deliveredRetention().toMillis()).onComplete(ar -> {
            sweeping = false;
            if (ar.failed()) {
                LOG.warn("queue sweep failed: {}", ar.cause().toString());
                return;
            }
            Queued.SweepResult r = ar.result();
            metrics.queueSweep();
            metrics.queueExpired(r.expired());
            metrics.queueDepth(r.depth());
            if (r.expired() > 0 || r.claimsReleased() > 0 || r.pruned() > 0) {
                LOG.info("queue sweep: {} expired, {} claims released, {} delivered rows pruned, depth {}", r.expired(), r.claimsReleased(), r.pruned(), r.depth());
            }
            Map<String, Set<String>> holders = holders(r.pending());
            for (DeliveryPump p : List.copyOf(pumps.values())) p.onSweep(claimable(holders.get(key(p.meshId(), p.recipient())), p.claimId()));
        });
    }

    /** Pump key → the claim ids holding its recipient's undelivered rows (null: held by nobody). */
    private static Map<String, Set<String>> holders(List<Queued.Pending> pending) {
        Map<String, Set<String>> out = new HashMap<>();
        for (Queued.Pending p : pending) out.computeIfAbsent(key(p.meshId(), p.recipient()), k -> new HashSet<>()).add(p.claimId());
        return out;
    }

    /** Whether a pump holding {@code claimId} can claim any of the rows held by {@code holders}. */
    static boolean claimable(Set<String> holders, String claimId) {
        if (holders == null) return false;
        for (String h : holders) {
            if (h == null || !h.equals(claimId)) return true;
        }
        return false;
    }
}
