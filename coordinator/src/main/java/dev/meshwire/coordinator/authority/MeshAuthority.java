package dev.meshwire.coordinator.authority;

import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.JoinResult;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Names;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.frame.CloseCodes;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.invite.Invite;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.service.ServiceEntry;
import dev.meshwire.signaling.service.ServiceHelloCheck;
import dev.meshwire.signaling.session.SessionHelloCheck;
import dev.meshwire.signaling.session.Verdict;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Optional;

/**
 * Decides who may speak for which member of which mesh: hello (existing members) and join (invites).
 *
 * <p>Refusals before authentication close the connection, so a client never sits on a half-open
 * unauthenticated session: 4003 for an identity, invite or name that was refused, or a membership that
 * expired (fix and reconnect by hand), 4002 for a ban or a revocation (terminal), 4010 for a malformed
 * handshake. A join that makes a new member appends its member_joined event through the {@link MeshLedger};
 * a re-join of a current member appends nothing.
 */
public final class MeshAuthority {
    private final CoordinatorStore store;
    private final MeshLedger ledger;
    private final Clock clock;

    public MeshAuthority(MeshLedger ledger, Clock clock) {
        this.store = ledger.store();
        this.ledger = ledger;
        this.clock = clock;
    }

    /**
     * Re-checks an authenticated key against the mesh state it is about to be admitted with: a revocation,
     * ban, leave or expiry committed between the hello checks and the admission refuses it after all.
     * Returns null when the key is an active member of {@code state}.
     */
    public static Refusal recheck(MeshRecord mesh, MeshState state, String pubkey, long now) {
        MemberEntry e = state.entry(pubkey).orElse(null);
        if (e == null) return unauthorized(ErrorCode.NOT_MEMBER, "key " + prefix(pubkey) + "… is not a member of mesh " + mesh.name());
        if (MemberEntry.REVOKED.equals(e.status())) return revoked(mesh, e.reason());
        if (MemberEntry.BANNED.equals(e.status())) return banned(mesh);
        if (e.expiredAt(now)) return expired(mesh);
        return null;
    }

    /**
     * For a service connection (docs/protocol.md §6.4 "Service connections"), after {@link #recheck} of its owner:
     * the service must be registered in {@code state} and {@code active} — a revoked key is refused like a revoked
     * member ({@code revoked}, 4002), an expired attestation {@code expired} (4003), an unregistered key
     * {@code not_member} (4003). Null when it may connect.
     */
    public static Refusal recheckService(MeshRecord mesh, MeshState state, ServiceAttestation service, long now) {
        ServiceEntry e = state.service(service.servicePubkey()).orElse(null);
        if (e == null || !e.attestation().signature().equals(service.signature())) { // both verified: same signature, same statement
            return unauthorized(ErrorCode.NOT_MEMBER, "service " + prefix(service.servicePubkey()) + "… is not registered in mesh "
                    + mesh.name() + " with this attestation (meshwire service register)");
        }
        String status = state.serviceStatus(e, now);
        return switch (status) {
            case ServiceEntry.ACTIVE -> null;
            case ServiceEntry.REVOKED -> revoked(mesh, state.entry(service.servicePubkey()).map(MemberEntry::reason).orElse(null));
            case ServiceEntry.EXPIRED -> unauthorized(ErrorCode.EXPIRED, "service " + service.serviceId() + ": its attestation expired");
            default -> unauthorized(ErrorCode.NOT_MEMBER, "service " + service.serviceId() + ": its owner is not an active member");
        };
    }

    public static String prefix(String pubkey) {
        return pubkey == null ? "?" : pubkey.substring(0, Math.min(8, pubkey.length()));
    }

    static Refusal unauthorized(String code, String message) {
        return Refusal.closing(code, message, CloseCodes.UNAUTHORIZED);
    }

    static Refusal malformed(String message) {
        return Refusal.closing(ErrorCode.INVALID_FRAME, message, CloseCodes.PROTOCOL);
    }

    public static Refusal banned(MeshRecord mesh) {
        return Refusal.closing(ErrorCode.BANNED, "banned from mesh " + mesh.name() + ": contact the mesh owner", CloseCodes.BANNED);
    }

    private static void requirePubkey(String pubkey, String field) {
        if (!Hex.isHex(pubkey, PublicKey.HEX_CHARS)) {
            throw malformed(field + " must be 64 lowercase hex characters");
        }
    }

