package dev.meshwire.coordinator.authority;

import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.coordinator.store.StoreException;
import dev.meshwire.signaling.Names;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MemberEntry;
import io.vertx.core.Future;

/**
 * What a member does to its own membership: rename (the name must be free among the mesh's keys) and
 * leave (the owner cannot). Each is one mesh event appended through the {@link MeshLedger}; the caller
 * sends the {@code ok} (and, for leave, closes the session) after it was published.
 */
public final class Membership {
    private final MeshLedger ledger;

    public Membership(MeshLedger ledger) {
        this.ledger = ledger;
    }

    public Future<Frames.Ok> rename(MeshRecord mesh, String self, Frames.Rename req) {
        String problem = Names.checkDisplayName(req.name());
        if (problem != null) return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "rename: " + problem));
        return ledger.current(mesh.id()).compose(state -> {
            boolean taken = state.entries().stream().anyMatch(e -> req.name().equals(e.name()) && !e.pubkey().equals(self));
            if (taken) return Future.failedFuture(nameTaken(req.name()));
            if (state.entry(self).map(MemberEntry::name).filter(req.name()::equals).isPresent()) {
                return Future.succeededFuture(new Frames.Ok(req.id(), "rename", self, "already named " + req.name()));
            }
            return ledger.append(mesh.id(), self, new EventPayload.MemberRenamed(self, req.name()), new MeshEffect.Rename(self, req.name()))
                    .recover(err -> Future.failedFuture(err instanceof StoreException.NameTaken ? nameTaken(req.name()) : err))
                    .map(a -> new Frames.Ok(req.id(), "rename", self, "renamed to " + req.name()));
        });
    }

    private static Refusal nameTaken(String name) {
        return Refusal.of(ErrorCode.INVALID_FRAME, "rename: name " + name + " is taken in this mesh");
    }

    /** Appends member_left; the membership row is deleted with it. */
    public Future<Frames.Ok> leave(MeshRecord mesh, String self, boolean owner, Frames.Leave req) {
        if (owner) return Future.failedFuture(Refusal.of(ErrorCode.INVALID_FRAME, "the owner cannot leave its own mesh"));
        return ledger.append(mesh.id(), self, new EventPayload.MemberLeft(self), new MeshEffect.RemoveMember(self))
                .map(a -> new Frames.Ok(req.id(), "leave", self, "left mesh " + mesh.name()));
    }
}
