package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.peer.ipc.OpenApiContract;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.signaling.Json;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors under {@code --json}: the failing verb prints the IPC error shape ({@code ErrorReply} of
 * docs/ipc-openapi.yaml) as one line on stdout, keeps its one stderr line, and exits with the same code as without
 * {@code --json}. Command-line mistakes too.
 */
class CliJsonErrorsTest {
    @TempDir
    Path tmp;

    /** The stdout of {@code r} is one ErrorReply line with {@code code}; returns its error object. */
    static JsonNode jsonError(CliResult r, String code) throws Exception {
        assertEquals(1, r.out().strip().lines().count(), "one line on stdout: " + r.out());
        JsonNode n = Json.MAPPER.readTree(r.out());
        assertEquals(List.of(), OpenApiContract.load().checkSchema("ErrorReply", n), r.out());
        assertEquals(code, n.path("error").path("code").asText(), r.out());
        assertTrue(r.err().strip().startsWith("meshwire: "), "the stderr line stays: " + r.err());
        assertTrue(r.err().contains(n.path("error").path("message").asText()), "the same message: " + r.err());
        return n.path("error");
    }

    @Test
    void failuresWithoutADaemonAreJsonUnderJson() throws Exception {
        String home = tmp.resolve("h").toString();
        CliResult noMeshes = run("--home", home, "send", "bob", "hi", "--json");
        assertEquals(ExitCodes.NOT_FOUND, noMeshes.code());
        jsonError(noMeshes, "no_meshes");

        CliResult plain = run("--home", home, "send", "bob", "hi");
        assertEquals(noMeshes.code(), plain.code(), "the same exit code without --json");
        assertEquals("", plain.out(), "nothing on stdout without --json");

        CliResult usage = run("--home", home, "send", "--json");
        assertEquals(ExitCodes.USAGE, usage.code());
        jsonError(usage, "usage");

        CliResult badOption = run("--home", home, "peers", "--bogus", "--json");
        assertEquals(ExitCodes.USAGE, badOption.code());
        jsonError(badOption, "usage");

        CliResult badPriority = run("--home", home, "send", "bob", "hi", "--priority", "urgent", "--json");
        assertEquals(ExitCodes.USAGE, badPriority.code());
        jsonError(badPriority, "bad_request");
    }

    @Test
    void daemonRefusalsKeepTheirCodeAndFields() throws Exception {
        try (Coordinator coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
             Daemon alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")))) {
            alice.client().createMesh(new CreateMeshRequest("team", coord.publicUrl(), "alice", coord.adminToken()));
            String home = alice.home().root().toString();

            CliResult unknownPeer = run("--home", home, "send", "zed", "hi", "--json");
            assertEquals(ExitCodes.NOT_FOUND, unknownPeer.code());
            jsonError(unknownPeer, "unknown_peer");

            CliResult unknownMessage = run("--home", home, "msg", "status", "nope", "--json");
            assertEquals(ExitCodes.NOT_FOUND, unknownMessage.code());
            jsonError(unknownMessage, "unknown_message");

            CliResult badUses = run("--home", home, "invite", "--uses", "0", "--json");
            assertEquals(ExitCodes.USAGE, badUses.code());
            assertEquals("uses", jsonError(badUses, "bad_request").path("field").asText());
        }
    }
}
