package dev.meshwire.coordinator.authority;

import dev.meshwire.coordinator.presence.PeerConnection;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.coordinator.store.BanRecord;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.frame.CloseCodes;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner operations: kick (close 4001, no state), ban (stored, close 4002, refused at every hello),
 * unban, and the ban list. The owner is whoever created the mesh; the owner cannot act on itself.
 * A target is a member's full public key or its display name (unique within a mesh).
 */
public final class Moderation {
    private static final Logger LOG = LoggerFactory.getLogger(Moderation.class);
    public static final String KICKED_REASON = "kicked by the mesh owner";

    private final CoordinatorStore store;
    private final PresenceRegistry presence;
    private final Clock clock;

    public Moderation(CoordinatorStore store, PresenceRegistry presence, Clock clock) {
        this.store = store;
        this.presence = presence;
        this.clock = clock;
    }

    /** A resolved target: the key, and the member record when the key is a member. */
    record Target(String pubkey, Optional<MemberRecord> member) {
        String label() {
            return member.map(MemberRecord::name).orElse(MeshAuthority.prefix(pubkey) + "…");
        }
    }

    private Future<Target> resolve(MeshRecord mesh, String target) {
        if (target == null || target.isBlank()) return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "target is required"));
        if (Hex.isHex(target, PublicKey.HEX_CHARS)) {
            return store.findMember(mesh.id(), target).map(m -> new Target(target, m));
        }
        return store.findMemberByName(mesh.id(), target).compose(m -> {
            if (m.isPresent()) return Future.succeededFuture(new Target(m.get().pubkey(), m));
            return Future.failedFuture(Refusal.of(ErrorCode.UNKNOWN_RECIPIENT,
                    "no member named '" + truncate(target) + "' in mesh " + mesh.name() + " (use a name or a full public key)"));
        });
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    private static Future<Void> requireOwner(MemberRecord actor, String op) {
        if (!actor.isOwner()) return Future.failedFuture(Refusal.of(ErrorCode.NOT_OWNER, op + " is reserved to the mesh owner"));
        return Future.succeededFuture();
    }

    private static Refusal self(String op) {
        return Refusal.of(ErrorCode.INVALID_FRAME, "the owner cannot " + op + " itself");
    }

    public Future<Frames.Ok> kick(MeshRecord mesh, MemberRecord actor, Frames.Kick kick) {
        return requireOwner(actor, "kick").compose(v -> resolve(mesh, kick.target())).compose(t -> {
            if (t.pubkey().equals(actor.pubkey())) return Future.failedFuture(self("kick"));
            if (t.member().isEmpty()) {
                return Future.failedFuture(Refusal.of(ErrorCode.UNKNOWN_RECIPIENT, "no member " + t.label() + " in mesh " + mesh.name()));
            }
            PeerConnection conn = presence.get(mesh.id(), t.pubkey());
            String detail;
            if (conn != null) {
                conn.disconnect(CloseCodes.KICKED, KICKED_REASON, "kicked");
                detail = "kicked " + t.label();
            } else {
                detail = t.label() + " was not connected; nothing to kick";
            }
            LOG.info("mesh {}: owner {}… kicked {}", mesh.name(), MeshAuthority.prefix(actor.pubkey()), MeshAuthority.prefix(t.pubkey()));
            return Future.succeededFuture(new Frames.Ok(kick.id(), "kick", t.pubkey(), detail));
        });
    }

    public Future<Frames.Ok> ban(MeshRecord mesh, MemberRecord actor, Frames.Ban ban) {
        return requireOwner(actor, "ban").compose(v -> resolve(mesh, ban.target())).compose(t -> {
            if (t.pubkey().equals(actor.pubkey())) return Future.failedFuture(self("ban"));
            BanRecord record = new BanRecord(mesh.id(), t.pubkey(), t.member().map(MemberRecord::name).orElse(null),
                    clock.millis(), actor.pubkey());
            return store.addBan(record).map(x -> {
                PeerConnection conn = presence.get(mesh.id(), t.pubkey());
                if (conn != null) {
                    Refusal why = MeshAuthority.banned(mesh);
                    conn.send(new Frames.Error(null, why.code(), why.getMessage()));
                    conn.disconnect(CloseCodes.BANNED, why.getMessage(), "banned");
                }
                LOG.info("mesh {}: owner {}… banned {}", mesh.name(), MeshAuthority.prefix(actor.pubkey()), MeshAuthority.prefix(t.pubkey()));
                return new Frames.Ok(ban.id(), "ban", t.pubkey(), "banned " + t.label());
            });
        });
    }

    public Future<Frames.Ok> unban(MeshRecord mesh, MemberRecord actor, Frames.Unban unban) {
        return requireOwner(actor, "unban").compose(v -> resolveBanned(mesh, unban.target())).compose(pubkey ->
                store.removeBan(mesh.id(), pubkey).map(removed -> new Frames.Ok(unban.id(), "unban", pubkey,
                        removed ? "unbanned " + MeshAuthority.prefix(pubkey) + "…" : MeshAuthority.prefix(pubkey) + "… was not banned")));
    }

    /** A name given to unban may belong to a banned key whose membership was since deleted: look in the bans too. */
    private Future<String> resolveBanned(MeshRecord mesh, String target) {
        if (target != null && !Hex.isHex(target, PublicKey.HEX_CHARS)) {
            return store.listBans(mesh.id()).compose(bans -> {
                Optional<BanRecord> byName = bans.stream().filter(b -> target.equals(b.name())).findFirst();
                return byName.isPresent() ? Future.succeededFuture(byName.get().pubkey()) : resolve(mesh, target).map(Target::pubkey);
            });
        }
        return resolve(mesh, target).map(Target::pubkey);
    }

    public Future<Frames.Bans> listBans(MeshRecord mesh, Frames.ListBans req) {
        return store.listBans(mesh.id()).map(bans -> new Frames.Bans(req.id(),
                bans.stream().map(b -> new Frames.BanInfo(b.pubkey(), b.name(), b.bannedAt())).toList()));
    }

    /** Peers of the mesh: every member, with live data for those online. */
    public Future<List<Frames.PeerInfo>> peers(MeshRecord mesh) {
        return store.listMembers(mesh.id()).map(members -> members.stream().map(m -> {
            PeerConnection c = presence.get(mesh.id(), m.pubkey());
            if (c != null) return c.peerInfo();
            return new Frames.PeerInfo(m.pubkey(), m.name(), m.role(), false, null, null);
        }).toList());
    }
}
