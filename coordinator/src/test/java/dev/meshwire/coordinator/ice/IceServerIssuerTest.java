package dev.meshwire.coordinator.ice;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.turn.RestCredentials;
import dev.meshwire.turn.TlsSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each {@link IceSettings} hands out in hello_ack, and the combinations it refuses. */
class IceServerIssuerTest {
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
    static final String KEY = "ab".repeat(32);

    @Test
    void embeddedTurnHandsOutEveryAdvertisedTransportWithRestCredentials() {
        IceSettings tls = IceSettings.defaults().withServer(IceSettings.defaults().server().toBuilder()
                .tls(new TlsSettings(5349, Path.of("cert.pem"), Path.of("key.pem"))).build());
        List<Frames.IceServer> out = IceServerIssuer.forSettings(tls, "turn.example", 3478, 5349, "s3cret", CLOCK).forMember(KEY);
        assertEquals(List.of("stun:turn.example:3478"), out.get(0).urls());
        assertNull(out.get(0).username());
        assertEquals(List.of("turn:turn.example:3478?transport=udp", "turn:turn.example:3478?transport=tcp",
                "turns:turn.example:5349?transport=tcp"), out.get(1).urls());
        assertEquals((1_700_000_000L + 12 * 3600) + ":" + KEY, out.get(1).username());
        assertEquals(RestCredentials.password("s3cret", out.get(1).username()), out.get(1).credential());

        // Without a TLS port the tls transport is skipped, not advertised with a bogus port.
        List<Frames.IceServer> plain = IceServerIssuer.forSettings(IceSettings.defaults(), "2001:db8::1", 3478, -1, "s", CLOCK).forMember(KEY);
        assertEquals(List.of("stun:[2001:db8::1]:3478"), plain.get(0).urls());
        assertEquals(List.of("turn:[2001:db8::1]:3478?transport=udp", "turn:[2001:db8::1]:3478?transport=tcp"), plain.get(1).urls());
    }

    @Test
    void stunOnlyExternalAndNoServerHandOutWhatTheySay() {
        IceSettings base = IceSettings.defaults().withCredentialTtl(Duration.ofHours(1));
        List<Frames.IceServer> stunOnly = IceServerIssuer.forSettings(base.withoutTurn(), "h", 3478, -1, null, CLOCK).forMember(KEY);
        assertEquals(1, stunOnly.size());
        assertEquals(List.of("stun:h:3478"), stunOnly.get(0).urls());

        TurnSettings coturn = new TurnSettings(List.of("turn:coturn.example:3478?transport=udp"), "other", Duration.ofHours(2));
        List<Frames.IceServer> external = IceServerIssuer.forSettings(base.withExternal(coturn), "h", 3479, -1, null, CLOCK).forMember(KEY);
        assertEquals(List.of("stun:h:3479"), external.get(0).urls());
        assertEquals(coturn.urls(), external.get(1).urls());
        assertEquals((1_700_000_000L + 2 * 3600) + ":" + KEY, external.get(1).username(), "the external server's own TTL");
        assertEquals(RestCredentials.password("other", external.get(1).username()), external.get(1).credential());

        // --no-stun --turn-url: no embedded server, the external TURN still handed out.
        IceSettings noServer = base.withServer(null).withExternal(coturn);
        List<Frames.IceServer> onlyExternal = IceServerIssuer.forSettings(noServer, "h", -1, -1, null, CLOCK).forMember(KEY);
        assertEquals(1, onlyExternal.size());
        assertEquals(coturn.urls(), onlyExternal.get(0).urls());

        assertEquals(List.of(), IceServerIssuer.forSettings(base.withServer(null), "h", -1, -1, null, CLOCK).forMember(KEY));
    }

    @Test
    void contradictorySettingsAreRefused() {
        IceSettings d = IceSettings.defaults();
        assertFalse(d.withServer(null).embeddedTurn(), "no server, no embedded TURN");
        assertTrue(d.withServer(null).withPort(0).embeddedTurn(), "a server again (--no-stun undone): embedded TURN again");
        assertThrows(IllegalArgumentException.class, () -> d.withAdvertised(Set.of(IceSettings.Transport.TLS)), "tls without a TLS port");
        assertThrows(IllegalArgumentException.class, () -> d.withAdvertised(Set.of()));
        assertThrows(IllegalArgumentException.class, () -> d.withCredentialTtl(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new IceSettings(d.server(), IceSettings.TurnMode.EXTERNAL, d.advertised(), d.credentialTtl(), null));
        assertEquals(IceSettings.Transport.TCP, IceSettings.Transport.parse(" TCP "));
        assertThrows(IllegalArgumentException.class, () -> IceSettings.Transport.parse("quic"));
    }
}
