package dev.meshwire.nattest.turn;

import dev.meshwire.nattest.probe.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ice4j.attribute.Attribute;

/**
 * A TURN client probe, run inside a site's host namespace as its own JVM ({@link #command} builds the command line):
 * {@code TurnProbe udp|tcp <server-ip> <port> <username> <password> [peer-ip ...]}.
 * Allocates a UDP relay with the given credentials and, if that worked, asks for a permission towards each peer.
 * Prints one JSON line with every answer the server gave and exits 0; a transport or protocol failure prints
 * {@code {"error": ...}} and exits 3. The probe judges nothing: the test decides what the codes must be.
 */
public final class TurnProbe {
    private TurnProbe() {}

    /**
     * The command that runs the probe with {@code args} in a fresh JVM on this JVM's class path: ice4j's codec needs
     * its own dependencies (its configuration library and the Kotlin runtime), so the probe is not JDK-only like
     * {@code dev.meshwire.nattest.probe}. Under Surefire, whose {@code java.class.path} is a manifest-only booter jar,
     * the real class path is in {@code surefire.test.class.path}.
     */
    public static List<String> command(String... args) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, TurnProbe.class.getName()));
        c.addAll(List.of(args));
        return c;
    }

    public static void main(String[] args) {
        if (args.length < 5) {
            System.err.println("usage: TurnProbe udp|tcp <server-ip> <port> <username> <password> [peer-ip ...]");
            System.exit(2);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        int exit = 0;
        try {
            StunTransport.Kind kind = StunTransport.Kind.valueOf(args[0].toUpperCase());
            InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
            out.putAll(run(kind, server, args[3], args[4], List.of(args).subList(5, args.length)));
        } catch (IOException | RuntimeException e) {
            out.put("error", e.toString()); // the test prints it; the probe itself judges nothing
            exit = 3;
        }
        System.out.println(Json.write(out));
        System.out.flush();
        System.exit(exit);
    }

    static Map<String, Object> run(StunTransport.Kind kind, InetSocketAddress server, String username, String password,
                                   List<String> peers) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("transport", kind.name().toLowerCase());
        out.put("server", server.getAddress().getHostAddress() + ":" + server.getPort());
        try (TurnClient c = new TurnClient(StunTransport.open(kind, server), username, password)) {
            TurnClient.Outcome alloc = c.allocate();
            out.put("challenge", answer(c.challenge()));
            out.put("realm", c.realm());
            Map<String, Object> a = answer(alloc);
            if (alloc.ok()) {
                a.put("relayed", text(alloc.xorAddress(Attribute.XOR_RELAYED_ADDRESS)));
                a.put("mapped", text(alloc.xorAddress(Attribute.XOR_MAPPED_ADDRESS)));
            }
            out.put("allocate", a);
            Map<String, Object> perms = new LinkedHashMap<>();
            if (alloc.ok()) {
                for (String peer : peers) perms.put(peer, answer(c.createPermission(InetAddress.getByName(peer))));
            }
            out.put("permissions", perms);
        }
        return out;
    }

    private static Map<String, Object> answer(TurnClient.Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", o.code());
        m.put("reason", o.reason());
        m.put("integrity", o.integrity());
        return m;
    }

    private static String text(InetSocketAddress a) {
        return a == null ? null : a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
