package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.server.alloc.Allocation;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.DataAttribute;
import org.ice4j.attribute.XorPeerAddressAttribute;

/**
 * Send indication (RFC 8656 §11.2): relayed when the 5-tuple has an allocation, the peer passes the policy and has a
 * live permission; anything else is dropped silently (indications get no answer) and counted.
 */
final class SendHandler {
    private final TurnContext ctx;
    private final Relay relay;

    SendHandler(TurnContext ctx, Relay relay) {
        this.ctx = ctx;
        this.relay = relay;
    }

    void handle(Exchange x) {
        Allocation a = ctx.table().find(x.link());
        if (a == null) {
            ctx.meters().refused("no_allocation");
            return;
        }
        XorPeerAddressAttribute peerAttr = (XorPeerAddressAttribute) x.message().getAttribute(Attribute.XOR_PEER_ADDRESS);
        DataAttribute data = (DataAttribute) x.message().getAttribute(Attribute.DATA);
        if (peerAttr == null || data == null) {
            ctx.meters().refused("bad_request");
            return;
        }
        InetSocketAddress peer = PeerAddresses.of(peerAttr, x.tid());
        if (!ctx.policy().permits(peer.getAddress())) {
            ctx.meters().refused("peer_denied");
            return;
        }
        if (a.permission(peer.getAddress(), x.now()) == null) {
            ctx.meters().refused("no_permission");
            return;
        }
        relay.toPeer(a, Unpooled.wrappedBuffer(data.getData()), peer, x.now());
    }
}
