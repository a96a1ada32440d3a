package dev.meshwire.coordinator.p2p;

import dev.meshwire.coordinator.flow.FlowLimits;
import dev.meshwire.coordinator.queue.TokenBucket;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The signalling rate limits of one connection (one member): a token bucket for all its signalling frames
 * and one per recipient. Lives and dies with the session, so churn leaves nothing behind; the per-recipient
 * map only holds recipients that were online when signalled, and full (idle) buckets are pruned.
 *
 * <p>Refusals are answered with {@code rate_limited} at most once per {@link #ANSWER_INTERVAL_MS} per
 * connection; the others are only counted, so a flood of excess frames cannot turn into a flood of errors.
 * Not thread-safe (the coordinator's event loop).
 */
public final class SignalLimiter {
    /** At most one rate_limited answer per this interval; the rest of the excess is dropped silently (and counted). */
    static final long ANSWER_INTERVAL_MS = 1000;
    /** Pair buckets kept before idle ones are pruned. */
    static final int PRUNE_ABOVE = 64;

    /** What to do with one signalling frame. */
    public enum Verdict {
        FORWARD,
        /** Over a limit: answer {@code rate_limited}. */
        REFUSE_ANSWERED,
        /** Over a limit, and an answer went out less than a second ago: drop without an answer. */
        REFUSE_SILENT
    }

    private final FlowLimits limits;
    private final TokenBucket member;
    private final Map<String, TokenBucket> pairs = new HashMap<>();
    private long lastAnswerAt = Long.MIN_VALUE / 2;
    private String lastScope;

    public SignalLimiter(FlowLimits limits, long nowMs) {
        this.limits = limits;
        this.member = limits.signalRate() > 0 ? new TokenBucket(limits.signalRate(), limits.signalBurst(), nowMs) : null;
    }

    /** Charges the member's bucket (before any validation work is spent on the frame). */
    public Verdict checkMember(long nowMs) {
        if (member == null || member.tryTake(nowMs)) return Verdict.FORWARD;
        return refuse("member", nowMs);
    }

    /** Charges the (this member, {@code to}) bucket; {@code to} is an online member of the mesh. */
    public Verdict checkPair(String to, long nowMs) {
        if (limits.signalPairRate() <= 0) return Verdict.FORWARD;
        TokenBucket b = pairs.get(to);
        if (b == null) {
            if (pairs.size() >= PRUNE_ABOVE) prune(nowMs);
            b = new TokenBucket(limits.signalPairRate(), limits.signalPairBurst(), nowMs);
            pairs.put(to, b);
        }
        if (b.tryTake(nowMs)) return Verdict.FORWARD;
        return refuse("pair", nowMs);
    }

    /** {@code member} or {@code pair}: which limit refused the last frame. */
    public String lastScope() {
        return lastScope;
    }

    int pairBuckets() {
        return pairs.size();
    }

    private Verdict refuse(String scope, long nowMs) {
        lastScope = scope;
        if (nowMs - lastAnswerAt < ANSWER_INTERVAL_MS) return Verdict.REFUSE_SILENT;
        lastAnswerAt = nowMs;
        return Verdict.REFUSE_ANSWERED;
    }

    private void prune(long nowMs) {
        for (Iterator<TokenBucket> it = pairs.values().iterator(); it.hasNext(); ) {
            if (it.next().isFull(nowMs)) it.remove();
        }
    }
}
