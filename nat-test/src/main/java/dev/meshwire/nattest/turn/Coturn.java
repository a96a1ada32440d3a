package dev.meshwire.nattest.turn;

import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.nattest.topology.Topology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * coturn ({@code turnserver} from the Debian package) as the matrix runs it: one instance in a namespace of a
 * {@link Topology}, UDP and TCP listeners on one address, TURN REST API credentials ({@code use-auth-secret})
 * with a fresh shared secret that the coordinator gets through {@link #secretFile()}, and no relaying towards
 * private or CGNAT space ({@link #DENIED_PEER_RANGES}). It is started through {@link Topology#start}, so it stops
 * when the topology closes. Files (config, secret, log, pid, user db) live in the directory given to
 * {@link #start}.
 */
public final class Coturn {
    public static final String REALM = "meshwire.test";
    /**
     * Peers coturn must never relay to: a peer's host candidates (10/8, 172.16/12, 192.168/16) and CGNAT space
     * (100.64/10). Without this, a TURN client could use the relay to reach hosts on the server's own private
     * networks. Inclusive first-last ranges, as coturn's {@code denied-peer-ip} takes them.
     */
    public static final List<String> DENIED_PEER_RANGES = List.of(
            "10.0.0.0-10.255.255.255",
            "100.64.0.0-100.127.255.255",
            "172.16.0.0-172.31.255.255",
            "192.168.0.0-192.168.255.255");
    static final long LISTEN_DEADLINE_MS = 15_000;

    private final String ip;
    private final int port;
    private final String secret;
    private final Path dir;

    private Coturn(String ip, int port, String secret, Path dir) {
        this.ip = ip;
        this.port = port;
        this.secret = secret;
        this.dir = dir;
    }

    /** Starts coturn in {@code t}'s public namespace with {@link #DENIED_PEER_RANGES}: what the matrix runs. */
    public static Coturn start(Topology t, String ip, int port, Path dir) throws IOException, InterruptedException {
        return start(t, t.publicNs(), ip, port, dir, DENIED_PEER_RANGES);
    }

    /**
     * Starts coturn in {@code ns} listening (UDP and TCP) and relaying on {@code ip}, refusing {@code deniedPeers},
     * and returns once both listeners are up. Throws if coturn exits or does not listen within 15 s.
     */
    public static Coturn start(Topology t, String ns, String ip, int port, Path dir, List<String> deniedPeers)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String secret = "mx-" + HexFormat.of().formatHex(random);
        Coturn c = new Coturn(ip, port, secret, dir);
        // 0600 before the secret is in it: the coordinator refuses a --turn-secret-file others may read
        Files.deleteIfExists(c.secretFile());
        Files.createFile(c.secretFile(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(c.secretFile(), secret + "\n");
        Files.writeString(c.config(), c.render(deniedPeers));
        Process p = t.start(ns, List.of("sh", "-c",
                "exec turnserver -c " + c.config() + " > " + dir.resolve("stdout.log") + " 2>&1"));
        c.awaitListening(t, ns, p);
        return c;
    }

    private String render(List<String> deniedPeers) {
        List<String> lines = new ArrayList<>(List.of(
                "listening-ip=" + ip,
                "relay-ip=" + ip,
                "listening-port=" + port,   // coturn listens on it over UDP and TCP unless told no-udp/no-tcp
                "min-port=49152",
                "max-port=49352",
                "fingerprint",
                "use-auth-secret",
                "static-auth-secret=" + secret,
                "realm=" + REALM,
                "no-tls",
                "no-dtls",
                "no-cli",
                "no-multicast-peers"));
        // Sends to any other address vanish in the public namespace's black-hole default route instead of failing
        // with ENETUNREACH, which would close the whole allocation (spike trap 2); these ranges are refused outright.
        for (String range : deniedPeers) lines.add("denied-peer-ip=" + range);
        lines.addAll(List.of(
                "simple-log",
                "verbose",
                "log-file=" + log(),
                "pidfile=" + dir.resolve("turn.pid"),
                "userdb=" + dir.resolve("turndb"),
                ""));
        return String.join("\n", lines);
    }

    /** Polls {@code ss} in the namespace until a UDP socket and a TCP listener are bound to ip:port. */
    private void awaitListening(Topology t, String ns, Process p) throws IOException, InterruptedException {
        String endpoint = ip + ":" + port;
        long deadline = System.currentTimeMillis() + LISTEN_DEADLINE_MS;
        while (System.currentTimeMillis() < deadline) {
            Cmd.Result ss = t.exec(ns, List.of("ss", "-Hlntu", "sport = :" + port));
            if (ss.ok() && ss.output().lines().anyMatch(l -> l.startsWith("udp") && l.contains(endpoint))
                    && ss.output().lines().anyMatch(l -> l.startsWith("tcp") && l.contains(endpoint))) return;
            // the pause between polls doubles as the check that coturn is still alive (a bad config exits at once)
            if (p.waitFor(100, TimeUnit.MILLISECONDS)) {
                throw new IOException("coturn exited with " + p.exitValue() + " before listening (see " + dir + ")");
            }
        }
        throw new IOException("coturn did not listen on UDP and TCP " + endpoint + " within "
                + LISTEN_DEADLINE_MS + " ms (see " + dir + ")");
    }

    public String ip() {
        return ip;
    }

    public int port() {
        return port;
    }

    /** The shared secret of {@code use-auth-secret}: TURN REST API passwords are HMACs keyed with it. */
    public String secret() {
        return secret;
    }

    /** The secret in a file (0600), for the coordinator's {@code --turn-secret-file}. */
    public Path secretFile() {
        return dir.resolve("secret");
    }

    public Path config() {
        return dir.resolve("turnserver.conf");
    }

    /** coturn's own log ({@code verbose}): allocations, permissions, TCP clients. */
    public Path log() {
        return dir.resolve("turn.log");
    }
}
