package dev.meshwire.coordinator.grants;

import dev.meshwire.coordinator.authority.MeshAuthority;
import dev.meshwire.coordinator.authority.Refusal;
import dev.meshwire.coordinator.meshstate.MeshLedger;
import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.grants.Caps;
import dev.meshwire.signaling.grants.Grants;
import dev.meshwire.signaling.meshstate.EventPayload;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;

/**
 * {@code set_grant}: a member sets what one sender (or {@code *}) may do to it. Like {@code rename} and
 * {@code leave}, it is the member's own act on its authenticated connection: the coordinator appends one
 * {@code grant_set} event with the member as actor and recipient (every replica checks actor = recipient),
 * published to every online member before the {@code ok}. The sender is a full key or {@code *} (names are
 * resolved by the client); it need not be a member (a key can be blocked before it joins).
 */
public final class GrantAuthority {
    private final MeshLedger ledger;

    public GrantAuthority(MeshLedger ledger) {
        this.ledger = ledger;
    }

    public Future<Frames.Ok> setGrant(MeshRecord mesh, String self, Frames.SetGrant req) {
        String sender = req.sender();
        SortedSet<String> caps;
        try {
            if (!Grants.ANY.equals(sender) && !Hex.isHex(sender, PublicKey.HEX_CHARS)) {
                throw Refusal.of(ErrorCode.INVALID_FRAME, "set_grant: sender must be a full public key (64 lowercase hex characters) or '*'");
            }
            if (self.equals(sender)) throw Refusal.of(ErrorCode.INVALID_FRAME, "set_grant: you cannot grant yourself");
            try {
                caps = req.caps() == null ? null : Caps.parse(req.caps());
            } catch (IllegalArgumentException e) {
                throw Refusal.of(ErrorCode.INVALID_FRAME, "set_grant: " + e.getMessage());
            }
        } catch (Refusal r) {
            return Future.failedFuture(r);
        }
        String csv = caps == null ? null : Caps.csv(caps);
        String label = Grants.ANY.equals(sender) ? "everyone else" : MeshAuthority.prefix(sender) + "…";
        return ledger.current(mesh.id()).compose(state -> {
            Set<String> now = state.grantsOf(self).get(sender);
            String before = now == null ? null : Caps.csv(now);
            if (Objects.equals(before, csv)) {
                return Future.succeededFuture(new Frames.Ok(req.id(), "set_grant", sender, "unchanged: " + describe(label, csv)));
            }
            return ledger.append(mesh.id(), self, new EventPayload.GrantSet(self, sender, csv), new MeshEffect.None())
                    .map(a -> new Frames.Ok(req.id(), "set_grant", sender, describe(label, csv)));
        });
    }

    private static String describe(String label, String csv) {
        if (csv == null) return label + " has the default grants (every capability)";
        if (csv.isEmpty()) return label + " is blocked";
        return label + " may: " + csv.replace(",", ", ");
    }
}
