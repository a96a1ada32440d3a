package dev.meshwire.cli;

import dev.meshwire.peer.ByteSize;
import dev.meshwire.peer.PeerException;
import dev.meshwire.turn.Cidr;
import dev.meshwire.turn.PeerPolicy;
import dev.meshwire.turn.TlsSettings;
import dev.meshwire.turn.TurnConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The TURN server flags that {@code meshwire coordinator} (embedded server) and {@code meshwire turn} (standalone) share,
 * and their translation into a {@link TurnConfig}: the one place they are parsed. Both verbs spell them the same way,
 * with the {@code --turn-} prefix, so a server moved from the coordinator to its own host keeps its flags unchanged.
 * A flag not given keeps {@link TurnConfig#defaults()}'s value (the defaults live there, not here).
 */
final class TurnOptions {
    @Option(names = "--turn-relay-ports", paramLabel = "MIN-MAX", description = "UDP ports relay addresses are taken from (default 49152-65535)")
    String relayPorts;
    @Option(names = "--turn-relay-ip", paramLabel = "IP", description = "address relay sockets bind (default: the listen address, or the one the client reached)")
    String relayIp;
    @Option(names = "--turn-external-ip", paramLabel = "IP", description = "public address put into relay addresses when the server sits behind a 1:1 NAT")
    String externalIp;
    @Option(names = "--turn-realm", paramLabel = "REALM", description = "realm of the TURN credentials (default meshwire)")
    String realm;
    @Option(names = "--turn-allow-peer", paramLabel = "CIDR", description = "permit relaying to this block even if denied by default (repeatable)")
    List<String> allowPeers = new ArrayList<>();
    @Option(names = "--turn-deny-peer", paramLabel = "CIDR", description = "refuse relaying to this block (repeatable)")
    List<String> denyPeers = new ArrayList<>();
    @Option(names = "--turn-allow-loopback-peers", description = "permit relaying to 127.0.0.0/8 and ::1 (tests on one host)")
    boolean allowLoopback;
    @Option(names = "--turn-tls-port", paramLabel = "N", description = "also serve TURN over TLS (turns:) on this port; needs --turn-tls-cert and --turn-tls-key")
    Integer tlsPort;
    @Option(names = "--turn-tls-cert", paramLabel = "FILE", description = "PEM certificate chain for --turn-tls-port")
    Path tlsCert;
    @Option(names = "--turn-tls-key", paramLabel = "FILE", description = "PEM (PKCS#8) private key for --turn-tls-port")
    Path tlsKey;
    @Option(names = "--turn-user-quota", paramLabel = "N", description = "live allocations per user (default 32)")
    Integer userQuota;
    @Option(names = "--turn-total-quota", paramLabel = "N", description = "live allocations in total (default 4096)")
    Integer totalQuota;
    @Option(names = "--turn-max-bps", paramLabel = "BYTES", description = "relayed bytes per second per allocation and direction, like 1MiB; 0 = no cap (default 0)")
    String maxBps;

    /** Whether TURN over TLS was asked for. */
    boolean tls() {
        return tlsPort != null;
    }

    /**
     * {@code base} with the given flags applied (listen address and secret are the verb's own).
     *
     * @throws PeerException {@code bad_request} with a one-line message naming the flag
     */
    TurnConfig apply(TurnConfig base) {
        TurnConfig.Builder b = base.toBuilder();
        try {
            if (relayPorts != null) {
                int[] range = portRange(relayPorts);
                b.relayPorts(range[0], range[1]);
            }
            if (relayIp != null) b.relayHost(ipLiteral("--turn-relay-ip", relayIp));
            if (externalIp != null) b.externalHost(ipLiteral("--turn-external-ip", externalIp));
            if (realm != null) {
                if (realm.isBlank()) throw new IllegalArgumentException("--turn-realm must not be empty");
                b.realm(realm);
            }
            b.peerPolicy(new PeerPolicy(cidrs("--turn-allow-peer", allowPeers), cidrs("--turn-deny-peer", denyPeers),
                    allowLoopback || base.peerPolicy().allowLoopback()));
            b.tls(tlsSettings());
            atLeastOne("--turn-user-quota", userQuota);
            atLeastOne("--turn-total-quota", totalQuota);
            if (userQuota != null || totalQuota != null) {
                b.quotas(userQuota != null ? userQuota : base.maxAllocationsPerUser(), totalQuota != null ? totalQuota : base.maxAllocations());
            }
            if (maxBps != null) b.maxBytesPerSecond(ByteSize.parse("--turn-max-bps", maxBps));
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, e.getMessage());
        }
    }

    private TlsSettings tlsSettings() {
        if (tlsPort == null) {
            if (tlsCert != null || tlsKey != null) throw new IllegalArgumentException("--turn-tls-cert and --turn-tls-key need --turn-tls-port");
            return null;
        }
        if (tlsCert == null || tlsKey == null) throw new IllegalArgumentException("--turn-tls-port needs --turn-tls-cert FILE and --turn-tls-key FILE");
        for (Path p : new Path[] {tlsCert, tlsKey}) {
            if (!Files.isReadable(p)) throw new IllegalArgumentException("cannot read " + p + " (given for TURN over TLS)");
        }
        return new TlsSettings(tlsPort, tlsCert, tlsKey);
    }

    private static void atLeastOne(String flag, Integer v) {
        if (v != null && v < 1) throw new IllegalArgumentException(flag + " must be at least 1 (got " + v + ")");
    }

    /** {@code 49152-65535}. */
    static int[] portRange(String v) {
        String[] parts = v.trim().split("-", -1);
        try {
            if (parts.length == 2) {
                int min = Integer.parseInt(parts[0].trim());
                int max = Integer.parseInt(parts[1].trim());
                if (min >= 1 && max <= 65535 && min <= max) return new int[] {min, max};
            }
        } catch (NumberFormatException ignored) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("--turn-relay-ports must look like 49152-65535 (MIN-MAX within 1..65535), got '" + v + "'");
    }

    /** An IP literal (no host names: what goes into a relay address must not depend on DNS). */
    static String ipLiteral(String flag, String v) {
        try {
            Cidr c = Cidr.parse(v);
            if (!v.contains("/")) return c.network().getHostAddress();
        } catch (IllegalArgumentException ignored) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException(flag + " must be an IP address, got '" + v + "'");
    }

    private static List<Cidr> cidrs(String flag, List<String> values) {
        List<Cidr> out = new ArrayList<>();
        for (String v : values) {
            try {
                out.add(Cidr.parse(v));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + ": " + e.getMessage());
            }
        }
        return out;
    }
}
