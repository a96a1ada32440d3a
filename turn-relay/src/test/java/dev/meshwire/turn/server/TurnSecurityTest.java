package dev.meshwire.turn.server;

import static dev.meshwire.turn.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.turn.PeerPolicy;
import dev.meshwire.turn.RestCredentials;
import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.ice4j.attribute.Attribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the server refuses, over real UDP with a client built on ice4j's codec. */
class TurnSecurityTest {
    private static final String SECRET = "security-secret";

    private static TurnConfig.Builder config() {
        return TurnConfig.defaults().toBuilder().listen("127.0.0.1", 0).secret(SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "127.0.0.1", "169.254.1.1", "100.64.0.1", "192.168.1.1", "172.16.0.1", "0.0.0.0"})
    void privatePeersAreRefusedWith403ByDefault(String peer) throws Exception {
        try (TurnServer server = TurnServer.start(config().build(), null);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice")) {
            assertEquals(0, errorCode(c.allocate()));
            assertEquals(403, errorCode(c.createPermission(peer)), "CreatePermission " + peer);
            assertEquals(403, errorCode(c.channelBind(0x4001, peer, 5000)), "ChannelBind " + peer);
            assertEquals(0, errorCode(c.createPermission("8.8.8.8")), "a public peer is permitted");
            assertEquals(2, server.stats().refusals().get("peer_denied"));
        }
    }

    @Test
    void oneRefusedPeerFailsTheWholeCreatePermission() throws Exception {
        try (TurnServer server = TurnServer.start(config().build(), null);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice")) {
            c.allocate();
            byte[] tid = TurnTestClient.tid();
            var req = MessageFactory.createCreatePermissionRequest(new org.ice4j.TransportAddress("8.8.8.8", 1, org.ice4j.Transport.UDP), tid);
            req.setTransactionID(tid);
            req.putAttribute(org.ice4j.attribute.AttributeFactory.createXorPeerAddressAttribute(
                    new org.ice4j.TransportAddress("10.1.1.1", 1, org.ice4j.Transport.UDP), tid));
            assertEquals(403, errorCode(c.sendAuthenticated(req)));
            assertEquals(0, server.stats().permissions(), "nothing installed");
        }
    }

    @Test
    void loopbackPeerIsPermittedOnlyWithAllowLoopback() throws Exception {
        TurnConfig open = config().peerPolicy(PeerPolicy.safeDefault().withAllowLoopback(true)).build();
        try (TurnServer server = TurnServer.start(open, null);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice")) {
            c.allocate();
            assertEquals(0, errorCode(c.createPermission("127.0.0.1")));
            assertEquals(403, errorCode(c.createPermission("10.0.0.1")));
        }
    }

    @Test
    void missingCredentialGets401WithRealmAndNonce() throws Exception {
        try (TurnServer server = TurnServer.start(config().realm("test.realm").build(), null);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice")) {
            Message r = c.send(MessageFactory.createAllocateRequest((byte) 17, false));
            assertEquals(401, errorCode(r));
            assertNotNull(r.getAttribute(Attribute.NONCE));
            assertEquals("test.realm", new String(((org.ice4j.attribute.RealmAttribute) r.getAttribute(Attribute.REALM)).getRealm()));
            assertEquals(0, server.stats().allocations());
        }
    }

    @Test
    void wrongPasswordGets401() throws Exception {
        try (TurnServer server = TurnServer.start(config().build(), null)) {
            String user = RestCredentials.username(System.currentTimeMillis() / 1000 + 3600, "mallory");
            try (TurnTestClient c = new TurnTestClient(server.port(), user, RestCredentials.password("not-the-secret", user))) {
                assertEquals(401, errorCode(c.allocate()));
                assertEquals(0, server.stats().allocations());
            }
        }
    }

    @Test
    void expiredOrMalformedUsernameGets401() throws Exception {
        try (TurnServer server = TurnServer.start(config().build(), null)) {
            String expired = RestCredentials.username(System.currentTimeMillis() / 1000 - 5, "alice");
            try (TurnTestClient c = new TurnTestClient(server.port(), expired, RestCredentials.password(SECRET, expired))) {
                assertEquals(401, errorCode(c.allocate()), "the password is right but the username expired");
            }
            try (TurnTestClient c = new TurnTestClient(server.port(), "alice", RestCredentials.password(SECRET, "alice"))) {
                assertEquals(401, errorCode(c.allocate()), "a username without an expiry is never valid");
            }
            assertEquals(0, server.stats().allocations());
        }
    }

