package dev.meshwire.peer.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.PeerException;
import dev.meshwire.signaling.frame.Frames;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetResolverTest {
    static final String SELF = "aaaa0000" + "0".repeat(56);
    static final String BOB = "b0b0b0b0" + "1".repeat(56);
    static final String CAROL1 = "cafe0001" + "2".repeat(56);
    static final String CAROL2 = "cafe0001" + "3".repeat(56);
    static final String DAVE = "dddd0000" + "4".repeat(56);

    static Frames.PeerInfo p(String key, String name, boolean online) {
        return new Frames.PeerInfo(key, name, "member", online, online ? 1L : null, null);
    }

    static final List<Frames.PeerInfo> ROSTER = List.of(p(SELF, "me", true), p(BOB, "bob", true),
            p(CAROL1, "carol", true), p(CAROL2, "carla", true), p(DAVE, "dave", false));

    @Test
    void resolvesByNameCaseInsensitiveFallback() {
        assertEquals(BOB, TargetResolver.resolveOne("bob", ROSTER, SELF, true).pubkey());
        assertEquals(BOB, TargetResolver.resolveOne("BOB", ROSTER, SELF, true).pubkey());
    }

    @Test
    void resolvesByPrefixOfAtLeastEightAndByFullKey() {
        assertEquals(BOB, TargetResolver.resolveOne("b0b0b0b0", ROSTER, SELF, true).pubkey());
        assertEquals(BOB, TargetResolver.resolveOne(BOB, ROSTER, SELF, true).pubkey());
        assertEquals(CAROL2, TargetResolver.resolveOne("cafe00013", ROSTER, SELF, true).pubkey());
    }

    @Test
    void shortPrefixIsRefusedWithOnlineNames() {
        PeerException e = assertThrows(PeerException.class, () -> TargetResolver.resolveOne("b0b0", ROSTER, SELF, true));
        assertEquals(PeerException.UNKNOWN_PEER, e.code());
        assertTrue(e.getMessage().contains("at least 8"), e.getMessage());
    }

    @Test
    void ambiguousPrefixListsCandidates() {
        PeerException e = assertThrows(PeerException.class, () -> TargetResolver.resolveOne("cafe0001", ROSTER, SELF, true));
        assertEquals(PeerException.AMBIGUOUS_PEER, e.code());
        assertEquals(2, e.candidates().size());
        assertTrue(e.getMessage().contains("carol") && e.getMessage().contains("carla"), e.getMessage());
    }

    @Test
    void unknownPeerListsEveryOtherMemberOnlineOrNot() {
        PeerException e = assertThrows(PeerException.class, () -> TargetResolver.resolveOne("zed", ROSTER, SELF, true));
        assertEquals(PeerException.UNKNOWN_PEER, e.code());
        assertEquals(List.of("bob", "carla", "carol", "dave"), e.candidates());
        assertTrue(e.getMessage().contains("members: bob, carla, carol, dave"), e.getMessage());
    }

    @Test
    void selfIsRefusedForSendsButResolvableOtherwise() {
        PeerException e = assertThrows(PeerException.class, () -> TargetResolver.resolveOne("me", ROSTER, SELF, true));
        assertEquals(PeerException.SELF_SEND, e.code());
        assertEquals(SELF, TargetResolver.resolveOne("me", ROSTER, SELF, false).pubkey());
    }

    @Test
    void offlineMembersStillResolveByName() {
        assertEquals(DAVE, TargetResolver.resolveOne("dave", ROSTER, SELF, true).pubkey());
    }
}
