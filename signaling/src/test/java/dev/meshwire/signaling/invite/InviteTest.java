package dev.meshwire.signaling.invite;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.signaling.TestVectors;
import dev.meshwire.signaling.crypto.Identity;
import org.junit.jupiter.api.Test;

class InviteTest {
    private final Identity owner = TestVectors.alice();

    @Test
    void encodesDecodesAndVerifies() {
        Invite inv = Invite.create(owner, "ws://127.0.0.1:7600", "m_1", "team", 1_900_000_000_000L, 3);
        String text = inv.encode();
        assertTrue(text.startsWith("mw1."));
        assertFalse(text.contains("=") || text.contains("+") || text.contains("/"), "base64url without padding");
        Invite back = Invite.decode(text);
        assertEquals(inv, back);
        assertTrue(back.signatureValid());
    }

    @Test
    void alteredInviteFailsVerification() {
        Invite inv = Invite.create(owner, "ws://h:1", "m_1", "team", 1_900_000_000_000L, 1);
        Invite moreUses = new Invite(1, inv.coordinator(), inv.mesh(), inv.meshName(), inv.inviteId(), inv.issuer(),
                inv.expiresAt(), 1000, inv.signature(), null);
        assertFalse(moreUses.signatureValid());
        Invite otherIssuer = new Invite(1, inv.coordinator(), inv.mesh(), inv.meshName(), inv.inviteId(),
                TestVectors.BOB_PUB, inv.expiresAt(), 1, inv.signature(), null);
        assertFalse(otherIssuer.signatureValid());
    }

    @Test
    void v2InviteSignsTheAuthorityKey() {
        Invite inv = Invite.create(owner, "ws://h:1", "m_1", "team", 1_900_000_000_000L, 2, TestVectors.BOB_PUB);
        assertEquals(2, inv.v());
        Invite back = Invite.decode(inv.encode());
        assertEquals(TestVectors.BOB_PUB, back.authority());
        assertTrue(back.signatureValid());
        Invite otherAuthority = new Invite(2, inv.coordinator(), inv.mesh(), inv.meshName(), inv.inviteId(), inv.issuer(),
                inv.expiresAt(), 2, inv.signature(), TestVectors.ALICE_PUB);
        assertFalse(otherAuthority.signatureValid());
        Invite downgraded = new Invite(1, inv.coordinator(), inv.mesh(), inv.meshName(), inv.inviteId(), inv.issuer(),
                inv.expiresAt(), 2, inv.signature(), null);
        assertFalse(downgraded.signatureValid());
    }

    @Test
    void garbageIsRefusedWithAReadableReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Invite.decode("hello")).getMessage().contains("not a meshwire invite"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Invite.decode("mw1.!!!")).getMessage().contains("corrupted"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Invite.decode("mw1.e30")).getMessage().contains("incomplete"));
        assertThrows(IllegalArgumentException.class, () -> Invite.decode(null));
        assertThrows(IllegalArgumentException.class, () -> Invite.decode("mw1." + "A".repeat(5000)));
    }
}
