package dev.meshwire.nattest.turn;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * The client side of the two TURN requests the probe needs (RFC 8656 7 and 9): Allocate, then CreatePermission,
 * with the long-term credential mechanism of RFC 5389 10.2 -- the first Allocate goes without credentials, the
 * server's 401 carries REALM and NONCE, and every later request carries USERNAME, REALM, NONCE and
 * MESSAGE-INTEGRITY keyed with MD5(username:realm:password). A 438 (Stale Nonce) is retried once with the new nonce.
 */
public final class TurnClient implements AutoCloseable {
    /** REQUESTED-TRANSPORT value for UDP relaying (the IANA protocol number), the only one RFC 8656 defines. */
    private static final int UDP = 17;

    /**
     * What the server answered: 200 for success, else the ERROR-CODE. {@code integrity} says whether a success
     * response carried a MESSAGE-INTEGRITY made with our key, i.e. the server derived the same key from its secret.
     */
    public record Outcome(int code, String reason, boolean integrity, StunMessage response) {
        public boolean ok() {
            return code == 200;
        }
    }

    private final StunTransport transport;
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
        StunMessage first = allocateRequest();
        challenge = outcome(transport.transact(first, first.encode(null)), first);
        if (challenge.code() != 401) return challenge; // 200 would mean a server without auth: the caller sees it
        realm = challenge.response().getString(StunMessage.REALM);
        nonce = challenge.response().getString(StunMessage.NONCE);
        if (realm == null || nonce == null) return challenge;
        key = StunMessage.longTermKey(username, realm, password);
        return authenticated(TurnClient::allocateRequest);
    }

    /** Asks for a permission towards {@code peer} (the port is not part of a permission, RFC 8656 9). */
    public Outcome createPermission(InetAddress peer) throws IOException {
        if (key == null) throw new IllegalStateException("allocate first");
        byte[] peerAddress = StunMessage.xorAddress(new InetSocketAddress(peer, 9));
        return authenticated(() -> StunMessage.request(StunMessage.CREATE_PERMISSION)
                .add(StunMessage.XOR_PEER_ADDRESS, peerAddress));
    }

    private static StunMessage allocateRequest() {
        return StunMessage.request(StunMessage.ALLOCATE).add(StunMessage.REQUESTED_TRANSPORT, new byte[] {UDP, 0, 0, 0});
    }

    private Outcome authenticated(Supplier<StunMessage> build) throws IOException {
        Outcome o = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            StunMessage req = build.get()
                    .addString(StunMessage.USERNAME, username)
                    .addString(StunMessage.REALM, realm)
                    .addString(StunMessage.NONCE, nonce);
            o = outcome(transport.transact(req, req.encode(key)), req);
            String fresh = o.response().getString(StunMessage.NONCE);
            if (o.code() != 438 || fresh == null) return o;
            nonce = fresh;
        }
        return o;
    }

    private Outcome outcome(StunMessage response, StunMessage request) throws IOException {
        if (response.method() != request.method()) {
            throw new IOException("answer to method 0x" + Integer.toHexString(request.method()) + " has method 0x"
                    + Integer.toHexString(response.method()));
        }
        if (response.messageClass() == StunMessage.SUCCESS) {
            return new Outcome(200, null, key != null && response.integrityValid(key), response);
        }
        return new Outcome(response.errorCode(), response.errorReason(), false, response);
    }

    @Override
    public void close() {
        transport.close();
    }
}
