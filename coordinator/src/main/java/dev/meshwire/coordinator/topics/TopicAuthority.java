package dev.meshwire.coordinator.topics;

import dev.meshwire.coordinator.authority.MeshAuthority;
import dev.meshwire.coordinator.authority.Refusal;
import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.MeshStateException;
import dev.meshwire.signaling.meshstate.TopicEntry;
import dev.meshwire.signaling.topic.TopicNames;
import io.vertx.core.Future;
import java.util.function.Predicate;

/**
 * The topic acts of a member ({@code topic_create}, {@code topic_join}, {@code topic_leave}, {@code topic_seal},
 * {@code topic_rotate}; docs/protocol.md §12.2): each is checked against the current state, then appended as one event
 * with the member as actor, like {@code set_grant}. The coordinator handles only what the events carry — names,
 * membership, key check values and sealed keys — never a topic key.
 *
 * <p>Topic events may race (two members rotate at once); the state rules ({@code TopicRules}) keep an event that no
 * longer fits in the history without effect. So after the append this answers from the state it produced: {@code ok}
 * when the act took effect, {@code topic_conflict} when another one came first.
 */
public final class TopicAuthority {
    private final MeshLedger ledger;

    public TopicAuthority(MeshLedger ledger) {
        this.ledger = ledger;
    }

    public Future<Frames.Ok> create(MeshRecord mesh, String self, Frames.TopicCreate req) {
        EventPayload.TopicCreated p = new EventPayload.TopicCreated(req.topic(), req.keyCheck(), req.seal());
        return checked("topic_create", p).compose(x -> {
            if (!self.equals(req.seal().sealer())) {
                return refuse(ErrorCode.INVALID_FRAME, "topic_create: seal.sealer must be your own key (you seal the key for yourself)");
            }
            return ledger.current(mesh.id()).compose(state -> {
                if (state.channels().topic(req.topic()).isPresent()) {
                    return refuse(ErrorCode.TOPIC_CONFLICT, "topic_create: #" + req.topic() + " exists already; join it");
                }
                return appendAndConfirm(mesh, self, p, "topic_create", req.id(), req.topic(),
                        s -> s.channels().topic(req.topic()).map(t -> self.equals(t.createdBy()) && req.keyCheck().equals(t.keyCheck())).orElse(false),
                        "#" + req.topic() + " was created by another member first", "created #" + req.topic());
            });
        });
    }

    public Future<Frames.Ok> join(MeshRecord mesh, String self, Frames.TopicJoin req) {
        EventPayload.TopicJoined p = new EventPayload.TopicJoined(req.topic(), self);
        return checked("topic_join", p).compose(x -> ledger.current(mesh.id())).compose(state -> {
            TopicEntry t = topic(state, "topic_join", req.topic());
            if (t.isMember(self)) return Future.succeededFuture(new Frames.Ok(req.id(), "topic_join", req.topic(), "unchanged: already a member"));
            return appendAndConfirm(mesh, self, p, "topic_join", req.id(), req.topic(),
                    s -> s.channels().topic(req.topic()).map(e -> e.isMember(self)).orElse(false),
                    "#" + req.topic() + " no longer exists", "joined #" + req.topic() + "; a member holding the key will seal it for you");
        });
    }

    public Future<Frames.Ok> leave(MeshRecord mesh, String self, Frames.TopicLeave req) {
        String who = req.member() == null ? self : req.member();
        if (!Hex.isHex(who, PublicKey.HEX_CHARS)) return refuse(ErrorCode.INVALID_FRAME, "topic_leave: member must be a full public key (64 lowercase hex)");
        EventPayload.TopicLeft p = new EventPayload.TopicLeft(req.topic(), who);
        return checked("topic_leave", p).compose(x -> ledger.current(mesh.id())).compose(state -> {
            TopicEntry t = topic(state, "topic_leave", req.topic());
            if (!who.equals(self) && !state.entry(self).map(m -> m.canModerate()).orElse(false)) {
                return refuse(ErrorCode.NOT_OWNER, "topic_leave: only the mesh owner or an admin may remove another member from a topic");
            }
            if (!t.isMember(who)) return refuse(ErrorCode.NOT_TOPIC_MEMBER, "topic_leave: " + MeshAuthority.prefix(who) + "… is not a member of #" + req.topic());
            return appendAndConfirm(mesh, self, p, "topic_leave", req.id(), req.topic(),
                    s -> s.channels().topic(req.topic()).map(e -> !e.isMember(who)).orElse(true),
                    "the removal did not take effect", (who.equals(self) ? "left" : "removed " + MeshAuthority.prefix(who) + "… from")
                            + " #" + req.topic() + "; the remaining members rotate the key");
        });
    }

