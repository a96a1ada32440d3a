package dev.meshwire.signaling.grants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.envelope.Channel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The seed's pure cases of {@code senderHasCap} and the intersection with recipient grants. */
class GrantsTest {
    static final String ALICE = "a".repeat(64);
    static final String BOB = "b".repeat(64);

    // ---- the seed's senderHasCap cases (session-capabilities spec, test plan) ----

    @Test
    void memberLevelSenderWithoutSubsetHasEveryCap() {
        for (String cap : Caps.ALL) assertTrue(Grants.senderHasCap(null, cap), cap);
        assertTrue(Grants.senderHasCap(null, "a-cap-from-the-future"));
    }

    @Test
    void emptyCapsAreExplicitlyNone() {
        for (String cap : Caps.ALL) assertFalse(Grants.senderHasCap(List.of(), cap), cap);
    }

    @Test
    void declaredCapsMatchExactly() {
        List<String> caps = List.of("dm", "read");
        assertTrue(Grants.senderHasCap(caps, "dm"));
        assertTrue(Grants.senderHasCap(caps, "read"));
        assertFalse(Grants.senderHasCap(caps, "broadcast"));
        assertFalse(Grants.senderHasCap(caps, "d"), "no prefix matching");
        assertFalse(Grants.senderHasCap(caps, "DM"), "caps are lowercase on the wire; no case folding here");
    }

    // ---- recipient grants: own entry, then '*', then the default (full member set) ----

    @Test
    void noGrantsMeansEverythingAllowed() {
        assertNull(Grants.granted(Map.of(), ALICE));
        assertNull(Grants.granted(null, ALICE));
        assertTrue(Grants.recipientGrants(Map.of(), ALICE, Caps.DM));
    }

    @Test
    void explicitEntryWinsOverWildcard() {
        Map<String, Set<String>> g = Map.of(ALICE, Set.of(Caps.DM), Grants.ANY, Set.of());
        assertTrue(Grants.recipientGrants(g, ALICE, Caps.DM));
        assertFalse(Grants.recipientGrants(g, ALICE, Caps.BROADCAST));
        assertFalse(Grants.recipientGrants(g, BOB, Caps.DM), "bob falls under '*' = blocked");
    }

    @Test
    void blockedSenderGetsNothing() {
        Map<String, Set<String>> g = Map.of(ALICE, Set.of());
        for (String cap : Caps.ALL) assertFalse(Grants.recipientGrants(g, ALICE, cap));
        assertTrue(Grants.recipientGrants(g, BOB, Caps.DM), "other senders keep the default");
    }

    // ---- the intersection: allowed = sender has it AND recipient grants it ----

    @Test
    void intersectionNeedsBothSides() {
        Map<String, Set<String>> g = Map.of(ALICE, Set.of(Caps.DM, Caps.BROADCAST));
        assertTrue(Grants.allowed(null, g, ALICE, Caps.DM), "member sender, granted");
        assertTrue(Grants.allowed(List.of(Caps.DM), g, ALICE, Caps.DM), "session with dm, granted");
        assertFalse(Grants.allowed(List.of(Caps.BROADCAST), g, ALICE, Caps.DM), "granted but the session lacks dm");
        assertFalse(Grants.allowed(null, g, ALICE, Caps.RPC), "member sender, not granted");
        assertFalse(Grants.allowed(List.of(), Map.of(), ALICE, Caps.DM), "no grants set but the session has no caps");
        assertTrue(Grants.allowed(List.of(Caps.RPC), Map.of(), ALICE, Caps.RPC), "default grants, session has it");
    }

    // ---- the vocabulary and its wire form ----

    @Test
    void channelsMapToCaps() {
        assertEquals(Caps.DM, Caps.forChannel(Channel.DM));
        assertEquals(Caps.DM, Caps.forChannel(Channel.SYSTEM));
        assertEquals(Caps.BROADCAST, Caps.forChannel(Channel.GROUP));
        assertEquals(Caps.BROADCAST, Caps.forChannel(Channel.TOPIC));
        assertEquals(Caps.RPC, Caps.forChannel(Channel.RPC));
        assertEquals(Caps.STREAM, Caps.forChannel(Channel.STREAM));
    }

    @Test
    void parseNormalizesAndRefusesUnknownCaps() {
        assertEquals(List.of("broadcast", "dm"), List.copyOf(Caps.parse(" DM, broadcast,dm ")));
        assertEquals("broadcast,dm", Caps.csv(Caps.parse("dm,broadcast")));
        assertTrue(Caps.parse("").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Caps.parse("dm,fly"));
        assertTrue(e.getMessage().contains("unknown capability 'fly'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Caps.parse("dm,,rpc"));
    }

    @Test
    void wireFormIsStrict() {
        assertEquals(Set.of("dm", "rpc"), Caps.fromCsv("dm,rpc"));
        assertTrue(Caps.fromCsv("").isEmpty(), "\"\" is the empty set (blocked)");
        assertEquals(Set.of("dm", "future-cap"), Caps.fromCsv("dm,future-cap"), "unknown but well-formed caps are kept");
        assertNull(Caps.fromCsv("rpc,dm"), "not sorted");
        assertNull(Caps.fromCsv("dm,dm"), "duplicate");
        assertNull(Caps.fromCsv("dm, rpc"), "space");
        assertNull(Caps.fromCsv("DM"), "uppercase");
        assertNull(Caps.fromCsv("dm|x"), "separator");
        assertNull(Caps.fromCsv(null));
    }

    @Test
    void aServiceWithDmReadOnlyCannotSend() {
        Set<String> readOnly = dev.meshwire.signaling.service.Scopes.senderCaps(Set.of("dm:read"));
        assertFalse(Grants.allowed(readOnly, Map.of(), ALICE, Caps.DM), "dm:read only: no dm, whatever the recipient grants");
        Set<String> writer = dev.meshwire.signaling.service.Scopes.senderCaps(Set.of("dm:read", "dm:write", "topic:write"));
        assertTrue(Grants.allowed(writer, Map.of(), ALICE, Caps.DM));
        assertTrue(Grants.allowed(writer, Map.of(), ALICE, Caps.BROADCAST));
        assertFalse(Grants.allowed(writer, Map.of(), ALICE, Caps.RPC));
        assertFalse(Grants.allowed(writer, Map.of(ALICE, Set.of()), ALICE, Caps.DM), "a blocked owner's service is blocked too (grants are member-keyed)");
    }
}
