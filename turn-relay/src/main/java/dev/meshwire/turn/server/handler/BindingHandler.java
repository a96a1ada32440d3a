package dev.meshwire.turn.server.handler;

import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;

/** Binding (RFC 8489): XOR-MAPPED-ADDRESS of the sender, on every transport, without credentials. */
final class BindingHandler {
    private final TurnContext ctx;

    BindingHandler(TurnContext ctx) {
        this.ctx = ctx;
    }

    void handle(Exchange x) {
        var r = MessageFactory.createBindingResponse((Request) x.message(),
                new TransportAddress(x.link().remote(), x.link().stream() ? Transport.TCP : Transport.UDP));
        x.reply(ctx.responses().encode(r, x.tid(), null));
    }
}
