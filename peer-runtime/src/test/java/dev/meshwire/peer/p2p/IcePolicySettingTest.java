package dev.meshwire.peer.p2p;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code MESHWIRE_P2P_ICE_POLICY}: the daemon's switch to relay candidates only. */
class IcePolicySettingTest {
    @Test
    void relayRestrictsToTurnAndAllOrUnsetKeepsEveryCandidate() {
        assertFalse(P2pSettings.defaults().engine().relayOnly(), "every candidate by default");
        assertTrue(P2pSettings.defaults().withEnvironment(Map.of("MESHWIRE_P2P_ICE_POLICY", "relay")).engine().relayOnly());
        assertTrue(P2pSettings.defaults().withEnvironment(Map.of("MESHWIRE_P2P_ICE_POLICY", " RELAY ")).engine().relayOnly());
        assertFalse(P2pSettings.defaults().withEnvironment(Map.of("MESHWIRE_P2P_ICE_POLICY", "all")).engine().relayOnly());
        // The coordinator's ICE servers replace the engine's; the policy survives that.
        P2pConfig relay = P2pSettings.defaults().withEnvironment(Map.of("MESHWIRE_P2P_ICE_POLICY", "relay")).engine();
        assertTrue(relay.withIceServers(java.util.List.of(), relay.relayOnly()).relayOnly());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> P2pSettings.defaults().withEnvironment(Map.of("MESHWIRE_P2P_ICE_POLICY", "turn")));
        assertEquals("MESHWIRE_P2P_ICE_POLICY must be all or relay (got 'turn')", e.getMessage());
    }
}
