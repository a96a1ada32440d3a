package dev.meshwire.turn.server.transport;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** The client side of a 5-tuple: where responses, Data indications and ChannelData go. Event-loop only. */
public interface ClientLink {
    InetSocketAddress remote();

    /** The server address the client talks to (concrete for TCP; may be the wildcard for UDP). */
    InetSocketAddress local();

    /** True for TCP/TLS: ChannelData must be padded to a multiple of 4 there (RFC 8656 §12.5). */
    boolean stream();

    /** Queues {@code buf} to the client; takes ownership. */
    void send(ByteBuf buf);

    /** Whether relayed data may be queued now (responses are always queued). */
    boolean writable();
}
