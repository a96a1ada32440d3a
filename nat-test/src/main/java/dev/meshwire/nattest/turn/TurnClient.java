package dev.meshwire.nattest.turn;

import dev.meshwire.turn.server.stun.Integrity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.function.Function;
import org.ice4j.StunException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.ErrorCodeAttribute;
import org.ice4j.attribute.NonceAttribute;
import org.ice4j.attribute.RealmAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;

/**
 * The client side of the two TURN requests the probe needs (RFC 8656 7 and 9): Allocate, then CreatePermission,
 * with the long-term credential mechanism of RFC 8489 9.2 -- the first Allocate goes without credentials, the
 * server's 401 carries REALM and NONCE, and every later request carries USERNAME, REALM, NONCE and
 * MESSAGE-INTEGRITY keyed with MD5(username:realm:password). A 438 (Stale Nonce) is retried once with the new nonce.
 * Messages are built and parsed by ice4j ({@link MessageFactory}, {@link Message#decode}); MESSAGE-INTEGRITY and
 * FINGERPRINT, which ice4j computes only inside a running {@code StunStack}, are added and checked by turn-relay's
 * {@link Integrity}, the same code the server uses (coturn accepting the probe is the independent check of it).
 */
public final class TurnClient implements AutoCloseable {
    /** REQUESTED-TRANSPORT value for UDP relaying (the IANA protocol number), the only one RFC 8656 defines. */
    private static final byte UDP = 17;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What the server answered: 200 for success, else the ERROR-CODE. {@code integrity} says whether a success
     * response carried a MESSAGE-INTEGRITY made with our key, i.e. the server derived the same key from its secret.
     */
    public record Outcome(int code, String reason, boolean integrity, Message response) {
        public boolean ok() {
            return code == 200;
        }

        /** An XOR-*-ADDRESS attribute of the response ({@link Attribute#XOR_MAPPED_ADDRESS}, ...), or null. */
        public InetSocketAddress xorAddress(char type) {
            if (!(response.getAttribute(type) instanceof XorMappedAddressAttribute a)) return null;
            return a.getAddress(response.getTransactionID());
        }
    }

    private final StunTransport transport;
    private final Integrity integrity = new Integrity(); // not thread-safe: one per client, like the client itself
    private final String username;
    private final String password;
    private String realm;
    private String nonce;
    private byte[] key;
    private Outcome challenge;

    public TurnClient(StunTransport transport, String username, String password) {
        this.transport = transport;
        this.username = username;
        this.password = password;
    }

    /** The unauthenticated first Allocate's answer (normally 401 with REALM and NONCE); null before allocate(). */
    public Outcome challenge() {
        return challenge;
    }

    public String realm() {
        return realm;
    }

    /** Allocates a UDP relay. On success the response has XOR-RELAYED-ADDRESS, XOR-MAPPED-ADDRESS and LIFETIME. */
    public Outcome allocate() throws IOException {
        challenge = exchange(withTransactionId(allocateRequest(), newTransactionId()));
        if (challenge.code() != 401) return challenge; // 200 would mean a server without auth: the caller sees it
        if (!(challenge.response().getAttribute(Attribute.REALM) instanceof RealmAttribute r)
                || !(challenge.response().getAttribute(Attribute.NONCE) instanceof NonceAttribute n)) {
            return challenge;
        }
        realm = new String(r.getRealm(), StandardCharsets.UTF_8);
        nonce = new String(n.getNonce(), StandardCharsets.UTF_8);
        key = Integrity.longTermKey(username, realm, password);
        return authenticated(tid -> allocateRequest());
    }

    /** Asks for a permission towards {@code peer} (the port is not part of a permission, RFC 8656 9). */
    public Outcome createPermission(InetAddress peer) throws IOException {
        if (key == null) throw new IllegalStateException("allocate first");
        TransportAddress peerAddress = new TransportAddress(peer, 9, Transport.UDP);
        // the transaction id goes into the request first: XOR-PEER-ADDRESS is XORed with it
        return authenticated(tid -> MessageFactory.createCreatePermissionRequest(peerAddress, tid));
    }

    private static Request allocateRequest() {
        return MessageFactory.createAllocateRequest(UDP, false);
    }

    private Outcome authenticated(Function<byte[], Request> build) throws IOException {
        Outcome o = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            byte[] tid = newTransactionId();
            Request req = withTransactionId(build.apply(tid), tid);
            req.putAttribute(AttributeFactory.createUsernameAttribute(username));
            req.putAttribute(AttributeFactory.createRealmAttribute(realm.getBytes(StandardCharsets.UTF_8)));
            req.putAttribute(AttributeFactory.createNonceAttribute(nonce.getBytes(StandardCharsets.UTF_8)));
            o = exchange(req);
            if (o.code() != 438 || !(o.response().getAttribute(Attribute.NONCE) instanceof NonceAttribute fresh)) return o;
            nonce = new String(fresh.getNonce(), StandardCharsets.UTF_8);
        }
        return o;
    }

    private Outcome exchange(Request request) throws IOException {
        // ice4j encodes the attributes (and adds its SOFTWARE); Integrity appends MESSAGE-INTEGRITY and FINGERPRINT
        StunTransport.Reply reply = transport.transact(request, integrity.seal(request.encode(null), key));
        Message response = reply.message();
        char type = response.getMessageType();
        // method = the type without the two class bits (0x0110), RFC 8489 5
        if ((type & ~0x0110) != (request.getMessageType() & ~0x0110)) {
            throw new IOException("answer to " + request.getName() + " is " + response.getName());
        }
        if (Message.isSuccessResponseType(type)) {
            return new Outcome(200, null, key != null && integrity.verify(reply.raw(), reply.raw().length, key), response);
        }
        if (!(response.getAttribute(Attribute.ERROR_CODE) instanceof ErrorCodeAttribute e)) {
            throw new IOException(response.getName() + " without ERROR-CODE");
        }
        return new Outcome(e.getErrorCode(), e.getReasonPhrase(), false, response);
    }

    private static byte[] newTransactionId() {
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        return tid;
    }

    private static Request withTransactionId(Request r, byte[] tid) {
        try {
            r.setTransactionID(tid);
        } catch (StunException e) {
            throw new IllegalStateException("a 12-byte transaction id is always valid", e);
        }
        return r;
    }

    @Override
    public void close() {
        transport.close();
    }
}
