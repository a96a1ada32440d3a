package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.server.alloc.Allocation;
import dev.meshwire.turn.server.auth.Authenticator;
import dev.meshwire.turn.server.stun.Responses;
import dev.meshwire.turn.server.stun.Stun;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.XorPeerAddressAttribute;

/**
 * CreatePermission (RFC 8656 §10): one or more XOR-PEER-ADDRESS; all are checked before any is installed, so a
 * request naming one refused peer (403) or a peer of the other address family (443) installs nothing.
 */
final class PermissionHandler extends AllocationRequestHandler {

    PermissionHandler(TurnContext ctx, Gate gate) {
        super(ctx, gate);
    }

    @Override
    void handle(Exchange x, Authenticator.Accepted who, Allocation a) {
        List<InetSocketAddress> peers = new ArrayList<>(2);
        for (Attribute attr : x.message().getAttributes()) {
            if (attr instanceof XorPeerAddressAttribute p) peers.add(PeerAddresses.of(p, x.tid()));
        }
        if (peers.isEmpty()) {
            gate.refuse(x, Stun.BAD_REQUEST, "bad_request", who.key());
            return;
        }
        for (InetSocketAddress p : peers) {
            if (!gate.peerAllowed(x, who, a, p)) return;
        }
        for (InetSocketAddress p : peers) ctx.table().permit(a, p.getAddress(), ctx.lifetimes().permission(), x.now());
        x.reply(ctx.responses().encode(Responses.success(Stun.CREATE_PERMISSION), x.tid(), who.key()));
    }
}