    private static void requireSignature(String sig) {
        if (sig == null || sig.isEmpty()) throw malformed("signature is required");
    }

    private Future<MeshRecord> requireMesh(String meshId) {
        return store.findMesh(meshId).map(m -> m.orElseThrow(
                () -> unauthorized(ErrorCode.UNKNOWN_MESH, "unknown mesh " + meshId + " on this coordinator")));
    }

    public static Refusal revoked(MeshRecord mesh, String reason) {
        return Refusal.closing(ErrorCode.REVOKED, "revoked from mesh " + mesh.name() + (reason == null ? "" : ": " + reason),
                CloseCodes.BANNED);
    }

    /** The close reason of a revoked session: {@code revoked: <reason>}. */
    public static String revokedCloseReason(String reason) {
        return "revoked: " + (reason == null ? "no reason given" : reason);
    }

    public static Refusal expired(MeshRecord mesh) {
        return Refusal.closing(ErrorCode.MEMBERSHIP_EXPIRED, "membership of mesh " + mesh.name() + " expired: ask an admin to renew it",
                CloseCodes.UNAUTHORIZED);
    }

    /** Revoked keys first (terminal), then bans. */
    private Future<Void> requireNotBanned(MeshRecord mesh, String pubkey) {
        return store.findRevocation(mesh.id(), pubkey).compose(rev -> {
            if (rev.isPresent()) return Future.failedFuture(revoked(mesh, rev.get().reason()));
            return store.findBan(mesh.id(), pubkey);
        }).compose(ban -> {
            if (ban.isPresent()) return Future.failedFuture(banned(mesh));
            return Future.succeededFuture();
        });
    }

    /** Checks a {@code hello} against the connection's challenge nonce. */
    public Future<Authenticated> hello(Frames.Hello hello, String nonce) {
        try {
            if (hello.mesh() == null || hello.mesh().isEmpty()) throw malformed("hello: mesh is required");
            requirePubkey(hello.pubkey(), "hello: pubkey");
            requireSignature(hello.signature());
        } catch (Refusal r) {
            return Future.failedFuture(r);
        }
        return requireMesh(hello.mesh()).compose(mesh -> {
            if (!Signatures.verify(hello.pubkey(), Canonical.hello(mesh.id(), hello.pubkey(), nonce), hello.signature())) {
                return Future.failedFuture(unauthorized(ErrorCode.BAD_SIGNATURE,
                        "hello signature does not verify over the challenge for this key"));
            }
            return requireNotBanned(mesh, hello.pubkey())
                    .compose(v -> store.findMember(mesh.id(), hello.pubkey()))
                    .compose(member -> member
                            .map(m -> m.expiredAt(clock.millis()) ? Future.<Authenticated>failedFuture(expired(mesh))
                                    : Future.succeededFuture(new Authenticated(mesh, m, false)))
                            .orElseGet(() -> Future.failedFuture(unauthorized(ErrorCode.NOT_MEMBER,
                                    "key " + prefix(hello.pubkey()) + "… is not a member of mesh " + mesh.name()
                                            + ": ask a member for an invite and join"))));
        });
    }

