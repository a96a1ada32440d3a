package dev.meshwire.coordinator.authority;

import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.presence.PeerConnection;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.coordinator.store.Appended;
import dev.meshwire.coordinator.store.BanRecord;
import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.coordinator.store.RevocationRecord;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.frame.CloseCodes;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshState;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moderation by the owner or an admin ({@link ModerationRules}): kick (close 4001, audit event only), ban
 * (close 4002, refused at every hello, queued messages from the key dropped), unban, revoke (close 4002
 * "revoked", terminal, queued messages from and to the key dropped), set_role (owner only) and set_expiry.
 * Every change is one mesh event appended through the {@link MeshLedger}, which has pushed it to every
 * online member (the subject included) before the subject is closed and the {@code ok} goes out.
 * A target is a full public key or a display name (unique within a mesh).
 */
public final class Moderation {
    private static final Logger LOG = LoggerFactory.getLogger(Moderation.class);
    /** The close reason of a kick: {@code kicked by the mesh owner} or {@code kicked by a mesh admin}. */
    static String kickedReason(MeshRecord mesh, String actor) {
        return mesh.ownerPubkey().equals(actor) ? "kicked by the mesh owner" : "kicked by a mesh admin";
    }
    static final int MAX_REASON = 200;

    private final MeshLedger ledger;
    private final PresenceRegistry presence;
    private final CoordinatorMetrics metrics;
    private final Clock clock;

