package dev.meshwire.turn.server.stun;

import org.ice4j.StunException;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Response;

/**
 * Builds and encodes responses with ice4j's message classes, then seals them with {@link Integrity} (MESSAGE-INTEGRITY
 * when a key is given, FINGERPRINT always) since ice4j can only do that through a StunStack.
 */
public final class Responses {
    private static final Attribute SOFTWARE =
            AttributeFactory.createSoftwareAttribute("meshwire".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    private final Integrity integrity;

    public Responses(Integrity integrity) {
        this.integrity = integrity;
    }

    /** An empty success response of {@code method}, to which the caller adds attributes. */
    public static Response success(int method) {
        Response r = MessageFactory.createCreatePermissionResponse();
        r.setMessageType((char) (method | Stun.CLASS_SUCCESS));
        return r;
    }

    /** An error response of {@code method} with ERROR-CODE {@code code} and its standard reason phrase. */
    public static Response error(int method, int code) {
        Response r = MessageFactory.createBindingErrorResponse((char) code, Stun.reason(code));
        r.setMessageType((char) (method | Stun.CLASS_ERROR));
        return r;
    }

    /** Encodes {@code response} for transaction {@code tid}, with MESSAGE-INTEGRITY under {@code key} if not null. */
    public byte[] encode(Response response, byte[] tid, byte[] key) {
        try {
            response.setTransactionID(tid);
        } catch (StunException e) {
            throw new IllegalArgumentException("transaction id must be 12 bytes", e);
        }
        // ice4j would otherwise add its own SOFTWARE ("ice4j.org") to every message it encodes
        if (!response.containsAttribute(Attribute.SOFTWARE)) response.putAttribute(SOFTWARE);
        return integrity.seal(response.encode(null), key);
    }

    /** Encodes an error response, adding {@code extra} attributes (REALM, NONCE...) before sealing. */
    public byte[] error(int method, byte[] tid, int code, byte[] key, Attribute... extra) {
        Response r = error(method, code);
        for (Attribute a : extra) r.putAttribute(a);
        return encode(r, tid, key);
    }
}
