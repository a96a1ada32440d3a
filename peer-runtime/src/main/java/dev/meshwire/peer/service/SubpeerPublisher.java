package dev.meshwire.peer.service;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorError;
import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.ipc.api.SubpeersReply;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.subpeer.SubpeerSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the sub-peers a delegated service fronts (docs/protocol.md §6.5) for the local app that acts as the service
 * (the LiveKit side-car): it keeps the app's latest set, signs a {@code subpeers_set} with the service key and sends it on
 * the service's own connection — at once, and again on every new connection of the service (a reconnect, a coordinator
 * restart: the coordinator keeps sets in memory only).
 *
 * <p>The app's set is a lease: an app that has not set it again for {@link #STALE_AFTER_MS} is taken to be gone (crashed)
 * and an empty set is published, so its participants do not stay online in the mesh forever. The side-car refreshes
 * every {@code 15 s}. Thread-safe.
 */
public final class SubpeerPublisher {
    private static final Logger log = LoggerFactory.getLogger(SubpeerPublisher.class);
    /** An app's set not refreshed for this long is replaced by the empty set. */
    public static final long STALE_AFTER_MS = 60_000;
    private static final long ANSWER_WAIT_S = 15;

    /** The app's set and when it last set it; {@code sentOn}: the hello_ack of the connection it was last accepted on. */
    private record Desired(List<String> names, long setAt, long seq, Frames.HelloAck sentOn) {}

    private final Map<String, Desired> desired = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public SubpeerPublisher(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * The app's new set for {@code h}: checked (names, count, the service allowed to front), kept, and published now
     * when the service's connection is up (waiting for the coordinator's answer; its refusal is the caller's error).
     */
    public SubpeersReply set(HeldService h, List<String> names) {
        String refusal = SubpeerSet.frontingRefusal(h.file().attestation());
        if (refusal != null) throw new PeerException(PeerException.SCOPE_REFUSED, refusal);
        if (names.size() > SubpeerSet.MAX_NAMES) {
            throw new PeerException(PeerException.BAD_REQUEST, "field 'names' has " + names.size() + " entries; at most " + SubpeerSet.MAX_NAMES);
        }
        for (String n : names) {
            String bad = SubpeerSet.nameProblem(n);
            if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, "field 'names': " + bad);
        }
        List<String> sorted = SubpeerSet.canonicalOrder(names);
        Desired d;
        synchronized (this) {
            Desired old = desired.get(h.pubkey());
            d = new Desired(sorted, clock.getAsLong(), nextSeq(old), null);
            desired.put(h.pubkey(), d);
        }
        CoordinatorLink link = h.asMesh().link();
        if (!link.connected()) {
            return reply(h, d, false, "kept; published when the service's connection is up (" + link.describeState() + ")");
        }
        Frames.HelloAck on = link.lastAck();
        try {
            Frame answer = send(h, d).get(ANSWER_WAIT_S, TimeUnit.SECONDS);
            accepted(h.pubkey(), d, on);
            return reply(h, d, true, answer instanceof Frames.Ok ok ? ok.detail() : null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CoordinatorError ce) {
                throw new PeerException(PeerException.COORDINATOR_REFUSED, "coordinator refused: " + ce.getMessage());
            }
            return reply(h, d, false, "kept; published when the service's connection is up (" + e.getCause().getMessage() + ")");
        } catch (TimeoutException e) {
            return reply(h, d, false, "kept; the coordinator did not answer in time, published again on the next connection");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.INTERNAL, "interrupted");
        }
    }

    /**
     * The periodic pass over the held services: a set the app stopped refreshing becomes empty, and a set not yet
     * accepted on the service's current connection is sent (without waiting).
     */
    public void refresh(Collection<HeldService> held) {
        long now = clock.getAsLong();
        for (HeldService h : held) {
            Desired d;
            synchronized (this) {
                d = desired.get(h.pubkey());
                if (d == null) continue;
                if (!d.names().isEmpty() && now - d.setAt() > STALE_AFTER_MS) {
                    log.info("{}: the app did not refresh its sub-peers for {} s; publishing an empty set", h.label(), STALE_AFTER_MS / 1000);
                    d = new Desired(List.of(), now, nextSeq(d), null);
                    desired.put(h.pubkey(), d);
                }
            }
            CoordinatorLink link = h.asMesh().link();
            Frames.HelloAck on = link.lastAck();
            if (!link.connected() || on == null || on == d.sentOn()) continue;
            synchronized (this) {
                // A new statement (a growing seq): the coordinator may still hold the last one (a resumed presence).
                if (desired.get(h.pubkey()) != d) continue; // the app set a new one meanwhile: it is being sent
                d = new Desired(d.names(), d.setAt(), nextSeq(d), null);
                desired.put(h.pubkey(), d);
            }
            Desired sent = d;
            send(h, d).whenComplete((answer, err) -> {
                if (err == null) accepted(h.pubkey(), sent, on);
                else log.info("{}: publishing its sub-peers failed: {}", h.label(), err.getMessage());
            });
        }
    }

    /** The set of a service that is let go is forgotten (the coordinator drops it with the service's presence). */
    public void forget(String servicePubkey) {
        desired.remove(servicePubkey);
    }

    private java.util.concurrent.CompletableFuture<Frame> send(HeldService h, Desired d) {
        SubpeerSet set = SubpeerSet.sign(h.asMesh().identity(), h.file().attestation().mesh(), d.seq(), d.names());
        CoordinatorLink link = h.asMesh().link();
        String id = link.nextId();
        return link.request(id, new Frames.SubpeersSet(id, set.seq(), set.names(), set.signature()));
    }

    private synchronized void accepted(String service, Desired d, Frames.HelloAck on) {
        desired.computeIfPresent(service, (k, cur) -> cur.seq() == d.seq() ? new Desired(cur.names(), cur.setAt(), cur.seq(), on) : cur);
    }

    private long nextSeq(Desired old) {
        long now = clock.getAsLong();
        return old == null ? now : Math.max(now, old.seq() + 1);
    }

    private static SubpeersReply reply(HeldService h, Desired d, boolean published, String detail) {
        return new SubpeersReply(h.meshName(), h.name(), h.pubkey(), d.seq(), d.names(), published, detail);
    }
}
