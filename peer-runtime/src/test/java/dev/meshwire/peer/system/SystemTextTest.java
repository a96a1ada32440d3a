package dev.meshwire.peer.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshState;
import org.junit.jupiter.api.Test;

/**
 * The sentences of system entries, over a real signed chain: names come from the state before the event (who left is
 * gone after it), actors are named, and a kind this build has no sentence for is described by kind, subject and plain
 * data fields (so another track's new kinds show without changes here).
 */
class SystemTextTest {
    static final String MESH = "m_test";
    final Identity authority = Identity.generate();
    final Identity aliceId = Identity.generate();
    final String alice = aliceId.publicKeyHex();
    final String bob = Identity.generate().publicKeyHex();
    MeshState state = MeshState.empty(MESH, authority.publicKeyHex());
    long at = 1_700_000_000_000L;

    /** Seals and applies the next event; returns its description. */
    String next(String actor, EventPayload p) {
        MeshEvent e = MeshEvent.seal(authority, MESH, state.head(), ++at, actor, p);
        MeshState before = state;
        state = state.apply(e);
        return SystemText.describe(e, before, state);
    }

    @Test
    void knownKindsReadAsSentences() {
        assertEquals("mesh team was created by " + alice.substring(0, 12),
                next(MeshEvent.COORDINATOR, new EventPayload.MeshCreated("team", alice, authority.publicKeyHex())));
        assertEquals("alice joined as owner", next(MeshEvent.COORDINATOR, new EventPayload.MemberJoined(alice, "alice", "owner", null)));
        assertEquals("bob joined", next(MeshEvent.COORDINATOR, new EventPayload.MemberJoined(bob, "bob", "member", null)));
        assertEquals("bob is now admin by alice", next(alice, new EventPayload.RoleChanged(bob, "admin")));
        assertEquals("bob is now called robert", next(bob, new EventPayload.MemberRenamed(bob, "robert")));
        assertEquals("alice blocked robert", next(alice, new EventPayload.GrantSet(alice, bob, "")));
        assertEquals("robert was revoked by alice: lost laptop", next(alice, new EventPayload.MemberRevoked(bob, "lost laptop")));
    }

    @Test
    void groupAndTopicEventsReadAsSentencesAndNameTheTopicsThatNeedANewKey() {
        next(MeshEvent.COORDINATOR, new EventPayload.MeshCreated("team", alice, authority.publicKeyHex()));
        next(MeshEvent.COORDINATOR, new EventPayload.MemberJoined(alice, "alice", "owner", null));
        next(MeshEvent.COORDINATOR, new EventPayload.MemberJoined(bob, "bob", "member", null));
        assertEquals("group @frontend was created by alice", next(alice, new EventPayload.GroupCreated("frontend")));
        assertEquals("bob is in @frontend as lead by alice", next(alice, new EventPayload.GroupMemberSet("frontend", bob, "lead")));
        assertEquals("bob is no longer in @frontend by alice", next(alice, new EventPayload.GroupMemberSet("frontend", bob, null)));
        byte[] key = dev.meshwire.signaling.topic.TopicKeys.generate();
        assertEquals("topic #ops was created by alice", next(alice, new EventPayload.TopicCreated("ops",
                dev.meshwire.signaling.topic.TopicKeys.keyCheck(MESH, "ops", 1, key),
                dev.meshwire.signaling.topic.TopicKeys.seal(new dev.meshwire.signaling.crypto.BoxCipher(aliceId), alice, alice, key))));
        assertEquals("bob joined #ops (waiting for the key)", next(bob, new EventPayload.TopicJoined("ops", bob)));
        assertEquals("bob was revoked by alice: lost laptop; re-key requested for #ops",
                next(alice, new EventPayload.MemberRevoked(bob, "lost laptop")));
    }

    @Test
    void anUnknownKindIsDescribedByKindSubjectAndFields() {
        next(MeshEvent.COORDINATOR, new EventPayload.MeshCreated("team", alice, authority.publicKeyHex()));
        next(MeshEvent.COORDINATOR, new EventPayload.MemberJoined(alice, "alice", "owner", null));
        ObjectNode data = Json.MAPPER.createObjectNode().put("topic", "#ops").put("pubkey", alice).put("epoch", 3);
        MeshEvent e = new MeshEvent(MESH, state.version() + 1, state.head().head(), "topic_rekey_requested", ++at, alice, data, "00");
        assertEquals("topic_rekey_requested alice topic=#ops by alice", SystemText.describe(e, state, state));
    }
}
