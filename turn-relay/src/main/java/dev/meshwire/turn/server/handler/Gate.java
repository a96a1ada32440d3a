package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.server.alloc.Allocation;
import dev.meshwire.turn.server.auth.Authenticator;
import dev.meshwire.turn.server.stun.Stun;
import java.net.InetSocketAddress;

/**
 * The checks every TURN request passes before its method runs: STUN-only mode (403), the long-term credential, and
 * for requests on an existing allocation that one exists on this 5-tuple (437) under the same username (441).
 * Each refusal is answered and counted here; the caller just stops on null.
 */
final class Gate {
    private final TurnContext ctx;

    Gate(TurnContext ctx) {
        this.ctx = ctx;
    }

    /** The accepted credential, or null after answering the refusal. */
    Authenticator.Accepted admit(Exchange x) {
        if (ctx.authenticator() == null) {
            refuse(x, Stun.FORBIDDEN, "stun_only");
            return null;
        }
        Authenticator.Outcome o = ctx.authenticator().authenticate(x.message(), x.raw(), x.raw().length, x.link().remote().getAddress());
        if (o instanceof Authenticator.Refused r) {
            ctx.meters().refused(r.reason());
            x.reply(r.response());
            return null;
        }
        return (Authenticator.Accepted) o;
    }

    /** The allocation of this 5-tuple for an admitted request, or null after answering 437/441. */
    Allocation allocation(Exchange x, Authenticator.Accepted who) {
        Allocation a = ctx.table().find(x.link());
        if (a == null) {
            refuse(x, Stun.ALLOCATION_MISMATCH, "allocation_mismatch", who.key());
            return null;
        }
        if (!a.username.equals(who.username())) {
            refuse(x, Stun.WRONG_CREDENTIALS, "wrong_credentials", who.key());
            return null;
        }
        return a;
    }

    /**
     * Whether a request may name {@code peer}: same address family as the relay (else 443) and permitted by the peer
     * policy (else 403). Answers the refusal itself.
     */
    boolean peerAllowed(Exchange x, Authenticator.Accepted who, Allocation a, InetSocketAddress peer) {
        if (!PeerAddresses.sameFamily(peer.getAddress(), a.relayAddress)) {
            refuse(x, Stun.PEER_ADDRESS_FAMILY_MISMATCH, "address_family", who.key());
            return false;
        }
        if (!ctx.policy().permits(peer.getAddress())) {
            refuse(x, Stun.FORBIDDEN, "peer_denied", who.key());
            return false;
        }
        return true;
    }

    void refuse(Exchange x, int code, String reason) {
        refuse(x, code, reason, null);
    }

    void refuse(Exchange x, int code, String reason, byte[] key) {
        ctx.meters().refused(reason);
        x.reply(ctx.responses().error(x.method(), x.tid(), code, key));
    }
}
