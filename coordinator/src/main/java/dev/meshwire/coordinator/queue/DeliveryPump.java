package dev.meshwire.coordinator.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.grants.GrantPolicy;
import dev.meshwire.coordinator.services.ServiceRegistry;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Channel;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes one online member's queue: claims a batch (one statement), writes a {@code deliver} per row in
 * row order, and keeps at most {@code maxInflight} unacknowledged deliveries; acks free room and the next
 * batch is claimed. One claim at a time, except that a group bringing new rows may carry a second one ({@link #rowsComing}). A wake during a claim is remembered, so a row committed while the
 * claim ran is not missed. Runs on the coordinator's event loop.
 *
 * <p>Backpressure: a claim is made only while the connection has room below its outbound high-water mark,
 * and holds at most as many rows as fit that room at the size of the largest deliver pushed so far (a
 * first guess before the first push). Rows not claimed stay in the durable queue; a slow reader therefore
 * costs the coordinator at most one claim beyond its mark (see {@link DeliverySink}).
 */
public final class DeliveryPump {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryPump.class);

    private final QueueService queue;
    private final String meshId;
    private final String recipient;
    /** Size assumed for a deliver before this pump has pushed one: a claim then fills a quarter of the default room. */
    static final long FIRST_SIZE_GUESS = 16 * 1024;
    /** Floor of the size estimate, so a run of tiny delivers does not let one claim take the whole batch limit blindly. */
    static final long MIN_SIZE_ESTIMATE = 512;

    private final DeliverySink sink;
    private long largestPushed;
    private boolean waitingForRoom;
    private final String claimId = "c_" + Hex.encode(Sodium.randomBytes(12));
    private final String deliverPrefix;
    /** A pushed, unacknowledged row: when it was pushed, and whose it is (for the sender's receipt). */
    private record Pushed(long atNanos, String sender, String clientMessageId) {}

    /** messageId → the push. */
    private final Map<String, Pushed> inflight = new LinkedHashMap<>();
    /** Claims sent and not answered: one, or two when a group brings rows while one is pending ({@link #rowsComing}). */
    private int claimsInFlight;
    /** Rows those claims may still return (their limits), counted against the window. */
    private int claimLimits;
    private boolean more;
    private boolean wokenWhileClaiming;
    private boolean stopped;
    /** Highest row id claimed so far; claims start after it. Reset to 0 by a sweep (expired leases, released claims). */
    private long cursor;

    DeliveryPump(QueueService queue, String meshId, String recipient, DeliverySink sink) {
        this.queue = queue;
        this.meshId = meshId;
        this.recipient = recipient;
        this.sink = sink;
        this.deliverPrefix = "{\"type\":\"deliver\",\"mesh\":" + quote(meshId) + ",\"messageId\":";
    }

    public String meshId() {
        return meshId;
    }

    public String recipient() {
        return recipient;
    }

    public String claimId() {
        return claimId;
    }

    public int inflight() {
        return inflight.size();
    }

    /** New rows may exist for this member. */
    public void wake() {
        if (stopped) return;
        if (claimsInFlight > 0) {
            wokenWhileClaiming = true;
            return;
        }
        more = true;
        claimMore();
    }

    /**
     * Rows for this member are in the group the queue is about to commit: claim now, so that the claim joins the same
     * group (on SQLite the rows are then written claimed at their insert). When a claim is pending already (in a group
     * still in flight), a second one goes into this group: the store runs groups in order and a claim never takes rows
     * held under its own claim id, so the two cannot return the same row, and the later one is answered later (row
     * order is kept). Without it those rows would be inserted unclaimed and claimed by an update one group later.
     */
    void rowsComing() {
        if (stopped) return;
        if (claimsInFlight == 0) {
            more = true;
            claimMore();
        } else if (claimsInFlight == 1 && queue.groupsClaims()) {
            wokenWhileClaiming = true;
            int room = queue.settings().maxInflight() - inflight.size() - claimLimits;
            if (room > 0) claim(room);
        }
    }

    /**
     * The recipient acknowledged {@code messageId}. Applied to the store (batched) even when this pump did
     * not push it (e.g. pushed to an earlier connection): the store only marks rows addressed to this member.
     * When this pump pushed it, the sender learns it from a receipt: the row it claimed for this recipient
     * names the sender, so an ack can only ever produce a receipt for a message this member was sent.
     */
    public void onAck(String messageId) {
        if (stopped) return;
        Pushed sent = inflight.remove(messageId);
        if (sent != null) {
            queue.metrics().ackLatency(System.nanoTime() - sent.atNanos());
            queue.receipt(meshId, sent.sender(), recipient, messageId, sent.clientMessageId());
        }
        queue.ack(new Queued.AckRef(meshId, recipient, messageId));
        claimMore();
    }

    /**
     * After a sweep. Pushes older than the lease duration are forgotten in memory (their rows, if still
     * undelivered, were released and are claimable again; if they were dropped meanwhile, their window slot is
     * free again). Only when the sweep found rows this pump can claim ({@code claimable}: rows held by nobody or
     * under another claim id) does it claim, from the start of the queue, as such rows may lie behind the cursor.
     * Otherwise it claims only if an earlier claim left {@code more} pending (a failed claim is retried here).
     */
    void onSweep(boolean claimable) {
        if (stopped) return;
        long cutoff = System.nanoTime() - queue.settings().lease().toNanos();
        for (Iterator<Pushed> it = inflight.values().iterator(); it.hasNext(); ) {
            if (it.next().atNanos() <= cutoff) it.remove();
        }
        if (claimable) {
            cursor = 0;
            wake();
        } else {
            claimMore();
        }
    }

    void stop() {
        stopped = true;
        inflight.clear();
    }

    private void claimMore() {
        if (stopped || claimsInFlight > 0 || !more) return;
        int window = queue.settings().maxInflight();
        int room = window - inflight.size();
        // Claim in sizeable batches: wait until a quarter of the window is free (unless nothing is in flight).
        if (room <= 0 || (room < Math.max(1, window / 4) && !inflight.isEmpty())) return;
        long bytesRoom = sink.room();
        if (bytesRoom <= 0) {
            // The connection is above its high-water mark: the rows wait in the queue until it drains.
            if (!waitingForRoom) {
                waitingForRoom = true;
                sink.whenRoom(() -> {
                    waitingForRoom = false;
                    claimMore();
                });
            }
            return;
        }
        claim(room);
    }

    /**
     * Sends one claim for at most {@code room} rows, fewer when the connection's byte room (less what a pending claim
     * may still push) is smaller; none when that is used up.
     */
    private void claim(int room) {
        long estimate = largestPushed == 0 ? FIRST_SIZE_GUESS : Math.max(MIN_SIZE_ESTIMATE, largestPushed);
        long bytesRoom = sink.room() - (long) claimLimits * estimate;
        if (bytesRoom <= 0) return;
        int n = (int) Math.max(1, Math.min(Math.min(room, queue.settings().maxClaimBatch()), bytesRoom / estimate));
        claimsInFlight++;
        claimLimits += n;
        wokenWhileClaiming = false;
        queue.metrics().queueClaim();
        queue.claim(new Queued.ClaimRequest(meshId, recipient, claimId, cursor, n, queue.settings().lease().toMillis())).onComplete(ar -> {
            claimsInFlight--;
            claimLimits -= n;
            if (stopped) return; // claimed rows are taken over by the member's next session, or expire
            if (ar.failed()) {
                LOG.warn("claim for {}… failed: {}", recipient.substring(0, 12), ar.cause().toString());
                more = true; // the next sweep retries (onSweep)
                return;
            }
            List<Queued.Message> rows = ar.result();
            long t = System.nanoTime();
            GrantPolicy grants = queue.grants();
            ServiceRegistry services = queue.services();
            // Both checks need the row's channel (a JSON parse): skipped entirely in the common case of a member
            // recipient that set no grants.
            boolean checkGrants = grants != null && !grants.unrestricted(meshId, recipient);
            boolean checkScopes = services != null && services.isService(meshId, recipient);
            for (Queued.Message m : rows) {
                cursor = Math.max(cursor, m.seq());
                if ((checkGrants || checkScopes) && refused(m, checkGrants ? grants : null, checkScopes ? services : null)) continue;
                if (m.attempts() > 1) queue.metrics().queueRedelivered();
                queue.metrics().relayed();
                inflight.put(m.messageId(), new Pushed(t, m.sender(), m.clientMessageId()));
                String deliver = deliverPrefix + quote(m.messageId()) + ",\"envelope\":" + m.envelopeJson() + '}';
                largestPushed = Math.max(largestPushed, deliver.length());
                sink.write(deliver);
            }
            // A short batch from a cursor > 0 may have skipped older rows released meanwhile: the sweep that released
            // them reports them as held by nobody, and this pump rescans from 0.
            // With a second claim pending, its answer (later, it saw everything this one did) decides `more`.
            more = rows.size() >= n || wokenWhileClaiming || claimsInFlight > 0;
            claimMore();
        });
    }

    /**
     * A row that may no longer be pushed is dropped: the recipient's grants refuse its sender now (they may have
     * changed since it was queued; the sender side is the member recorded with the row, so a row of a session that
     * has disconnected since is judged by its parent's entry), or the recipient is a service whose current read
     * scopes do not cover the row's channel (re-registered with fewer scopes since). A dropped row is marked
     * delivered like an acked row (the row and its envelope deleted, its dedupe record kept), no receipt goes to the sender, and it
     * is counted: {@code meshwire_grant_dropped_total{path="queue"}} or
     * {@code meshwire_service_scope_refused_total{path="queue"}}. A row whose envelope cannot be read is pushed as
     * usual: the receiving client refuses it and acks it.
     */
    private boolean refused(Queued.Message m, GrantPolicy grants, ServiceRegistry services) {
        Channel channel;
        try {
            JsonNode c = Json.MAPPER.readTree(m.envelopeJson()).get("channel");
            channel = c == null ? null : Channel.fromWire(c.asText());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return false;
        }
        if (channel == null) return false;
        if (services != null && services.readRefusal(meshId, recipient, channel) != null) {
            services.scopeRefused(GrantPolicy.PATH_QUEUE);
        } else if (grants != null && !grants.allowsRow(meshId, m.senderMember(), recipient, channel)) {
            grants.dropped(GrantPolicy.PATH_QUEUE);
        } else {
            return false;
        }
        queue.ack(new Queued.AckRef(meshId, recipient, m.messageId()));
        return true;
    }

    /** Message and mesh ids are generated by the coordinator ([a-z0-9_]); quoting is still done properly. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
