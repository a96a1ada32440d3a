package dev.meshwire.cli;

import static dev.meshwire.cli.CliResult.cli;
import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.coordinator.Coordinator;
import dev.meshwire.coordinator.CoordinatorConfig;
import dev.meshwire.peer.daemon.Daemon;
import dev.meshwire.peer.daemon.DaemonOptions;
import dev.meshwire.signaling.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh verbs of issue #14 against a real coordinator and real daemons: {@code peers} over every mesh,
 * {@code mesh list}, {@code status} exit codes and next steps, {@code bans}, {@code outbox --mesh}, {@code mesh rm}
 * (refused with pending sends unless {@code --force}) and {@code leave} (recorded as {@code member_left}).
 */
class MeshVerbsTest {
    static final long WAIT = 30_000;
    @TempDir
    Path tmp;
    Coordinator coord;
    Daemon alice;
    Daemon bob;

    @BeforeEach
    void twoMeshes() throws Exception {
        coord = Coordinator.start(CoordinatorConfig.defaults(tmp.resolve("coord")).withListen("127.0.0.1", 0).withStunPort(-1));
        alice = Daemon.start(DaemonOptions.of(tmp.resolve("alice")));
        bob = Daemon.start(DaemonOptions.of(tmp.resolve("bob")));
        for (String mesh : List.of("team", "ops")) {
            String invite = alice.client().createMesh(new dev.meshwire.peer.ipc.api.CreateMeshRequest(mesh, coord.publicUrl(), "alice", coord.adminToken())).invite();
            bob.client().join(invite, "bob");
        }
        await("bob is online for alice in both meshes", WAIT, () -> {
            JsonNode p = json(ok(cli(alice, "peers", "--json")));
            return count(p, "bob", true) == 2;
        });
    }

    @AfterEach
    void stop() {
        bob.close();
        alice.close();
        coord.close();
    }

    @Test
    void peersListsEveryMeshWithAMeshColumnAndMeshListReadsTheDisk() throws Exception {
        JsonNode p = json(ok(cli(bob, "peers", "--json")));
        assertEquals(4, p.path("items").size(), p.toString());
        List<String> meshes = new ArrayList<>();
        p.path("items").forEach(x -> meshes.add(x.path("mesh").asText()));
        assertTrue(meshes.containsAll(List.of("team", "ops")), meshes.toString());
        assertEquals(2, p.path("meshes").size());
        String text = ok(cli(bob, "peers")).out();
        assertTrue(text.lines().findFirst().orElse("").matches("MESH\\s+NAME\\s+KEY\\s+ROLE\\s+STATUS\\s+PATH"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("ops ") && l.contains("alice") && l.contains("online")), text);
        assertEquals(2, json(ok(cli(bob, "peers", "--mesh", "team", "--json"))).path("items").size());

        JsonNode list = json(ok(cli(bob, "mesh", "list", "--json")));
        assertEquals(2, list.path("items").size());
        for (JsonNode m : list.path("items")) {
            assertEquals(coord.publicUrl().replaceFirst("^http", "ws"), m.path("coordinator").asText().replaceFirst("^http", "ws"));
            assertEquals("bob", m.path("displayName").asText());
            assertTrue(m.path("joinedAtIso").asText().endsWith("Z"), m.toString());
        }
        String table = ok(cli(bob, "mesh", "list")).out();
        assertTrue(table.startsWith("MESH"), table);
        assertTrue(table.contains("team") && table.contains("ops") && table.contains("bob"), table);
    }

    @Test
    void statusExitsNonZeroWithTheNextStepForKickedAndBannedMeshes() throws Exception {
        CliResult up = cli(bob, "status", "--json");
        assertEquals(ExitCodes.OK, up.code(), up.out());
        JsonNode st = json(up);
        assertEquals(0, st.path("nextSteps").size());
        for (JsonNode m : st.path("meshes")) {
            assertTrue(m.has("unread") && m.has("pending"), m.toString());
        }
        assertTrue(ok(cli(bob, "status")).out().contains("unread 0, pending 0"));

        ok(cli(alice, "kick", "bob", "--mesh", "ops"));
        ok(cli(alice, "ban", "bob", "--mesh", "team"));
        await("bob's links are kicked and banned", WAIT, () -> {
            String s = cli(bob, "status", "--json").out();
            return s.contains("\"kicked\"") && s.contains("\"banned\"");
        });
        CliResult down = cli(bob, "status");
        assertEquals(ExitCodes.UNREACHABLE, down.code(), down.out());
        assertTrue(down.out().contains("you were kicked from ops") && down.out().contains("→ meshwire reconnect --mesh ops"), down.out());
        assertTrue(down.out().contains("you are banned from team")
                && down.out().contains("'meshwire unban bob --mesh team', then run 'meshwire reconnect --mesh team'"), down.out());
        JsonNode steps = json(cli(bob, "status", "--json")).path("nextSteps");
        assertEquals(2, steps.size(), steps.toString());

        JsonNode bans = json(ok(cli(alice, "bans", "--mesh", "team", "--json")));
        assertEquals(1, bans.path("items").size(), bans.toString());
        JsonNode ban = bans.path("items").get(0);
        assertEquals("bob", ban.path("name").asText());
        assertEquals("alice", ban.path("byName").asText());
        assertTrue(ban.path("bannedAtIso").asText().endsWith("Z"), ban.toString());
        assertTrue(ok(cli(alice, "bans", "--mesh", "ops")).out().contains("no banned keys"));

        ok(cli(alice, "unban", "bob", "--mesh", "team"));
        assertEquals(0, json(ok(cli(alice, "bans", "--mesh", "team", "--json"))).path("items").size());
        ok(cli(bob, "reconnect", "--mesh", "team"));
        ok(cli(bob, "reconnect", "--mesh", "ops"));
        CliResult again = cli(bob, "status");
        assertEquals(ExitCodes.OK, again.code(), again.out());
    }

