package dev.meshwire.coordinator.services;

import dev.meshwire.coordinator.authority.MeshAuthority;
import dev.meshwire.coordinator.authority.Refusal;
import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.presence.PeerConnection;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.coordinator.store.RevocationRecord;
import dev.meshwire.signaling.frame.CloseCodes;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.service.ServiceEntry;
import dev.meshwire.signaling.service.Scopes;
import dev.meshwire.signaling.envelope.Channel;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services of a mesh (docs/protocol.md §6.4): {@code service_register} records a member-signed attestation as a
 * {@code service_registered} event (actor: the owner, the member of the connection); {@code service_revoke}
 * revokes the service key through the mesh-state revocation itself ({@code member_revoked} with the
 * {@link MeshEffect.Revoke} effect): the key's connection is closed with 4002, its hellos are refused, queued
 * messages from and to it are deleted, and every daemon applies the gossiped event (refusing its signatures,
 * closing direct channels), exactly as for a revoked member.
 *
 * <p>It also answers, for the relay and the queue, whether a key is a registered service and whether its
 * <em>read scopes</em> let it be sent an envelope on a channel ({@link #readRefusal}; the mapping itself is
 * {@link Scopes#mayReceive}, docs/protocol.md §6.4 "Read scopes"), from the verified mesh state the ledger caches:
 * always the service's current registration, so a re-registration with fewer scopes applies to rows queued before
 * it. Refusals are counted in {@code meshwire_service_scope_refused_total{path}}.
 */
public final class ServiceRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRegistry.class);
    static final int MAX_REASON = 200;
    /** How far in the future a registration's clock may be wrong before its expiry counts as too long. */

    private final MeshLedger ledger;
    private final PresenceRegistry presence;
    private final CoordinatorMetrics metrics;
    private final Clock clock;

    public ServiceRegistry(MeshLedger ledger, PresenceRegistry presence, CoordinatorMetrics metrics, Clock clock) {
        this.ledger = ledger;
        this.presence = presence;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Why {@code key} may not be sent an envelope on {@code channel}, or null when it may: a key that is not a registered
     * service of the mesh (a member, a session), or a service whose current registration's scopes include
     * {@link Scopes#readScopeFor} the channel. Scopes are read whatever the service's status: an inactive service is
     * refused elsewhere (revocation, hello checks). Null too when the mesh state is not cached here (it cannot be known;
     * every admitted connection of the mesh has loaded it). Synchronous: reads the ledger's cached state.
     */
    public String readRefusal(String meshId, String key, Channel channel) {
        ServiceAttestation a = registration(meshId, key);
        if (a == null || Scopes.mayReceive(Scopes.fromCsv(a.scopes()), channel)) return null;
        return "service '" + a.serviceId() + "' does not accept " + channel.wireName() + " (it has no " + Scopes.readScopeFor(channel)
                + " scope)";
    }

    /** Whether {@code key} is a service registered in the mesh (whose reads {@link #readRefusal} may refuse). */
    public boolean isService(String meshId, String key) {
        return registration(meshId, key) != null;
    }

    /**
     * The owner of {@code key} when it is an <b>active</b> service registered in the mesh (not revoked, not expired,
     * its owner an active member), else null. A dm to such a service is queued whether or not it is connected
     * (docs/protocol.md §6.4): the daemon holding a delegated service may be restarting, and a side-car's mail must
     * wait for it like a member's. Synchronous: reads the ledger's cached state.
     */
    public String activeOwner(String meshId, String key) {
        MeshState s = ledger.cached(meshId);
        if (s == null) return null;
        return s.service(key).filter(e -> ServiceEntry.ACTIVE.equals(s.serviceStatus(e, clock.millis())))
                .map(e -> e.attestation().owner()).orElse(null);
    }

    /** Counts one envelope refused by a service's read scopes on {@code path} ({@code relay}: explicit; {@code queue}: dropped at claim). */
    public void scopeRefused(String path) {
        metrics.serviceScopeRefused(path);
    }

    /**
     * The current registration of service {@code key} in the cached mesh state (whatever its status), or null: what its
     * type and scopes are now, e.g. after a re-registration while it is connected.
     */
    public ServiceAttestation currentRegistration(String meshId, String key) {
        return registration(meshId, key);
    }

    private ServiceAttestation registration(String meshId, String key) {
        MeshState s = ledger.cached(meshId);
        return s == null ? null : s.service(key).map(ServiceEntry::attestation).orElse(null);
    }

    public Future<Frames.Ok> register(MeshRecord mesh, String self, Frames.ServiceRegister req) {
        ServiceAttestation a = req.attestation();
        long now = clock.millis();
        try {
            if (a == null) throw invalid("attestation is required");
            String problem = a.problem();
            if (problem != null) throw invalid(problem);
            if (!mesh.id().equals(a.mesh())) throw invalid("the attestation is for mesh " + a.mesh() + ", not " + mesh.id());
            if (!self.equals(a.owner())) throw invalid("a member can only register its own services (owner must be your key)");
            if (!a.signatureValid()) {
                throw Refusal.of(ErrorCode.BAD_SIGNATURE, "service_register: the attestation does not verify under the owner's key");
            }
            if (a.expiresAt() <= now) throw Refusal.of(ErrorCode.EXPIRED, "service_register: the attestation expired already");
            if (a.expiresAt() > now + ServiceAttestation.MAX_TTL_MS + ServiceAttestation.SKEW_MS) {
                throw invalid("the attestation lives longer than " + ServiceAttestation.MAX_TTL_MS / 86_400_000L + " days");
            }
        } catch (Refusal r) {
            return Future.failedFuture(r);
        }
        return ledger.current(mesh.id()).compose(state -> {
            if (state.entry(a.servicePubkey()).isPresent()) {
                return Future.failedFuture(invalid("the service key is already known to the mesh (a member, banned or revoked key)"));
            }
            Optional<ServiceEntry> sameKey = state.service(a.servicePubkey());
            if (sameKey.isPresent() && !sameKey.get().attestation().owner().equals(self)) {
                return Future.failedFuture(invalid("the service key belongs to another member's service"));
            }
            Optional<ServiceEntry> sameName = byId(state, a.serviceId(), now);
            if (sameName.isPresent() && !sameName.get().attestation().servicePubkey().equals(a.servicePubkey())) {
                return Future.failedFuture(invalid("a service named " + a.serviceId() + " is active in this mesh; revoke it first"));
            }
            return ledger.append(mesh.id(), self, EventPayload.ServiceRegistered.of(a), new MeshEffect.None()).map(x -> {
                LOG.info("mesh {}: {}… registered service {} ({}…, {})", mesh.name(), MeshAuthority.prefix(self), a.serviceId(),
                        MeshAuthority.prefix(a.servicePubkey()), a.scopes());
                return new Frames.Ok(req.id(), "service_register", a.servicePubkey(), "registered service " + a.serviceId()
                        + " until " + java.time.Instant.ofEpochMilli(a.expiresAt()));
            });
        });
    }

    /** The active service named {@code id}, if any. */
    static Optional<ServiceEntry> byId(MeshState state, String id, long now) {
        return state.services().stream().filter(s -> s.attestation().serviceId().equals(id))
                .filter(s -> ServiceEntry.ACTIVE.equals(state.serviceStatus(s, now))).findFirst();
    }

    public Future<Frames.Ok> revoke(MeshRecord mesh, String self, Frames.ServiceRevoke req) {
        String reason = req.reason() == null || req.reason().isBlank() ? null : req.reason().strip();
        if (reason != null && reason.length() > MAX_REASON) {
            return Future.failedFuture(invalid("reason is longer than " + MAX_REASON + " characters", "service_revoke"));
        }
        if (req.service() == null || req.service().isBlank()) return Future.failedFuture(invalid("service is required", "service_revoke"));
        long now = clock.millis();
        return ledger.current(mesh.id()).compose(state -> {
            Optional<ServiceEntry> found = state.service(req.service());
            if (found.isEmpty()) found = byId(state, req.service(), now);
            if (found.isEmpty()) {
                found = state.services().stream().filter(s -> s.attestation().serviceId().equals(req.service()))
                        .max(java.util.Comparator.comparingLong(ServiceEntry::registeredAt));
            }
            if (found.isEmpty()) {
                return Future.failedFuture(Refusal.of(ErrorCode.UNKNOWN_RECIPIENT, "service_revoke: no service " + truncate(req.service())
                        + " in mesh " + mesh.name()));
            }
            ServiceAttestation a = found.get().attestation();
            boolean moderator = state.entry(self).map(MemberEntry::canModerate).orElse(false);
            if (!a.owner().equals(self) && !moderator) {
                return Future.failedFuture(Refusal.of(ErrorCode.NOT_OWNER, "service_revoke: only the service's owner, the mesh owner or an admin may revoke it"));
            }
            if (ServiceEntry.REVOKED.equals(state.serviceStatus(found.get(), now))) {
                return Future.succeededFuture(new Frames.Ok(req.id(), "service_revoke", a.servicePubkey(), "service " + a.serviceId() + " is already revoked"));
            }
            String why = reason != null ? reason : "service " + a.serviceId() + " revoked";
            RevocationRecord record = new RevocationRecord(mesh.id(), a.servicePubkey(), now, self, why);
            return ledger.append(mesh.id(), self, new EventPayload.MemberRevoked(a.servicePubkey(), why), new MeshEffect.Revoke(record)).map(x -> {
                metrics.queueDropped("revoked", x.droppedMessages());
                PeerConnection conn = presence.get(mesh.id(), a.servicePubkey());
                if (conn != null) {
                    Refusal r = MeshAuthority.revoked(mesh, why);
                    conn.send(new Frames.Error(null, r.code(), r.getMessage()));
                    conn.disconnect(CloseCodes.BANNED, MeshAuthority.revokedCloseReason(why), "revoked");
                } else {
                    presence.endHeld(mesh.id(), a.servicePubkey(), "revoked"); // away within its lease: it ends now
                }
                LOG.info("mesh {}: service {} ({}…) revoked by {}…: {}", mesh.name(), a.serviceId(), MeshAuthority.prefix(a.servicePubkey()),
                        MeshAuthority.prefix(self), why);
                return new Frames.Ok(req.id(), "service_revoke", a.servicePubkey(), "revoked service " + a.serviceId());
            });
        });
    }

    private static Refusal invalid(String why) {
        return invalid(why, "service_register");
    }

    private static Refusal invalid(String why, String op) {
        return Refusal.of(ErrorCode.INVALID_FRAME, op + ": " + why);
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
