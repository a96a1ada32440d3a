package dev.meshwire.nattest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meshwire.nattest.topology.Cmd;
import dev.meshwire.nattest.topology.Topology;
import dev.meshwire.nattest.turn.StunTransport;
import dev.meshwire.nattest.turn.TurnProbe;
import dev.meshwire.turn.RestCredentials;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link TurnProbe} (its own JVM) in a namespace against a TURN server and returns its JSON line. */
final class TurnProbes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TurnProbes() {}

    /** A REST credential for {@code user} under {@code secret}, expiring at {@code expiry} (unix seconds). */
    record Credential(String username, String password) {
        static Credential of(String secret, long expiry, String user) {
            String username = RestCredentials.username(expiry, user);
            return new Credential(username, RestCredentials.password(secret, username));
        }
    }

    static JsonNode probe(Topology t, String ns, StunTransport.Kind kind, String ip, int port, Credential c,
                          List<String> peers) throws IOException {
        List<String> args = new ArrayList<>(List.of(kind.name().toLowerCase(), ip, String.valueOf(port),
                c.username(), c.password()));
        args.addAll(peers);
        Cmd.Result r = t.exec(ns, TurnProbe.command(args.toArray(String[]::new)), Duration.ofSeconds(60));
        String line = r.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        assertEquals(0, r.exit(), () -> "probe failed: " + r.output());
        assertNotNull(line, () -> "no JSON from the probe: " + r.output());
        JsonNode n = JSON.readTree(line);
        System.out.println("TurnProbe " + kind + " " + ip + ":" + port + " " + c.username() + ": " + n);
        return n;
    }
}
