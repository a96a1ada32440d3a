package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.server.alloc.Allocation;
import dev.meshwire.turn.server.stun.DraftAttributes;
import dev.meshwire.turn.server.stun.Integrity;
import dev.meshwire.turn.server.stun.Stun;
import dev.meshwire.turn.server.transport.BatchedChannel;
import dev.meshwire.turn.server.transport.ClientLink;
import dev.meshwire.turn.server.transport.StreamLink;
import dev.meshwire.turn.server.transport.UdpLink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.socket.DatagramPacket;
import org.ice4j.StunException;
import org.ice4j.message.Message;

/**
 * Entry point for every received packet: ChannelData goes to the {@link Relay} by hand; anything that looks like STUN
 * (top bits 00, the magic cookie, a length that matches, a good FINGERPRINT if present) is decoded with ice4j and
 * handed to its method's handler. Everything else is dropped and counted as malformed. Buffers stay owned by the
 * caller. Event-loop only.
 */
public final class Dispatcher {
    private static final int MAGIC_COOKIE = 0x2112A442;

    private final TurnContext ctx;
    private final Integrity integrity;
    private final Relay relay;
    private final BindingHandler binding;
    private final AllocateHandler allocate;
    private final RefreshHandler refresh;
    private final PermissionHandler permission;
    private final ChannelBindHandler channelBind;
    private final SendHandler send;
    private final Gate gate;

    public Dispatcher(TurnContext ctx, Integrity integrity, Relay relay) {
        this.ctx = ctx;
        this.integrity = integrity;
        this.relay = relay;
        this.gate = new Gate(ctx);
        this.binding = new BindingHandler(ctx);
        this.allocate = new AllocateHandler(ctx, gate);
        this.refresh = new RefreshHandler(ctx, gate);
        this.permission = new PermissionHandler(ctx, gate);
        this.channelBind = new ChannelBindHandler(ctx, gate);
        this.send = new SendHandler(ctx, relay);
    }

    /** A datagram on the UDP listener. */
    public void onDatagram(DatagramPacket packet, BatchedChannel listener) {
        ByteBuf buf = packet.content();
        if (buf.readableBytes() < 4) {
            ctx.meters().refused("malformed");
            return;
        }
        long now = System.nanoTime();
        int first = buf.getUnsignedByte(buf.readerIndex());
        if ((first & 0xC0) == 0x40) {
            Allocation a = ctx.table().findUdp(packet.sender());
            if (a == null) ctx.meters().refused("no_allocation");
            else relay.channelDataToPeer(a, buf, now);
        } else if ((first & 0xC0) == 0) {
            stun(buf, new UdpLink(listener, packet.sender()), false, now);
        } else {
            ctx.meters().refused("malformed");
        }
    }

    /** One frame from a TCP/TLS connection (already framed: STUN, or ChannelData with its padding). */
    public void onStreamFrame(ByteBuf frame, StreamLink link) {
        long now = System.nanoTime();
        if ((frame.getUnsignedByte(frame.readerIndex()) & 0xC0) == 0x40) {
            Allocation a = (Allocation) link.allocation();
            if (a == null) ctx.meters().refused("no_allocation");
            else relay.channelDataToPeer(a, frame, now);
        } else {
            stun(frame, link, true, now);
        }
    }

    /** A TCP/TLS connection ended: its allocation goes with it. */
    public void onStreamClosed(StreamLink link) {
        Allocation a = (Allocation) link.allocation();
        if (a != null) ctx.table().release(a);
    }

    /** A datagram from a peer to the relay port of {@code a}. */
    public void onPeerDatagram(Allocation a, DatagramPacket packet) {
        if (a.released()) return;
        relay.fromPeer(a, packet, System.nanoTime());
    }

    private void stun(ByteBuf buf, ClientLink link, boolean framed, long now) {
        int length = buf.readableBytes();
        int at = buf.readerIndex();
        if (length < 20 || buf.getInt(at + 4) != MAGIC_COOKIE || buf.getUnsignedShort(at + 2) + 20 != length) {
            ctx.meters().refused("malformed");
            return;
        }
        byte[] raw = ByteBufUtil.getBytes(buf, at, length);
        if (!integrity.fingerprintOk(raw, length)) {
            ctx.meters().refused("malformed");
            return;
        }
        DraftAttributes draft = DraftAttributes.read(raw, length);
        Message m;
        try {
            m = Message.decode(draft.forDecoder(), 0, draft.forDecoder().length);
        } catch (StunException | RuntimeException e) {
            // ice4j rejects unknown types and malformed attributes with StunException; a few bad inputs surface as
            // runtime exceptions from its attribute decoders: both are simply bad packets
            ctx.meters().refused("malformed");
            return;
        }
        Exchange x = new Exchange(m, raw, draft, link, now);
        int type = m.getMessageType();
        int cls = Stun.messageClass(type);
        int method = Stun.method(type);
        if (cls == Stun.CLASS_REQUEST) {
            switch (method) {
                case Stun.BINDING -> binding.handle(x);
                case Stun.ALLOCATE -> allocate.handle(x);
                case Stun.REFRESH -> refresh.handle(x);
                case Stun.CREATE_PERMISSION -> permission.handle(x);
                case Stun.CHANNEL_BIND -> channelBind.handle(x);
                default -> gate.refuse(x, Stun.BAD_REQUEST, "unknown_method");
            }
        } else if (cls == Stun.CLASS_INDICATION && method == Stun.SEND) {
            send.handle(x);
        } else if (cls != Stun.CLASS_INDICATION) {
            ctx.meters().refused("unexpected_response");
        }
    }
}
