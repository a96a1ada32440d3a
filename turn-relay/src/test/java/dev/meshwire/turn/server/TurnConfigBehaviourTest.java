package dev.meshwire.turn.server;

import static dev.meshwire.turn.server.TurnTestClient.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.turn.TlsSettings;
import dev.meshwire.turn.TurnConfig;
import dev.meshwire.turn.TurnServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.LifetimeAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config fields a client can observe: lifetimes, relay range, external address; and a bad TLS file at start. */
class TurnConfigBehaviourTest {
    private static final String SECRET = "config-secret";

    private static int lifetime(Message m) {
        return ((LifetimeAttribute) m.getAttribute(Attribute.LIFETIME)).getLifetime();
    }

    @Test
    void lifetimesFollowTheConfigAndAreCapped() throws Exception {
        TurnConfig c = TurnConfig.defaults().toBuilder().listen("127.0.0.1", 0).secret(SECRET).build();
        try (TurnServer server = TurnServer.start(c, null);
             TurnTestClient a = TurnTestClient.rest(server.port(), SECRET, "a");
             TurnTestClient b = TurnTestClient.rest(server.port(), SECRET, "b");
             TurnTestClient d = TurnTestClient.rest(server.port(), SECRET, "d")) {
            assertEquals(600, lifetime(a.allocate()), "the default when none is asked");
            var big = MessageFactory.createAllocateRequest((byte) 17, false);
            big.putAttribute(AttributeFactory.createLifetimeAttribute(99_999));
            assertEquals(3600, lifetime(b.sendAuthenticated(big)), "capped at the maximum");
            var small = MessageFactory.createAllocateRequest((byte) 17, false);
            small.putAttribute(AttributeFactory.createLifetimeAttribute(30));
            assertEquals(600, lifetime(d.sendAuthenticated(small)), "never below the default (RFC 8656 §7.2)");
            assertEquals(3600, lifetime(a.refresh(99_999)), "Refresh is capped too");
            assertEquals(120, lifetime(a.refresh(120)));
            assertEquals(0, lifetime(a.refresh(0)));
        }
    }

    @Test
    void relayPortsComeFromTheRangeAndTheExternalAddressIsAdvertised() throws Exception {
        int base = CoturnTools.freePort();
        TurnConfig c = TurnConfig.defaults().toBuilder().listen("127.0.0.1", 0).secret(SECRET)
                .relayPorts(base, base).externalHost("203.0.113.7").build();
        try (TurnServer server = TurnServer.start(c, null);
             TurnTestClient a = TurnTestClient.rest(server.port(), SECRET, "a");
             TurnTestClient b = TurnTestClient.rest(server.port(), SECRET, "b")) {
            InetSocketAddress relayed = TurnTestClient.relayed(a.allocate());
            assertEquals("203.0.113.7", relayed.getAddress().getHostAddress());
            assertEquals(base, relayed.getPort());
            Message full = b.allocate();
            assertEquals(508, errorCode(full), "the one-port range is exhausted");
        }
    }

    @Test
    void wildcardListenerRelaysFromTheAddressTheClientReached() throws Exception {
        TurnConfig c = TurnConfig.defaults().toBuilder().listen("0.0.0.0", 0).secret(SECRET).build();
        try (TurnServer server = TurnServer.start(c, null);
             TurnTestClient a = TurnTestClient.rest(server.port(), SECRET, "a")) {
            InetSocketAddress relayed = TurnTestClient.relayed(a.allocate());
            assertEquals("127.0.0.1", relayed.getAddress().getHostAddress(), "the route toward a loopback client");
            assertEquals(0, errorCode(a.createPermission("8.8.8.8")), "an IPv4 relay takes IPv4 peers");
        }
    }

    @Test
    void unreadableTlsFilesFailStartWithTheirName(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.pem");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        TurnConfig c1 = TurnConfig.defaults().toBuilder().listen("127.0.0.1", 0).secret(SECRET)
                .tls(new TlsSettings(0, missing, missing)).build();
        IOException e1 = assertThrows(IOException.class, () -> TurnServer.start(c1, null));
        assertTrue(e1.getMessage().contains("nope.pem"), e1.getMessage());
        TurnConfig c2 = c1.toBuilder().tls(new TlsSettings(0, junk, junk)).build();
        IOException e2 = assertThrows(IOException.class, () -> TurnServer.start(c2, null));
        assertTrue(e2.getMessage().contains("junk.pem"), e2.getMessage());
    }
}
