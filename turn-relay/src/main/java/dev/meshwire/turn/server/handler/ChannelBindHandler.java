package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.server.alloc.Allocation;
import dev.meshwire.turn.server.auth.Authenticator;
import dev.meshwire.turn.server.stun.Responses;
import dev.meshwire.turn.server.stun.Stun;
import java.net.InetSocketAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.ChannelNumberAttribute;
import org.ice4j.attribute.XorPeerAddressAttribute;

/**
 * ChannelBind (RFC 8656 §11.2): a number in 0x4000-0x7FFF (RFC 8656 says 0x4FFF; coturn and its client use the whole range), a peer allowed by the policy (403), no conflict with an
 * existing binding of the number or the peer (400); binding also installs or refreshes the peer's permission. The
 * policy is fixed for the server's life, so a binding that passed it here needs no second look per ChannelData.
 */
final class ChannelBindHandler extends AllocationRequestHandler {

    ChannelBindHandler(TurnContext ctx, Gate gate) {
        super(ctx, gate);
    }

    @Override
    void handle(Exchange x, Authenticator.Accepted who, Allocation a) {
        ChannelNumberAttribute number = (ChannelNumberAttribute) x.message().getAttribute(Attribute.CHANNEL_NUMBER);
        XorPeerAddressAttribute peerAttr = (XorPeerAddressAttribute) x.message().getAttribute(Attribute.XOR_PEER_ADDRESS);
        if (number == null || peerAttr == null) {
            gate.refuse(x, Stun.BAD_REQUEST, "bad_request", who.key());
            return;
        }
        int n = number.getChannelNumber();
        if (n < Stun.MIN_CHANNEL || n > Stun.MAX_CHANNEL) {
            gate.refuse(x, Stun.BAD_REQUEST, "bad_request", who.key());
            return;
        }
        InetSocketAddress peer = PeerAddresses.of(peerAttr, x.tid());
        if (!gate.peerAllowed(x, who, a, peer)) return;
        var l = ctx.lifetimes();
        if (ctx.table().bindChannel(a, n, peer, l.channel(), l.permission(), x.now()) == null) {
            gate.refuse(x, Stun.BAD_REQUEST, "channel_conflict", who.key());
            return;
        }
        x.reply(ctx.responses().encode(Responses.success(Stun.CHANNEL_BIND), x.tid(), who.key()));
    }
}