    public Future<Frames.Ok> seal(MeshRecord mesh, String self, Frames.TopicSealKey req) {
        EventPayload.TopicKeySealed p = new EventPayload.TopicKeySealed(req.topic(), req.epoch(), req.member(), req.seal());
        return checked("topic_seal", p).compose(x -> ledger.current(mesh.id())).compose(state -> {
            TopicEntry t = topic(state, "topic_seal", req.topic());
            if (!self.equals(req.seal().sealer())) return refuse(ErrorCode.INVALID_FRAME, "topic_seal: seal.sealer must be your own key");
            if (!t.holdsKey(self)) return refuse(ErrorCode.NOT_TOPIC_MEMBER, "topic_seal: you hold no seal of #" + req.topic() + "'s current key");
            if (req.epoch() != t.epoch()) {
                return refuse(ErrorCode.TOPIC_CONFLICT, "topic_seal: #" + req.topic() + " is at epoch " + t.epoch() + ", not " + req.epoch());
            }
            var m = t.member(req.member()).orElse(null);
            if (m == null) return refuse(ErrorCode.NOT_TOPIC_MEMBER, "topic_seal: " + MeshAuthority.prefix(req.member()) + "… is not a member of #" + req.topic());
            if (m.seal() != null) return Future.succeededFuture(new Frames.Ok(req.id(), "topic_seal", req.topic(), "unchanged: already sealed"));
            return appendAndConfirm(mesh, self, p, "topic_seal", req.id(), req.topic(),
                    s -> s.channels().topic(req.topic()).flatMap(e -> e.member(req.member())).map(x2 -> x2.seal() != null).orElse(false),
                    "#" + req.topic() + " changed (rotated, or the member left)", "sealed #" + req.topic() + " epoch " + req.epoch()
                            + " for " + MeshAuthority.prefix(req.member()) + "…");
        });
    }

    public Future<Frames.Ok> rotate(MeshRecord mesh, String self, Frames.TopicRotate req) {
        EventPayload.TopicKeyRotated p = new EventPayload.TopicKeyRotated(req.topic(), req.epoch(), req.keyCheck(), req.seals());
        return checked("topic_rotate", p).compose(x -> ledger.current(mesh.id())).compose(state -> {
            TopicEntry t = topic(state, "topic_rotate", req.topic());
            if (!t.isMember(self)) return refuse(ErrorCode.NOT_TOPIC_MEMBER, "topic_rotate: you are not a member of #" + req.topic());
            if (req.epoch() != t.epoch() + 1) {
                return refuse(ErrorCode.TOPIC_CONFLICT, "topic_rotate: #" + req.topic() + " is at epoch " + t.epoch()
                        + "; a rotation must name epoch " + (t.epoch() + 1) + " (another member rotated first: use its key)");
            }
            if (req.seals().stream().anyMatch(m -> !self.equals(m.seal().sealer()))) {
                return refuse(ErrorCode.INVALID_FRAME, "topic_rotate: every seal must be sealed by you (seal.sealer = your key)");
            }
            if (req.seals().stream().noneMatch(m -> self.equals(m.pubkey()))) {
                return refuse(ErrorCode.INVALID_FRAME, "topic_rotate: the seals must include your own");
            }
            return appendAndConfirm(mesh, self, p, "topic_rotate", req.id(), req.topic(),
                    s -> s.channels().topic(req.topic()).map(e -> e.epoch() == req.epoch() && req.keyCheck().equals(e.keyCheck())).orElse(false),
                    "another member rotated #" + req.topic() + " to epoch " + req.epoch() + " first: use its key",
                    "#" + req.topic() + " rotated to epoch " + req.epoch());
        });
    }

    /** The field rules of the event (the same a replica applies), as {@code invalid_frame}. */
    private static Future<Void> checked(String op, EventPayload p) {
        try {
            EventPayload.parse(p.kind(), Json.MAPPER.valueToTree(p));
            return Future.succeededFuture();
        } catch (MeshStateException e) {
            return refuse(ErrorCode.INVALID_FRAME, op + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return refuse(ErrorCode.INVALID_FRAME, op + ": malformed fields");
        }
    }

    private static TopicEntry topic(MeshState state, String op, String name) {
        return state.channels().topic(name).orElseThrow(() -> Refusal.of(ErrorCode.UNKNOWN_TOPIC,
                op + ": no topic " + TopicNames.address(name) + " in this mesh"));
    }

    private Future<Frames.Ok> appendAndConfirm(MeshRecord mesh, String self, EventPayload p, String op, String id, String topic,
                                               Predicate<MeshState> tookEffect, String lost, String detail) {
        return ledger.append(mesh.id(), self, p, new MeshEffect.None())
                .compose(a -> ledger.current(mesh.id()))
                .compose(after -> tookEffect.test(after) ? Future.succeededFuture(new Frames.Ok(id, op, topic, detail))
                        : refuse(ErrorCode.TOPIC_CONFLICT, op + ": " + lost));
    }

    private static <T> Future<T> refuse(String code, String message) {
        return Future.failedFuture(Refusal.of(code, message));
    }
}
