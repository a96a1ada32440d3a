package dev.meshwire.signaling.meshstate;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.topic.TopicKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TopicRules (docs/protocol.md §12.2 "State rules"), applied by the same MeshState code every replica runs. */
class TopicStateTest {
    private final Identity alice = TestVectors.alice();
    private final Identity bob = TestVectors.bob();
    private final Identity carol = Identity.generate();
    private final String a = alice.publicKeyHex();
    private final String b = bob.publicKeyHex();
    private final String c = carol.publicKeyHex();
    private final byte[] key1 = TopicKeys.generate();

    private Chain meshWithThree() {
        Chain ch = Chain.created(TestVectors.MESH, "team", TestVectors.authority(), alice, "alice");
        ch.add(b, new EventPayload.MemberJoined(b, "bob", MemberEntry.MEMBER, null));
        ch.add(c, new EventPayload.MemberJoined(c, "carol", MemberEntry.MEMBER, null));
        return ch;
    }

    private TopicSeal seal(Identity sealer, String member, byte[] key) {
        return TopicKeys.seal(new BoxCipher(sealer), sealer.publicKeyHex(), member, key);
    }

    private String check(long epoch, byte[] key) {
        return TopicKeys.keyCheck(TestVectors.MESH, "general", epoch, key);
    }

    private TopicEntry topic(Chain ch) {
        return ch.state.channels().topic("general").orElseThrow();
    }

    private Chain created() {
        Chain ch = meshWithThree();
        ch.add(a, new EventPayload.TopicCreated("general", check(1, key1), seal(alice, a, key1)));
        return ch;
    }

    @Test
    void createJoinAndReSeal() {
        Chain ch = created();
        TopicEntry t = topic(ch);
        assertEquals(1, t.epoch());
        assertEquals(List.of(a), t.memberKeys());
        assertTrue(t.holdsKey(a));
        ch.add(b, new EventPayload.TopicJoined("general", b));
        assertEquals(List.of(b), topic(ch).pending());
        // carol is no topic member: her seal for bob changes nothing
        ch.add(c, new EventPayload.TopicKeySealed("general", 1, b, seal(carol, b, key1)));
        assertEquals(List.of(b), topic(ch).pending());
        ch.add(a, new EventPayload.TopicKeySealed("general", 1, b, seal(alice, b, key1)));
        assertTrue(topic(ch).pending().isEmpty());
        TopicSeal bobs = topic(ch).member(b).orElseThrow().seal();
        assertArrayEquals(key1, TopicKeys.open(new BoxCipher(bob), bobs, TestVectors.MESH, "general", 1, topic(ch).keyCheck()));
        // a second create of the name is kept in the history and changes nothing
        ch.add(c, new EventPayload.TopicCreated("general", check(1, key1), seal(carol, c, key1)));
        assertEquals(a, topic(ch).createdBy());
    }

    @Test
    void leaveMarksReKeyAndTheFirstRotationWins() {
        Chain ch = created();
        ch.add(b, new EventPayload.TopicJoined("general", b));
        ch.add(c, new EventPayload.TopicJoined("general", c));
        ch.add(c, new EventPayload.TopicLeft("general", c));
        assertTrue(topic(ch).rekeyNeeded());
        assertFalse(topic(ch).isMember(c));
        byte[] key2 = TopicKeys.generate();
        ch.add(b, new EventPayload.TopicKeyRotated("general", 2, check(2, key2),
                List.of(new TopicEntry.Member(a, 0, seal(bob, a, key2)), new TopicEntry.Member(b, 0, seal(bob, b, key2)))));
        assertEquals(2, topic(ch).epoch());
        assertFalse(topic(ch).rekeyNeeded());
        assertEquals(check(2, key2), topic(ch).keyCheck());
        // alice's rotation to epoch 2 lost the race: no change
        byte[] other = TopicKeys.generate();
        ch.add(a, new EventPayload.TopicKeyRotated("general", 2, check(2, other),
                List.of(new TopicEntry.Member(a, 0, seal(alice, a, other)))));
        assertEquals(check(2, key2), topic(ch).keyCheck());
        // an old-epoch seal changes nothing
        ch.add(a, new EventPayload.TopicKeySealed("general", 1, b, seal(alice, b, key1)));
        assertEquals(b, topic(ch).member(b).orElseThrow().seal().sealer());
    }

    @Test
    void revokedAndDepartedMembersAreRemovedFromTopics() {
        Chain ch = created();
        ch.add(b, new EventPayload.TopicJoined("general", b));
        ch.add(c, new EventPayload.TopicJoined("general", c));
        ch.add(a, new EventPayload.MemberRevoked(c, "lost laptop"));
        assertFalse(topic(ch).isMember(c));
        assertTrue(topic(ch).rekeyNeeded());
        // a revoked key cannot join again
        ch.add(c, new EventPayload.TopicJoined("general", c));
        assertFalse(topic(ch).isMember(c));
        // bob may not remove alice; the owner may remove bob
        ch.add(b, new EventPayload.TopicLeft("general", a));
        assertTrue(topic(ch).isMember(a));
        ch.add(a, new EventPayload.TopicLeft("general", b));
        assertFalse(topic(ch).isMember(b));
        // the last member leaves the mesh: the topic is gone
        ch.add(a, new EventPayload.MemberLeft(a));
        assertTrue(ch.state.channels().topic("general").isEmpty());
    }

    @Test
    void malformedTopicEventsAreRefusedByName() {
        Chain ch = created();
        var data = Json.MAPPER.createObjectNode().put("topic", "Bad Name").put("pubkey", b);
        MeshStateException e = assertThrows(MeshStateException.class, () -> ch.state.apply(ch.raw(TestVectors.authority(), EventKind.TOPIC_JOINED, data)));
        assertTrue(e.getMessage().contains("topic"), e.getMessage());
        var shortBox = Json.MAPPER.valueToTree(new EventPayload.TopicKeySealed("general", 1, b, new TopicSeal(a, TestVectors.BOX_NONCE_B64, "AAAA")));
        e = assertThrows(MeshStateException.class, () -> ch.state.apply(ch.raw(TestVectors.authority(), EventKind.TOPIC_KEY_SEALED,
                (com.fasterxml.jackson.databind.JsonNode) shortBox)));
        assertTrue(e.getMessage().contains("48 bytes"), e.getMessage());
    }

    @Test
    void snapshotsCarryTopicsAndVerify() {
        Chain ch = created();
        ch.add(b, new EventPayload.TopicJoined("general", b));
        MeshEvent head = ch.events.get(ch.events.size() - 1);
        MeshSnapshot snap = MeshSnapshot.seal(TestVectors.authority(), ch.state, head, List.of(), Chain.T0);
        MeshSnapshot wire = Json.MAPPER.convertValue(Json.MAPPER.valueToTree(snap), MeshSnapshot.class);
        MeshState restored = wire.verify(TestVectors.MESH, TestVectors.AUTHORITY_PUB, StateRef.EMPTY);
        assertEquals(topic(ch), restored.channels().topic("general").orElseThrow());
    }
}