    public Moderation(MeshLedger ledger, PresenceRegistry presence, CoordinatorMetrics metrics, Clock clock) {
        this.ledger = ledger;
        this.presence = presence;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** A resolved target: the key, and its entry in the mesh state when the state knows it. */
    record Target(String pubkey, Optional<MemberEntry> entry) {
        String label() {
            return entry.map(MemberEntry::name).orElse(MeshAuthority.prefix(pubkey) + "…");
        }

        boolean isActive() {
            return entry.map(e -> MemberEntry.ACTIVE.equals(e.status())).orElse(false);
        }

        String status() {
            return entry.map(MemberEntry::status).orElse(null);
        }
    }

    /** A full key, or a name: an active member's first, else a banned or revoked key's. */
    static Target resolve(MeshRecord mesh, MeshState state, String target) {
        if (target == null || target.isBlank()) throw Refusal.of(ErrorCode.INVALID_FRAME, "target is required");
        if (Hex.isHex(target, PublicKey.HEX_CHARS)) return new Target(target, state.entry(target));
        Optional<MemberEntry> byName = state.entries().stream().filter(e -> target.equals(e.name()))
                .min(Comparator.comparing(e -> MemberEntry.ACTIVE.equals(e.status()) ? 0 : 1));
        if (byName.isEmpty()) {
            throw Refusal.of(ErrorCode.UNKNOWN_RECIPIENT, "no member named '" + truncate(target) + "' in mesh " + mesh.name()
                    + " (use a name or a full public key)");
        }
        return new Target(byName.get().pubkey(), byName);
    }

    static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    private static Refusal notAMember(MeshRecord mesh, Target t) {
        return Refusal.of(ErrorCode.UNKNOWN_RECIPIENT, "no member " + t.label() + " in mesh " + mesh.name());
    }

    /** Resolves the target after checking the actor's role and the target rules, on the current state. */
    private Future<Target> authorize(MeshRecord mesh, String actor, String target, String op, boolean ownerOnly) {
        return ledger.current(mesh.id()).map(state -> {
            ModerationRules.requireModerator(state, actor, op, ownerOnly);
            Target t = resolve(mesh, state, target);
            ModerationRules.requireMayTarget(state, actor, t.pubkey(), t.entry(), op);
            return t;
        });
    }

    public Future<Frames.Ok> kick(MeshRecord mesh, String actor, Frames.Kick kick) {
        return authorize(mesh, actor, kick.target(), "kick", false).compose(t -> {
            if (!t.isActive()) return Future.failedFuture(notAMember(mesh, t));
            // Present = its own presence or any of its sessions', each online or held within its lease.
            if (!presence.anyPresenceOf(mesh.id(), t.pubkey())) {
                return Future.succeededFuture(new Frames.Ok(kick.id(), "kick", t.pubkey(), t.label() + " was not connected; nothing to kick"));
            }
            return ledger.append(mesh.id(), actor, new EventPayload.MemberKicked(t.pubkey(), kickedReason(mesh, actor)), new MeshEffect.None()).map(a -> {
                // The member's own connection and every session it vouches for (also while its own is held).
                for (PeerConnection conn : presence.connectionsOf(mesh.id(), t.pubkey())) {
                    conn.disconnect(CloseCodes.KICKED, kickedReason(mesh, actor), "kicked");
                }
                presence.endHeldOf(mesh.id(), t.pubkey(), "kicked"); // itself or its sessions away within their lease: none may resume
                LOG.info("mesh {}: {}… kicked {}", mesh.name(), MeshAuthority.prefix(actor), MeshAuthority.prefix(t.pubkey()));
                return new Frames.Ok(kick.id(), "kick", t.pubkey(), "kicked " + t.label());
            });
        });
    }

    public Future<Frames.Ok> ban(MeshRecord mesh, String actor, Frames.Ban ban) {
        return authorize(mesh, actor, ban.target(), "ban", false).compose(t -> {
            if (MemberEntry.REVOKED.equals(t.status())) return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, t.label() + " is revoked"));
            if (MemberEntry.BANNED.equals(t.status())) {
                return Future.succeededFuture(new Frames.Ok(ban.id(), "ban", t.pubkey(), t.label() + " is already banned"));
            }
            String name = t.entry().map(MemberEntry::name).orElse(null);
            BanRecord record = new BanRecord(mesh.id(), t.pubkey(), name, clock.millis(), actor);
            // The effect deletes what the member and its sessions/services queued (the rows record their member).
            return ledger.append(mesh.id(), actor, new EventPayload.MemberBanned(t.pubkey(), name, null), new MeshEffect.Ban(record)).map(a -> {
                metrics.queueDropped("banned", a.droppedMessages());
                for (PeerConnection conn : presence.connectionsOf(mesh.id(), t.pubkey())) {
                    Refusal why = MeshAuthority.banned(mesh);
                    conn.send(new Frames.Error(null, why.code(), why.getMessage()));
                    conn.disconnect(CloseCodes.BANNED, why.getMessage(), "banned");
                }
                presence.endHeldOf(mesh.id(), t.pubkey(), "banned"); // itself or its sessions away within their lease: none may resume
                LOG.info("mesh {}: {}… banned {} ({} queued messages from it dropped)", mesh.name(), MeshAuthority.prefix(actor),
                        MeshAuthority.prefix(t.pubkey()), a.droppedMessages());
                return new Frames.Ok(ban.id(), "ban", t.pubkey(), "banned " + t.label() + dropped(a));
            });
        });
    }

    /**
     * What the member and its sessions queued went with its event (MeshEffect: rows record the member they were sent
     * for); this drops, for a revocation, what is queued <em>for</em> its sessions present now, connected or held (the
     * store knows session keys as recipients only from presence; rows for a session that is gone can never be claimed
     * again: its parent can no longer vouch for a hello, and they expire).
     */
    private Future<Void> dropSessionTraffic(MeshRecord mesh, String member, boolean alsoTo, String why) {
        List<String> keys = presence.sessionKeysOf(mesh.id(), member);
        if (keys.isEmpty()) return Future.succeededFuture();
        return ledger.store().dropQueued(mesh.id(), keys, alsoTo).map(n -> {
            metrics.queueDropped(why, n);
            if (n > 0) LOG.info("mesh {}: {} queued message(s) of {} session(s) of {}… dropped ({})", mesh.name(), n, keys.size(),
                    MeshAuthority.prefix(member), why);
            return null;
        });
    }

    private static String dropped(Appended a) {
        return a.droppedMessages() == 0 ? "" : "; " + a.droppedMessages() + " queued message(s) dropped";
    }

    public Future<Frames.Ok> unban(MeshRecord mesh, String actor, Frames.Unban unban) {
        return authorize(mesh, actor, unban.target(), "unban", false).compose(t -> {
            if (!MemberEntry.BANNED.equals(t.status())) {
                return Future.succeededFuture(new Frames.Ok(unban.id(), "unban", t.pubkey(), t.label() + " was not banned"));
            }
            return ledger.append(mesh.id(), actor, new EventPayload.MemberUnbanned(t.pubkey()), new MeshEffect.Unban(t.pubkey()))
                    .map(a -> new Frames.Ok(unban.id(), "unban", t.pubkey(), "unbanned " + t.label()));
        });
    }

    public Future<Frames.Ok> revoke(MeshRecord mesh, String actor, Frames.Revoke revoke) {
        String reason = revoke.reason() == null || revoke.reason().isBlank() ? null : revoke.reason().strip();
        if (reason != null && reason.length() > MAX_REASON) {
            return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "revoke: reason is longer than " + MAX_REASON + " characters"));
        }
        return authorize(mesh, actor, revoke.target(), "revoke", false).compose(t -> {
            if (MemberEntry.REVOKED.equals(t.status())) {
                return Future.succeededFuture(new Frames.Ok(revoke.id(), "revoke", t.pubkey(), t.label() + " is already revoked"));
            }
            long now = clock.millis();
            RevocationRecord record = new RevocationRecord(mesh.id(), t.pubkey(), now, actor, reason);
            return ledger.append(mesh.id(), actor, new EventPayload.MemberRevoked(t.pubkey(), reason), new MeshEffect.Revoke(record))
                    .compose(a -> dropSessionTraffic(mesh, t.pubkey(), true, "revoked").map(a)).map(a -> {
                metrics.queueDropped("revoked", a.droppedMessages());
                LOG.info("mesh {}: {} revoked by {}: {} ({} queued messages from/to it dropped)", mesh.name(), t.pubkey(), actor,
                        reason == null ? "(no reason given)" : reason, a.droppedMessages());
                for (PeerConnection conn : presence.connectionsOf(mesh.id(), t.pubkey())) {
                    Refusal why = MeshAuthority.revoked(mesh, reason);
                    conn.send(new Frames.Error(null, why.code(), why.getMessage()));
                    conn.disconnect(CloseCodes.BANNED, MeshAuthority.revokedCloseReason(reason), "revoked");
                }
                presence.endHeldOf(mesh.id(), t.pubkey(), "revoked"); // itself or its sessions away within their lease: none may resume
                return new Frames.Ok(revoke.id(), "revoke", t.pubkey(), "revoked " + t.label() + dropped(a));
            });
        });
    }

    public Future<Frames.Ok> setRole(MeshRecord mesh, String actor, Frames.SetRole req) {
        if (!MemberEntry.ADMIN.equals(req.role()) && !MemberEntry.MEMBER.equals(req.role())) {
            return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "set_role: role must be admin or member"));
        }
        return authorize(mesh, actor, req.target(), "set_role", true).compose(t -> {
            if (!t.isActive()) return Future.failedFuture(notAMember(mesh, t));
            if (req.role().equals(t.entry().get().role())) {
                return Future.succeededFuture(new Frames.Ok(req.id(), "set_role", t.pubkey(), t.label() + " is already " + req.role()));
            }
            return ledger.append(mesh.id(), actor, new EventPayload.RoleChanged(t.pubkey(), req.role()), new MeshEffect.SetRole(t.pubkey(), req.role()))
                    .map(a -> new Frames.Ok(req.id(), "set_role", t.pubkey(), t.label() + " is now " + req.role()));
        });
    }

    public Future<Frames.Ok> setExpiry(MeshRecord mesh, String actor, Frames.SetExpiry req) {
        if (req.expiresAt() != null && req.expiresAt() <= 0) {
            return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "set_expiry: expiresAt must be epoch milliseconds or null"));
        }
        return authorize(mesh, actor, req.target(), "set_expiry", false).compose(t -> {
            if (!t.isActive()) return Future.failedFuture(notAMember(mesh, t));
            return ledger.append(mesh.id(), actor, new EventPayload.ExpirySet(t.pubkey(), req.expiresAt()),
                    new MeshEffect.SetExpiry(t.pubkey(), req.expiresAt())).map(a -> new Frames.Ok(req.id(), "set_expiry", t.pubkey(),
                    req.expiresAt() == null ? t.label() + " no longer expires" : t.label() + " expires at " + java.time.Instant.ofEpochMilli(req.expiresAt())));
        });
    }

    public Future<Frames.Bans> listBans(MeshRecord mesh, Frames.ListBans req) {
        return ledger.store().listBans(mesh.id()).map(bans -> new Frames.Bans(req.id(),
                bans.stream().map(b -> new Frames.BanInfo(b.pubkey(), b.name(), b.bannedAt())).toList()));
    }

    /**
     * Peers of the mesh: every active member (banned, revoked and expired ones are not listed), with live data for
     * those present (online or held), then every present session or service of a listed member (each with its
     * {@code parent}; held ones too).
     */
    public Future<List<Frames.PeerInfo>> peers(MeshRecord mesh) {
        long now = clock.millis();
        return ledger.store().listMembers(mesh.id()).map(members -> {
            List<Frames.PeerInfo> out = new java.util.ArrayList<>();
            java.util.Set<String> listed = new java.util.HashSet<>();
            for (var m : members) {
                if (m.expiredAt(now)) continue;
                listed.add(m.pubkey());
                Frames.PeerInfo present = presence.presentInfo(mesh.id(), m.pubkey()); // online, or held within its lease
                out.add(present != null ? present : new Frames.PeerInfo(m.pubkey(), m.name(), m.role(), false, null, null));
            }
            for (Frames.PeerInfo session : presence.presentSessions(mesh.id())) {
                if (listed.contains(session.parent())) out.add(session);
            }
            return out;
        });
    }
}