    /**
     * Checks a {@code session_hello} against the connection's challenge nonce: well-formed frame
     * ({@code invalid_frame}, 4010) → mesh exists ({@code unknown_mesh}, 4003) → attestation and proof
     * ({@link SessionHelloCheck}: {@code malformed}, {@code expired}, {@code ttl_too_long}, {@code bad_signature},
     * {@code timestamp_skew}; 4003) → the parent is not revoked or banned (4002) → the parent is a member whose
     * membership has not expired (4003) — the same owner of membership as {@link #hello}.
     */
    public Future<Authenticated> sessionHello(Frames.SessionHello hello, String nonce) {
        try {
            if (hello.mesh() == null || hello.mesh().isEmpty()) throw malformed("session_hello: mesh is required");
            if (hello.name() != null) {
                String nameProblem = Names.checkDisplayName(hello.name());
                if (nameProblem != null) throw malformed("session_hello: name: " + nameProblem);
            }
        } catch (Refusal r) {
            return Future.failedFuture(r);
        }
        return requireMesh(hello.mesh()).compose(mesh -> {
            boolean service = hello.serviceAttestation() != null;
            Verdict v = service ? ServiceHelloCheck.check(mesh.id(), nonce, hello, clock.millis())
                    : SessionHelloCheck.check(mesh.id(), nonce, hello, clock.millis());
            if (!v.ok()) return Future.failedFuture(unauthorized(v.reason().wire(), "session_hello: " + v.detail()));
            String parent = hello.parent();
            // A service's registration and status are checked against the mesh state once it is loaded (recheckService).
            SessionIdentity session = service ? SessionIdentity.service(hello.name(), hello.serviceAttestation())
                    : new SessionIdentity(hello.pubkey(), hello.name(), hello.attestation());
            return requireNotBanned(mesh, parent)
                    .compose(x -> store.findMember(mesh.id(), parent))
                    .compose(member -> member
                            .map(m -> m.expiredAt(clock.millis()) ? Future.<Authenticated>failedFuture(expired(mesh))
                                    : Future.succeededFuture(new Authenticated(mesh, m, false, session)))
                            .orElseGet(() -> Future.failedFuture(unauthorized(ErrorCode.NOT_MEMBER,
                                    "session_hello: parent " + prefix(parent) + "… is not a member of mesh " + mesh.name()))));
        });
    }

    /** Checks a {@code join}: the invite, its issuer, its use count, the join signature and the name. */
    public Future<Authenticated> join(Frames.Join join, String nonce) {
        Invite invite;
        try {
            requirePubkey(join.pubkey(), "join: pubkey");
            requireSignature(join.signature());
            String nameProblem = Names.checkDisplayName(join.name());
            if (nameProblem != null) throw malformed("join: " + nameProblem);
            try {
                invite = Invite.decode(join.invite());
            } catch (IllegalArgumentException e) {
                throw unauthorized(ErrorCode.INVITE_INVALID, e.getMessage());
            }
            if (invite.maxUses() < 1) throw unauthorized(ErrorCode.INVITE_INVALID, "invite allows no uses");
            if (!invite.signatureValid()) {
                throw unauthorized(ErrorCode.INVITE_INVALID, "invite signature is invalid");
            }
            if (invite.expiresAt() <= clock.millis()) {
                throw unauthorized(ErrorCode.INVITE_EXPIRED, "invite expired; ask for a new one");
            }
        } catch (Refusal r) {
            return Future.failedFuture(r);
        }
        return requireMesh(invite.mesh()).compose(mesh -> {
            if (!Signatures.verify(join.pubkey(), Canonical.join(invite.inviteId(), mesh.id(), join.pubkey(), join.name(), nonce), join.signature())) {
                return Future.failedFuture(unauthorized(ErrorCode.BAD_SIGNATURE, "join signature does not verify over the challenge for this key"));
            }
            Future<Optional<MemberRecord>> issuer = store.findMember(mesh.id(), invite.issuer());
            return issuer.compose(iss -> {
                if (iss.isEmpty()) {
                    return Future.failedFuture(unauthorized(ErrorCode.INVITE_INVALID, "invite issuer is not a member of mesh " + mesh.name()));
                }
                return requireNotBanned(mesh, invite.issuer()).recover(err -> Future.failedFuture(!(err instanceof Refusal) ? err
                                : unauthorized(ErrorCode.INVITE_INVALID, "invite issuer is banned or revoked from mesh " + mesh.name())))
                        .compose(v -> requireNotBanned(mesh, join.pubkey()));
            }).compose(v -> ledger.join(invite.inviteId(), invite.maxUses(),
                    new MemberRecord(mesh.id(), join.pubkey(), join.name(), MemberRecord.MEMBER, clock.millis())))
              .compose(result -> {
                  if (result instanceof JoinResult.Joined j) {
                      if (j.member().expiredAt(clock.millis())) return Future.failedFuture(expired(mesh));
                      return Future.succeededFuture(new Authenticated(mesh, j.member(), !j.alreadyMember()));
                  }
                  if (result instanceof JoinResult.NameTaken t) {
                      return Future.failedFuture(unauthorized(ErrorCode.INVALID_FRAME, "name " + t.name() + " is taken in this mesh"));
                  }
                  return Future.failedFuture(unauthorized(ErrorCode.INVITE_EXHAUSTED,
                          "invite has been used " + ((JoinResult.Exhausted) result).maxUses() + " time(s), its maximum"));
              });
        });
    }
}
