package dev.meshwire.turn.server.handler;

import dev.meshwire.turn.server.stun.DraftAttributes;
import dev.meshwire.turn.server.stun.Stun;
import dev.meshwire.turn.server.transport.ClientLink;
import io.netty.buffer.Unpooled;
import org.ice4j.message.Message;

/**
 * One received STUN message and where its answer goes.
 *
 * @param raw   the message as received (for MESSAGE-INTEGRITY), exactly {@code raw.length} bytes
 * @param draft EVEN-PORT and REQUESTED-ADDRESS-FAMILY, which ice4j cannot decode
 */
public record Exchange(Message message, byte[] raw, DraftAttributes draft, ClientLink link, long now) {
    public int method() {
        return Stun.method(message.getMessageType());
    }

    public byte[] tid() {
        return message.getTransactionID();
    }

    public void reply(byte[] encoded) {
        link.send(Unpooled.wrappedBuffer(encoded));
    }
}
