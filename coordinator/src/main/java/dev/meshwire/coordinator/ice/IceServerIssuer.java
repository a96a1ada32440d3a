package dev.meshwire.coordinator.ice;

import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.turn.RestCredentials;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The ICE servers a member gets in {@code hello_ack}: the embedded STUN server, plus TURN with ephemeral credentials
 * of the TURN REST API scheme ({@link RestCredentials}: username {@code <expiry unix seconds>:<pubkey>}, password
 * {@code base64(HMAC-SHA1(secret, username))}), so a TURN server with the same shared secret — the embedded one or
 * an external coturn — accepts them without knowing the members, and a leaked credential dies on its own.
 */
public final class IceServerIssuer {
    private final List<String> stunUrls;
    private final TurnSettings turn;
    private final Clock clock;

    /** @param turn null when no TURN server is handed out */
    public IceServerIssuer(List<String> stunUrls, TurnSettings turn, Clock clock) {
        this.stunUrls = List.copyOf(stunUrls);
        this.turn = turn;
        this.clock = clock;
    }

    public static IceServerIssuer none() {
        return new IceServerIssuer(List.of(), null, Clock.systemUTC());
    }

    /**
     * What {@code settings} hands out once the embedded server is bound.
     *
     * @param host    the host peers reach the coordinator at (a literal IPv6 address is bracketed here)
     * @param port    the embedded server's UDP/TCP port, or -1 when none runs
     * @param tlsPort its TLS port, or -1 when TLS is off
     * @param secret  the embedded server's TURN secret (TURN mode), else ignored
     */
    public static IceServerIssuer forSettings(IceSettings settings, String host, int port, int tlsPort, String secret, Clock clock) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        List<String> stun = port < 0 ? List.of() : List.of("stun:" + h + ":" + port);
        TurnSettings turn = switch (settings.turn()) {
            case EMBEDDED -> port < 0 ? null : new TurnSettings(embeddedTurnUrls(settings, h, port, tlsPort), secret, settings.credentialTtl());
            case EXTERNAL -> settings.external();
            case NONE -> null;
        };
        return new IceServerIssuer(stun, turn, clock);
    }

    /** {@code turn:H:P?transport=udp}, {@code turn:H:P?transport=tcp}, {@code turns:H:TLS?transport=tcp}, as advertised. */
    static List<String> embeddedTurnUrls(IceSettings settings, String host, int port, int tlsPort) {
        List<String> urls = new ArrayList<>();
        if (settings.advertised().contains(IceSettings.Transport.UDP)) urls.add("turn:" + host + ":" + port + "?transport=udp");
        if (settings.advertised().contains(IceSettings.Transport.TCP)) urls.add("turn:" + host + ":" + port + "?transport=tcp");
        if (settings.advertised().contains(IceSettings.Transport.TLS) && tlsPort >= 0) {
            urls.add("turns:" + host + ":" + tlsPort + "?transport=tcp");
        }
        return urls;
    }

    public List<Frames.IceServer> forMember(String pubkey) {
        List<Frames.IceServer> out = new ArrayList<>();
        if (!stunUrls.isEmpty()) out.add(new Frames.IceServer(stunUrls, null, null));
        if (turn != null) {
            String username = RestCredentials.username(clock.instant().plus(turn.ttl()).getEpochSecond(), pubkey);
            out.add(new Frames.IceServer(turn.urls(), username, RestCredentials.password(turn.secret(), username)));
        }
        return out;
    }
}
