package dev.meshwire.nattest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.nattest.topology.SiteSpec;
import dev.meshwire.nattest.topology.Topology;
import dev.meshwire.nattest.topology.TopologySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Builds every site of {@link NatBehaviourCheck#defaultSites()} in real namespaces with real nftables NAT, probes
 * them from outside, and asserts that each router behaves as configured. Needs root (see {@link NamespaceSupport}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NatBehaviourNamespaceTest {
    private Topology topology;
    private final Map<String, ProbeRunner.SiteResult> results = new LinkedHashMap<>();
    private final List<SiteSpec> sites = NatBehaviourCheck.defaultSites();

    @BeforeAll
    void buildAndProbe() throws Exception {
        NamespaceSupport.require();
        topology = Topology.build(new TopologySpec(TopologySpec.defaultPrefix("it"), sites));
        try (ProbeRunner runner = ProbeRunner.start(topology)) {
            for (ProbeRunner.SiteResult r : runner.probeAll()) results.put(r.site(), r);
        }
        System.out.println(NatBehaviourCheck.table(sites, new ArrayList<>(results.values())));
    }

    @AfterAll
    void tearDown() {
        if (topology == null) return;
        List<String> ours = topology.namespaces();
        topology.close();
        List<String> left = Topology.listOurs().stream().filter(ours::contains).toList();
        assertEquals(List.of(), left, "namespaces left after close()");
    }

    @TestFactory
    Stream<DynamicTest> everyRouterBehavesAsConfigured() {
        return sites.stream().map(s -> DynamicTest.dynamicTest(s.name() + " is " + s.expected().label(), () -> {
            ProbeRunner.SiteResult r = results.get(s.name());
            assertNull(r.error(), "probe error");
            assertEquals(s.expected().label(), r.observed(), () -> "probe output: " + r.raw());
            JsonNode p = r.raw();
            // cross-checks of the raw observations behind the label
            if (!s.flat() && !r.observed().equals("UDP_BLOCKED")) {
                Topology.Site site = topology.site(s.name());
                assertTrue(p.path("mapping").path("A1:P1").asText().startsWith(site.publicIp() + ":"),
                        "external address is the outer router's WAN address");
                assertEquals(Boolean.TRUE, p.path("filtering").path("controlAfter").asBoolean(),
                        "binding still alive after the filtering tests");
            }
            if (r.observed().equals("UDP_BLOCKED")) {
                assertTrue(p.path("mapping").path("A1:P1").isNull());
                assertNotEquals(true, p.path("tcp").isNull(), "TCP still gets through");
            }
            assertTrue(p.path("tcp").isTextual(), "TCP to A1:P1 works from every site");
        }));
    }
}
