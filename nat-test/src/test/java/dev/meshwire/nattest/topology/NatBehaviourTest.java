package dev.meshwire.nattest.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class NatBehaviourTest {
    @Test
    void labelsRoundTrip() {
        assertEquals(11, NatBehaviour.all().size());
        for (NatBehaviour b : NatBehaviour.all()) assertEquals(b, NatBehaviour.parse(b.label()));
    }

    @Test
    void doubleNatComposesToTheMostRestrictiveLayer() {
        NatBehaviour fullCone = NatBehaviour.nat(Mapping.EIM, Filtering.EIF);
        assertEquals("EIM-ADF", NatBehaviour.compose(List.of(fullCone, NatBehaviour.nat(Mapping.EIM, Filtering.ADF))).label());
        assertEquals("APDM-APDF", NatBehaviour.compose(List.of(NatBehaviour.nat(Mapping.EIM, Filtering.APDF),
                NatBehaviour.nat(Mapping.APDM, Filtering.EIF))).label());
        assertEquals("UDP_BLOCKED", NatBehaviour.compose(List.of(fullCone, NatBehaviour.UDP_BLOCKED)).label());
        assertEquals("NONE", NatBehaviour.compose(List.of()).label());
    }

    @Test
    void siteValidation() {
        assertTrue(SiteSpec.of(NatBehaviour.NONE).flat());
        assertEquals("udp-blocked", SiteSpec.of(NatBehaviour.UDP_BLOCKED).name());
        assertThrows(IllegalArgumentException.class, () -> new SiteSpec("x", List.of(NatBehaviour.NONE)));
        assertThrows(IllegalArgumentException.class, () -> new SiteSpec("Bad Name", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new TopologySpec("other-", List.of()));
    }

    @Test
    void rulesetPerBehaviour() {
        String w = "203.0.113.11";
        String eimApdf = NftRules.render(NatBehaviour.nat(Mapping.EIM, Filtering.APDF), w);
        assertTrue(eimApdf.contains("oifname \"wan\" masquerade\n"));
        assertFalse(eimApdf.contains("dnat"), "APDF is conntrack's own reply matching; no inbound DNAT");
        assertTrue(eimApdf.contains("iifname \"wan\" ct state new drop"), "the INPUT-drop trap fix is always there");

        String apdmEif = NftRules.render(NatBehaviour.nat(Mapping.APDM, Filtering.EIF), w);
        assertTrue(apdmEif.contains("masquerade fully-random"));
        assertTrue(apdmEif.contains("dnat ip to udp dport map @fc"));
        assertFalse(apdmEif.contains("@adf"));

        String admAdf = NftRules.render(NatBehaviour.nat(Mapping.ADM, Filtering.ADF), w);
        assertTrue(admAdf.contains("snat ip to " + w + " : jhash ip saddr . udp sport . ip daddr"));
        assertTrue(admAdf.contains("ip saddr . udp dport @adf dnat"));
        assertTrue(admAdf.contains("update @adf { ip daddr . ct reply proto-dst }"));

        String blocked = NftRules.render(NatBehaviour.UDP_BLOCKED, w);
        assertTrue(blocked.contains("meta l4proto udp drop"));
        assertThrows(IllegalArgumentException.class, () -> NftRules.render(NatBehaviour.NONE, w));
    }

    @Test
    void staleOwnerDetection() {
        assertTrue(Topology.ownerAlive(Topology.PREFIX + ProcessHandle.current().pid() + "-x-pub"));
        assertFalse(Topology.ownerAlive(Topology.PREFIX + "99999999-x-pub"), "above any pid_max");
        assertFalse(Topology.ownerAlive(Topology.PREFIX + "garbage"));
    }
}
