package dev.meshwire.peer.topic;

import dev.meshwire.peer.coordinator.CoordinatorError;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.meshstate.MeshReplica;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.TopicEntry;
import dev.meshwire.signaling.meshstate.TopicSeal;
import dev.meshwire.signaling.topic.TopicKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this member's topic keys in step with the verified mesh state (docs/protocol.md §12.2 "Key lifecycle"):
 * <ul>
 *   <li><b>Keyring</b>: every seal addressed to this member — in the current state, or in an applied event (so an
 *       epoch that came and went while this daemon caught up is kept too) — is opened, checked against its key check
 *       value and stored; posts that waited for that key are settled into the inbox.</li>
 *   <li><b>Re-seal</b>: a member holding the current key seals it for every topic member still waiting for one (a
 *       joiner): member-driven, the coordinator never sees the key.</li>
 *   <li><b>Re-key</b>: when the state marks a topic {@link TopicEntry#rekeyNeeded} (a member left, or was banned or
 *       revoked), or a member whose membership expired holds the current key, a remaining member generates a new key and rotates to epoch + 1 with a seal for every remaining member.
 *       Several members may try at once: the first rotation wins, the others are refused ({@code topic_conflict}) and
 *       take the winner's key from the state.</li>
 * </ul>
 * Runs on state changes and every 30 s (the seed's re-seal loop), on one thread of its own: the work is serialized,
 * may block on the coordinator's answers, and never runs on the link's threads.
 */
public final class TopicKeeper implements MeshReplica.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicKeeper.class);
    private static final long ANSWER_WAIT_S = 15;

    private final JoinedMeshes meshes;
    private final TopicKeyring keyring;
    private final TopicInbox inbox;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "meshwire-topics");
        t.setDaemon(true);
        return t;
    });

    public TopicKeeper(JoinedMeshes meshes, TopicKeyring keyring, TopicInbox inbox) {
        this.meshes = meshes;
        this.keyring = keyring;
        this.inbox = inbox;
    }

    @Override
    public void changed(MeshState before, MeshState after, List<MeshEvent> applied) {
        if (after == null) return;
        List<MeshEvent> events = List.copyOf(applied);
        submit(() -> meshes.byMeshId(after.mesh()).ifPresent(s -> keep(s, events, false)));
    }

    /** The periodic pass over every joined mesh (re-seals for joiners whose first attempt was lost, re-keys, waiting posts). */
    public void sweep() {
        submit(() -> meshes.all().forEach(s -> keep(s, List.of(), true)));
    }

    /** Runs the keeper's pass for {@code s} now, on the keeper's thread, and waits for it (a post waiting for its key). */
    public void keepNow(MeshSession s) {
        try {
            worker.submit(() -> keep(s, List.of(), true)).get(ANSWER_WAIT_S * 2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("mesh {}: topic keys pass did not finish: {}", s.name(), e.toString());
        }
    }

    /**
     * Opens this member's seals of the current state into the keyring, on the caller's thread, without talking to the
     * coordinator (the receiver calls it when a post overtook the keeper's pass).
     */
    public void refreshKeys(MeshSession s) {
        MeshState state = s.roster().replica().state();
        if (state == null) return;
        for (TopicEntry t : state.channels().topics()) {
            t.member(s.selfPubkey()).filter(m -> m.seal() != null).ifPresent(m -> store(s, t.name(), t.epoch(), m.seal(), t.keyCheck()));
        }
    }

    private void submit(Runnable r) {
        if (worker.isShutdown()) return;
        try {
            worker.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    log.warn("topic keys pass failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /**
     * One pass for {@code s}. On a state change ({@code everyone} false) only the first eligible member in key order
     * re-seals or rotates at once, so that N members do not race N identical acts; the others act at their next
     * periodic pass ({@code everyone} true) if it is still needed — e.g. when the first one is offline — or when they post.
     */
    private void keep(MeshSession s, List<MeshEvent> applied, boolean everyone) {
        MeshState state = s.roster().replica().state();
        if (state == null) return;
        String mesh = state.mesh();
        String self = s.selfPubkey();
        for (MeshEvent e : applied) openFromEvent(s, e);
        for (TopicEntry t : state.channels().topics()) {
            var me = t.member(self).orElse(null);
            if (me == null) continue;
            if (me.seal() != null) store(s, t.name(), t.epoch(), me.seal(), t.keyCheck());
            inbox.settleWaiting(s, t.name());
            boolean holds = me.seal() != null && keyring.key(mesh, t.name(), t.epoch()).isPresent();
            long now = System.currentTimeMillis();
            if (needsRotation(state, t, now)) {
                if (everyone || first(self, activeMembers(state, t, now))) rotate(s, t);
                continue; // the joiners are covered by the rotation
            }
            List<String> holders = t.members().stream().filter(m -> m.seal() != null).map(TopicEntry.Member::pubkey).toList();
            if (holds && (everyone || first(self, holders))) {
                for (String pending : t.pending()) if (state.isActive(pending, now)) reseal(s, t, pending);
            }
        }
    }

    /**
     * Whether {@code t} must get a new key before anything more is posted: the state says so (a member left, was banned
     * or revoked), or a member that is no longer active (its membership expired — no event says so) holds the current key.
     */
    static boolean needsRotation(MeshState state, TopicEntry t, long now) {
        return t.rekeyNeeded() || t.members().stream().anyMatch(m -> m.seal() != null && !state.isActive(m.pubkey(), now));
    }

    /** The topic's members that are active members of the mesh at {@code now}: a rotation seals the new key for them only. */
    static List<String> activeMembers(MeshState state, TopicEntry t, long now) {
        return t.memberKeys().stream().filter(k -> state.isActive(k, now)).toList();
    }

    /** Whether {@code self} is the first of {@code keys} (sorted by key): the one that acts at once. */
    private static boolean first(String self, List<String> keys) {
        return !keys.isEmpty() && keys.stream().sorted().findFirst().get().equals(self);
    }

    /** Seals addressed to this member in an event as it was applied (an epoch the current state no longer shows). */
    private void openFromEvent(MeshSession s, MeshEvent e) {
        EventPayload p;
        try {
            p = e.payload();
        } catch (RuntimeException x) {
            return;
        }
        String self = s.selfPubkey();
        if (p instanceof EventPayload.TopicCreated c && self.equals(e.actor())) {
            store(s, c.topic(), 1, c.seal(), c.keyCheck());
        } else if (p instanceof EventPayload.TopicKeySealed k && self.equals(k.pubkey())) {
            String check = checkOf(s, k.topic(), k.epoch());
            if (check != null) store(s, k.topic(), k.epoch(), k.seal(), check);
        } else if (p instanceof EventPayload.TopicKeyRotated r) {
            for (TopicEntry.Member m : r.seals()) if (self.equals(m.pubkey())) store(s, r.topic(), r.epoch(), m.seal(), r.keyCheck());
        }
    }

    /** The key check of an epoch: the current state's, or the one stored with the key already held. */
    private String checkOf(MeshSession s, String topic, long epoch) {
        MeshState st = s.roster().replica().state();
        TopicEntry t = st == null ? null : st.channels().topic(topic).orElse(null);
        if (t != null && t.epoch() == epoch) return t.keyCheck();
        return keyring.keyCheck(st == null ? null : st.mesh(), topic, epoch).orElse(null);
    }

    private void store(MeshSession s, String topic, long epoch, TopicSeal seal, String keyCheck) {
        String mesh = s.config().meshId();
        var held = keyring.keyCheck(mesh, topic, epoch);
        if (held.isPresent() && held.get().equals(keyCheck)) return;
        if (held.isPresent()) {
            // Another key under the same (topic, epoch): an earlier topic of this name was deleted (its last member left)
            // and the name reused. Its keys belong to a history that is no longer served.
            log.info("mesh {}: #{} was created anew; forgetting the keys of the earlier #{}", s.name(), topic, topic);
            keyring.forget(mesh, topic);
        }
        try {
            byte[] key = TopicKeys.open(s.cipher(), seal, mesh, topic, epoch, keyCheck);
            if (keyring.put(mesh, topic, epoch, key, keyCheck)) {
                log.info("mesh {}: holding the key of #{} epoch {} (sealed by {}…)", s.name(), topic, epoch, seal.sealer().substring(0, 12));
            }
        } catch (CryptoException | IllegalArgumentException e) {
            log.warn("mesh {}: the seal of #{} epoch {} for this member does not open: {}", s.name(), topic, epoch, e.getMessage());
        }
    }

    private void reseal(MeshSession s, TopicEntry t, String member) {
        if (!s.link().connected()) return;
        byte[] key = keyring.key(s.config().meshId(), t.name(), t.epoch()).orElse(null);
        if (key == null) return;
        TopicSeal seal = TopicKeys.seal(s.cipher(), s.selfPubkey(), member, key);
        String id = s.link().nextId();
        String outcome = ask(s, id, new Frames.TopicSealKey(id, t.name(), t.epoch(), member, seal));
        log.info("mesh {}: re-sealed #{} epoch {} for {}…: {}", s.name(), t.name(), t.epoch(), member.substring(0, 12), outcome);
    }

    /**
     * Rotates {@code t} to epoch + 1 with a new key sealed for every member. The key is never stored from here: it
     * enters the keyring from this member's own seal once the state shows the rotation (so a refused attempt leaves
     * nothing behind). Returns the coordinator's answer ({@code ok}, or the refusal's code and message).
     */
    String rotate(MeshSession s, TopicEntry t) {
        if (!s.link().connected()) return "not connected";
        byte[] key = TopicKeys.generate();
        long epoch = t.epoch() + 1;
        String mesh = s.config().meshId();
        List<TopicEntry.Member> seals = new ArrayList<>();
        MeshState state = s.roster().replica().state();
        long now = System.currentTimeMillis();
        for (String m : t.memberKeys()) {
            if (state != null && !state.isActive(m, now)) continue; // an expired member gets no copy of the new key
            seals.add(new TopicEntry.Member(m, 0, TopicKeys.seal(s.cipher(), s.selfPubkey(), m, key)));
        }
        String id = s.link().nextId();
        String outcome = ask(s, id, new Frames.TopicRotate(id, t.name(), epoch, TopicKeys.keyCheck(mesh, t.name(), epoch, key), seals));
        java.util.Arrays.fill(key, (byte) 0);
        log.info("mesh {}: rotation of #{} to epoch {}: {}", s.name(), t.name(), epoch, outcome);
        return outcome;
    }

    private static String ask(MeshSession s, String id, Frame req) {
        try {
            Frame f = s.link().request(id, req).get(ANSWER_WAIT_S, TimeUnit.SECONDS);
            return f instanceof Frames.Ok ok ? "ok (" + ok.detail() + ")" : f.type();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CoordinatorError ce) {
                return ErrorCode.TOPIC_CONFLICT.equals(ce.code()) ? "another member came first (" + ce.getMessage() + ")"
                        : "refused: " + ce.code() + ": " + ce.getMessage();
            }
            return "failed: " + e.getCause();
        } catch (TimeoutException e) {
            return "no answer in time";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
