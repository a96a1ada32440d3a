package dev.meshwire.peer.mention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.meshstate.MeshHistory;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.peer.meshstate.MeshStates;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code @name} mentions over a real verified roster (SQLite replica): the test vectors of docs/protocol.md §12.6, the
 * caller's own mentions kept, {@code mentionsMe}, and the receive-side limits.
 */
class MentionsTest {
    static final String MESH = "m_team";
    @TempDir
    Path tmp;
    MeshStates states;
    MeshRoster roster;
    Identity alice, bob, carol, dave;

    @BeforeEach
    void setUp() {
        alice = Identity.generate();
        bob = Identity.generate();
        carol = Identity.generate();
        dave = Identity.generate();
        MeshHistory h = new MeshHistory(MESH, "team", alice, "alice");
        h.join(bob, "bob");
        h.join(carol, "carol");
        h.join(dave, "dave");
        h.add(alice.publicKeyHex(), new EventPayload.MemberRevoked(dave.publicKeyHex(), "lost laptop"));
        states = new MeshStates(tmp.resolve("meshstate.db"), () -> h.clock, null);
        roster = states.open(new MeshConfig(MESH, "team", "ws://127.0.0.1:1", "alice", "owner", alice.publicKeyHex(), 0,
                h.genesisAuthority.publicKeyHex()));
        assertTrue(roster.replica().onMeshSync(new Frames.MeshSync(null, MESH, h.events, null)));
    }

    @AfterEach
    void tearDown() {
        states.close();
    }

    @Test
    void protocolVectors() {
        assertEquals(List.of(bob.publicKeyHex()),
                Mentions.fromText("yes @bob, ship it; cc @dave and @nobody, mail me at x@bob.example", roster));
        assertEquals(List.of(carol.publicKeyHex(), bob.publicKeyHex()), Mentions.fromText("@Carol @bob. @bob", roster));
        assertEquals(List.of(), Mentions.fromText("no mentions here", roster));
        assertNull(Mentions.withTextMentions(null, "no mentions here", roster), "no meta is made for a text without mentions");
    }

    /** docs/test-vectors.md and docs/protocol.md §12.6 show exactly these rows. */
    @Test
    void theDocsShowTheseVectors() throws Exception {
        for (String doc : List.of("test-vectors.md", "protocol.md")) {
            String text = java.nio.file.Files.readString(Path.of("..", "docs", doc));
            for (String row : List.of("| `yes @bob, ship it; cc @dave and @nobody, mail me at x@bob.example` |",
                    "| `@Carol @bob. @bob` |", "| `no mentions here` | absent |")) {
                assertTrue(text.contains(row), "docs/" + doc + " lacks " + row);
            }
        }
    }

    @Test
    void theCallersOwnMentionsAreKeptAndOtherMetaIsCopied() throws Exception {
        JsonNode own = Json.MAPPER.readTree("{\"mentions\":[\"someone\"]}");
        assertSame(own, Mentions.withTextMentions(own, "hi @bob", roster));
        JsonNode expiring = Json.MAPPER.readTree("{\"expiresAt\":9999999999999}");
        JsonNode out = Mentions.withTextMentions(expiring, "hi @bob", roster);
        assertEquals(bob.publicKeyHex(), out.path("mentions").get(0).asText());
        assertEquals(9999999999999L, out.path("expiresAt").asLong());
        assertFalse(expiring.has("mentions"), "the caller's object is not changed");
    }

    @Test
    void mentionsMeMatchesTheKeyOrTheName() {
        assertTrue(Mentions.mentionsMe(List.of(bob.publicKeyHex().toUpperCase()), bob.publicKeyHex(), "bob"));
        assertTrue(Mentions.mentionsMe(List.of("@Bob"), bob.publicKeyHex(), "bob"));
        assertFalse(Mentions.mentionsMe(List.of(carol.publicKeyHex(), "carol"), bob.publicKeyHex(), "bob"));
        assertFalse(Mentions.mentionsMe(null, bob.publicKeyHex(), "bob"));
    }

    @Test
    void receivedLimitsAreChecked() {
        assertNull(Mentions.problem(meta("r-1", List.of(bob.publicKeyHex()))));
        assertTrue(Mentions.problem(meta("x".repeat(129), null)).contains("replyToId"));
        assertTrue(Mentions.problem(meta(null, Collections.nCopies(33, "bob"))).contains("at most 32"));
        assertTrue(Mentions.problem(meta(null, List.of("b".repeat(129)))).contains("1..128"));
    }

    private static Meta meta(String replyTo, List<String> mentions) {
        return new Meta("c-1", null, null, null, null, null, null, null, null, replyTo, mentions, null, 1L);
    }
}
