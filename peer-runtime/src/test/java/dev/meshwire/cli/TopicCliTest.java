package dev.meshwire.cli;

import static dev.meshwire.peer.TestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.TwoMemberMesh;
import dev.meshwire.signaling.Json;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code meshwire topic ...} and {@code send #name} as a user types them (real CLI processes, real daemons and
 * coordinator): alice creates {@code #ops} and posts with {@code send}, bob joins, lists and tails it as JSON, and an
 * unknown topic is exit 4 with one clear line.
 */
class TopicCliTest {
    static final long WAIT = 60_000;
    @TempDir
    Path tmp;
    TwoMemberMesh mesh;

    @AfterEach
    void tearDown() {
        if (mesh != null) mesh.close();
    }

    CliProcess.Run cli(String who, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--home";
        all[1] = tmp.resolve(who).toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return new CliProcess("dev.meshwire.cli.QuickClient", tmp, WAIT).piped(Map.of("NO_COLOR", "1"), all);
    }

    @Test
    void createJoinPostAndTailFromTheCommandLine() throws Exception {
        mesh = TwoMemberMesh.start(tmp, WAIT);
        CliProcess.Run created = cli("alice", "topic", "create", "#ops");
        assertEquals(0, created.code(), created.err());
        assertTrue(created.out().contains("#ops in team: created #ops"), created.out());
        await("bob's replica shows #ops", WAIT, () -> mesh.bob.client().topics("team").topics().size() == 1);
        CliProcess.Run joined = cli("bob", "topic", "join", "ops");
        assertEquals(0, joined.code(), joined.err());
        await("bob holds the key", WAIT, () -> mesh.bob.client().topics("team").topics().get(0).hasKey());
        CliProcess.Run list = cli("bob", "topic", "list");
        assertTrue(list.out().contains("#ops  2 members, key epoch 1, you hold the key"), list.out());
        CliProcess.Run sent = cli("alice", "send", "#ops", "deploy at noon");
        assertEquals(0, sent.code(), sent.err());
        assertTrue(sent.out().contains("to #ops"), sent.out());
        await("the post is in the history", WAIT, () -> !mesh.bob.client().topicHistory("team", "ops", null, null).messages().isEmpty());
        CliProcess.Run tail = cli("bob", "topic", "tail", "#ops", "--json");
        assertEquals(0, tail.code(), tail.err());
        JsonNode t = Json.MAPPER.readTree(tail.out());
        assertEquals("#ops", t.path("topic").asText());
        assertEquals("deploy at noon", t.path("messages").get(0).path("text").asText(), tail.out());
        assertEquals("alice", t.path("messages").get(0).path("from").path("name").asText());
        CliProcess.Run human = cli("bob", "topic", "tail", "ops");
        assertTrue(human.out().contains("#ops  alice (") && human.out().contains("deploy at noon"), human.out());
        // topic post is the same as send #name: bob posts, alice reads it in the history after alice's own post
        CliProcess.Run posted = cli("bob", "topic", "post", "ops", "noon is fine");
        assertEquals(0, posted.code(), posted.err());
        assertTrue(posted.out().contains("to #ops"), posted.out());
        await("bob's post is in the history", WAIT, () -> mesh.alice.client().topicHistory("team", "ops", null, null).messages().size() == 2);
        JsonNode both = Json.MAPPER.readTree(cli("alice", "topic", "tail", "#ops", "--json").out());
        assertEquals("noon is fine", both.path("messages").get(1).path("text").asText(), both.toString());
        assertEquals("bob", both.path("messages").get(1).path("from").path("name").asText());
        CliProcess.Run unknown = cli("alice", "topic", "post", "#nosuch", "x");
        assertEquals(ExitCodes.NOT_FOUND, unknown.code(), unknown.out() + unknown.err());
        assertTrue(unknown.err().contains("no topic #nosuch"), unknown.err());
        CliProcess.Run bad = cli("alice", "topic", "create", "#Bad Name");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().contains("topic name must be"), bad.err());
    }
}
