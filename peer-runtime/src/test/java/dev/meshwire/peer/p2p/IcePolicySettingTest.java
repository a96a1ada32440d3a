package dev.meshwire.peer.p2p;

import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.config.ConfigFile;
import dev.meshwire.peer.config.DaemonConfig;
import dev.meshwire.peer.daemon.DaemonOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code p2p.ice-policy} / {@code MESHWIRE_P2P_ICE_POLICY}: the daemon's switch to relay candidates only. */
class IcePolicySettingTest {
    static P2pConfig engine(Map<String, String> env) {
        return DaemonConfig.resolve(Map.of(), env, ConfigFile.none()).applyTo(DaemonOptions.of(Path.of("/nonexistent"))).p2p().engine();
    }

    @Test
    void relayRestrictsToTurnAndAllOrUnsetKeepsEveryCandidate() {
        assertFalse(P2pSettings.defaults().engine().relayOnly(), "every candidate by default");
        assertTrue(engine(Map.of("MESHWIRE_P2P_ICE_POLICY", "relay")).relayOnly());
        assertTrue(engine(Map.of("MESHWIRE_P2P_ICE_POLICY", " RELAY ")).relayOnly());
        assertFalse(engine(Map.of("MESHWIRE_P2P_ICE_POLICY", "all")).relayOnly());
        // The coordinator's ICE servers replace the engine's; the policy survives that.
        P2pConfig relay = engine(Map.of("MESHWIRE_P2P_ICE_POLICY", "relay"));
        assertTrue(relay.withIceServers(java.util.List.of(), relay.relayOnly()).relayOnly());
        PeerException e = assertThrows(PeerException.class, () -> engine(Map.of("MESHWIRE_P2P_ICE_POLICY", "turn")));
        assertEquals("MESHWIRE_P2P_ICE_POLICY must be all or relay (got 'turn')", e.getMessage());
    }
}