    @Test
    void staleNonceGets438WithAFreshNonce() throws Exception {
        try (TurnServer server = TurnServer.start(config().nonceLifetime(Duration.ofSeconds(1)).build(), null);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice")) {
            assertEquals(0, errorCode(c.allocate()));
            byte[] old = c.nonce.clone();
            Message[] last = new Message[1];
            Conditions.await(Duration.ofSeconds(30), () -> "a Refresh with the old nonce gets 438", () -> {
                try {
                    c.nonce = old;
                    last[0] = c.sendOnce(MessageFactory.createRefreshRequest(600));
                    return errorCode(last[0]) == 438;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            byte[] fresh = ((org.ice4j.attribute.NonceAttribute) last[0].getAttribute(Attribute.NONCE)).getNonce();
            assertFalse(java.util.Arrays.equals(old, fresh), "438 carries a new nonce");
            assertNotNull(last[0].getAttribute(Attribute.REALM));
            c.nonce = fresh;
            assertEquals(0, errorCode(c.sendOnce(MessageFactory.createRefreshRequest(600))), "the fresh nonce works");
            assertTrue(server.stats().refusals().get("stale_nonce") >= 1);
        }
    }

    @Test
    void perUserQuotaGives486() throws Exception {
        try (TurnServer server = TurnServer.start(config().quotas(2, 100).build(), null);
             TurnTestClient a = TurnTestClient.rest(server.port(), SECRET, "alice");
             TurnTestClient b = TurnTestClient.rest(server.port(), SECRET, "alice");
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice");
             TurnTestClient other = TurnTestClient.rest(server.port(), SECRET, "bob")) {
            assertEquals(0, errorCode(a.allocate()));
            assertEquals(0, errorCode(b.allocate()));
            assertEquals(486, errorCode(c.allocate()), "allocation 3 for alice");
            assertEquals(0, errorCode(other.allocate()), "bob has his own quota");
            assertEquals(0, errorCode(a.refresh(0)));
            assertEquals(0, errorCode(c.allocate()), "a released allocation frees the quota");
        }
    }

    @Test
    void totalQuotaGives486() throws Exception {
        try (TurnServer server = TurnServer.start(config().quotas(5, 2).build(), null);
             TurnTestClient a = TurnTestClient.rest(server.port(), SECRET, "u1");
             TurnTestClient b = TurnTestClient.rest(server.port(), SECRET, "u2");
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "u3")) {
            assertEquals(0, errorCode(a.allocate()));
            assertEquals(0, errorCode(b.allocate()));
            assertEquals(486, errorCode(c.allocate()));
            assertEquals(2, server.stats().allocations());
            assertEquals(1, server.stats().refusals().get("quota"));
        }
    }

    @Test
    void stunOnlyRefusesAllocateAndOpensNoPort() throws Exception {
        int base = CoturnTools.freePort();
        TurnConfig stunOnly = TurnConfig.defaults().toBuilder().listen("127.0.0.1", 0).relayPorts(base, base).build();
        try (TurnServer server = TurnServer.start(stunOnly, null);
             TurnTestClient c = new TurnTestClient(server.port(), "1:x", "x")) {
            assertEquals(403, errorCode(c.send(MessageFactory.createAllocateRequest((byte) 17, false))));
            Message binding = c.send(MessageFactory.createBindingRequest());
            assertNotNull(binding.getAttribute(Attribute.XOR_MAPPED_ADDRESS), "Binding still works");
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", base))) {
                assertEquals(base, s.getLocalPort(), "the relay port was never opened");
            }
            assertEquals(0, server.stats().allocationsTotal());
        }
    }

    @Test
    void secondAllocateIs437AndARetransmissionGetsTheSameAnswer() throws Exception {
        try (TurnServer server = TurnServer.start(config().build(), null);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice")) {
            Message first = c.allocate();
            assertEquals(0, errorCode(first));
            assertEquals(437, errorCode(c.allocate()), "a new Allocate on an allocated 5-tuple");
            // the server must not allocate twice for a retransmitted Allocate: same transaction, same relay address
            var again = MessageFactory.createAllocateRequest((byte) 17, false);
            again.setTransactionID(first.getTransactionID());
            again.putAttribute(org.ice4j.attribute.AttributeFactory.createUsernameAttribute(c.username));
            again.putAttribute(org.ice4j.attribute.AttributeFactory.createRealmAttribute(c.realm));
            again.putAttribute(org.ice4j.attribute.AttributeFactory.createNonceAttribute(c.nonce));
            Message retransmitted = c.exchange(again, dev.meshwire.turn.server.stun.Integrity.longTermKey(
                    c.username, new String(c.realm), c.password));
            assertEquals(0, errorCode(retransmitted));
            assertEquals(TurnTestClient.relayed(first), TurnTestClient.relayed(retransmitted));
            assertEquals(1, server.stats().allocationsTotal());
        }
    }

    @Test
    void requestsWithoutAnAllocationGet437AndUdpTransportIsRequired() throws Exception {
        try (TurnServer server = TurnServer.start(config().build(), null);
             TurnTestClient c = TurnTestClient.rest(server.port(), SECRET, "alice")) {
            assertEquals(437, errorCode(c.refresh(600)));
            assertEquals(437, errorCode(c.createPermission("8.8.8.8")));
            assertEquals(442, errorCode(c.sendAuthenticated(MessageFactory.createAllocateRequest((byte) 6, false))), "TCP relay");
            assertEquals(0, errorCode(c.allocate()));
            assertEquals(400, errorCode(c.channelBind(0x3FFF, "8.8.8.8", 1)), "channel number below range");
            assertEquals(0, errorCode(c.channelBind(0x4001, "8.8.8.8", 1)));
            assertEquals(0, errorCode(c.channelBind(0x4001, "8.8.8.8", 1)), "rebinding the same pair refreshes it");
            assertEquals(400, errorCode(c.channelBind(0x4001, "8.8.4.4", 1)), "the number is taken by another peer");
            assertEquals(400, errorCode(c.channelBind(0x4002, "8.8.8.8", 1)), "the peer has another number");
            assertEquals(1, server.stats().channels());
            assertEquals(1, server.stats().permissions());
        }
    }
}