    @Test
    void meshRmRefusesPendingSendsWithoutForceAndLeaveIsRecorded() throws Exception {
        // Sends in each mesh; outbox --mesh shows one mesh only.
        ok(cli(bob, "send", "alice", "to team", "--mesh", "team"));
        JsonNode teamOut = json(ok(cli(bob, "outbox", "--mesh", "team", "--json")));
        assertEquals(1, teamOut.path("items").size(), teamOut.toString());
        assertEquals("team", teamOut.path("mesh").asText());
        assertEquals(ExitCodes.NOT_FOUND, cli(bob, "outbox", "--mesh", "nope").code());

        // A kicked link keeps sends pending: rm refuses, then aborts them with --force.
        ok(cli(alice, "kick", "bob", "--mesh", "ops"));
        await("bob is kicked from ops", WAIT, () -> cli(bob, "status", "--json").out().contains("\"kicked\""));
        ok(cli(bob, "send", "alice", "stuck", "--mesh", "ops"));
        CliResult refused = cli(bob, "mesh", "rm", "ops");
        assertEquals(ExitCodes.CONFLICT, refused.code(), refused.err());
        CliErrorsTest.assertOneLine(refused);
        assertTrue(refused.err().contains("still pending") && refused.err().contains("--force"), refused.err());
        assertTrue(Files.exists(bob.home().meshDir("ops").resolve("mesh.json")), "nothing removed");

        JsonNode rm = json(ok(cli(bob, "mesh", "rm", "ops", "--force", "--json")));
        assertEquals(1, rm.path("abandoned").asLong());
        assertFalse(rm.path("left").asBoolean());
        assertFalse(Files.exists(bob.home().meshDir("ops")), "record and key deleted");
        JsonNode opsOut = json(ok(cli(bob, "outbox", "--mesh", "ops", "--json")));
        assertEquals("aborted", opsOut.path("items").get(0).path("state").asText(), opsOut.toString());
        assertEquals(ExitCodes.NOT_FOUND, cli(bob, "mesh", "rm", "ops").code());
        assertEquals(List.of("team"), names(json(ok(cli(bob, "mesh", "list", "--json")))));

        // The owner cannot leave; a member can, and the coordinator records member_left.
        CliResult owner = cli(alice, "leave", "--mesh", "team");
        assertEquals(ExitCodes.USAGE, owner.code(), owner.err());
        assertTrue(owner.err().contains("owner cannot leave"), owner.err());
        await("bob's send in team is done", WAIT, () -> json(cli(bob, "outbox", "--mesh", "team", "--pending", "--json"))
                .path("items").isEmpty());
        String bobKey = json(ok(cli(bob, "mesh", "list", "--json"))).path("items").get(0).path("pubkey").asText();
        CliResult left = ok(cli(bob, "leave"));
        assertTrue(left.out().contains("left mesh team"), left.out());
        assertTrue(names(json(ok(cli(bob, "mesh", "list", "--json")))).isEmpty());
        await("alice's mesh state records that bob left", WAIT, () -> {
            for (JsonNode e : json(cli(alice, "mesh", "log", "--mesh", "team", "--json")).path("items")) {
                if ("member_left".equals(e.path("kind").asText()) && bobKey.equals(e.path("subject").asText())) return true;
            }
            return false;
        });
        CliResult none = cli(bob, "leave");
        assertEquals(ExitCodes.NOT_FOUND, none.code(), none.err());
    }

    @Test
    void statusNamesAnUnreachableCoordinatorAndExits5() {
        coord.close();
        await("bob's links are down", WAIT, () -> cli(bob, "status").code() == ExitCodes.UNREACHABLE);
        CliResult r = cli(bob, "status");
        assertTrue(r.out().contains("cannot reach the coordinator of team at " + bob.session("team").config().coordinator()), r.out());
        assertTrue(r.out().contains("the daemon keeps retrying with backoff") && r.out().contains("→ meshwire reconnect --mesh ops"), r.out());
        // The mesh state is on disk: bans answers without the coordinator, saying the state is not current.
        assertTrue(ok(cli(bob, "bans", "--mesh", "team")).out().contains("not verified yet"), "bans from the replica");
    }

    @Test
    void statusWithoutADaemonExits3AndSaysHowToStartIt() throws Exception {
        CliResult r = CliResult.run("--home", tmp.resolve("nobody").toString(), "status");
        assertEquals(ExitCodes.NO_DAEMON, r.code(), r.out());
        assertTrue(r.out().contains("the daemon is not running") && r.out().contains("→ meshwire up"), r.out());
        CliResult j = CliResult.run("--home", tmp.resolve("nobody").toString(), "status", "--json");
        assertEquals(ExitCodes.NO_DAEMON, j.code());
        assertEquals("meshwire up", json(j).path("nextSteps").get(0).path("command").asText());
    }

    static CliResult ok(CliResult r) {
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        return r;
    }

    static JsonNode json(CliResult r) {
        try {
            return Json.MAPPER.readTree(r.out());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + r.out() + r.err(), e);
        }
    }

    private static int count(JsonNode peers, String name, boolean online) {
        int n = 0;
        for (JsonNode p : peers.path("items")) if (name.equals(p.path("name").asText()) && p.path("online").asBoolean() == online) n++;
        return n;
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.path("items").forEach(m -> out.add(m.path("name").asText()));
        return out;
    }
}
