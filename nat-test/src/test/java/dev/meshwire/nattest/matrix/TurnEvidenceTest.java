package dev.meshwire.nattest.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The TURN server's own evidence, read from coturn's log and from a Prometheus scrape of the coordinator. */
class TurnEvidenceTest {
    @Test
    void readsAllocationsAndTcpConnectionsFromTheCoordinatorsMetrics() {
        String scrape = """
                # HELP meshwire_turn_allocations_total TURN allocations made
                # TYPE meshwire_turn_allocations_total counter
                meshwire_turn_allocations_total 4.0
                # TYPE meshwire_turn_allocations_active gauge
                meshwire_turn_allocations_active 3.0
                meshwire_turn_tcp_connections 2.0
                meshwire_turn_tcp_connections_rejected_total 7.0
                meshwire_turn_refusals_total{reason="peer_denied"} 5.0
                meshwire_turn_refusals_total{reason="unauthorized"} 1.0
                """;
        assertEquals(new TurnEvidence(4, 2), TurnEvidence.fromMetrics(scrape));
        assertEquals(6, TurnEvidence.sum(scrape, "meshwire_turn_refusals_total"), "summed over labels");
        assertEquals(-1, TurnEvidence.sum(scrape, "meshwire_turn_channels"), "absent");
        assertFalse(TurnEvidence.fromMetrics("jvm_threads_live 12\n").known());
    }

    @Test
    void readsAllocationsAndTcpClientsFromCoturnsLog() {
        List<String> log = List.of(
                "0: : session 001000000000000001: realm <meshwire.test> user <1:a>: incoming packet ALLOCATE processed, success",
                "0: : session 001000000000000002: tcp or tls connected to: 203.0.113.11:40000",
                "0: : session 001000000000000002: realm <meshwire.test> user <1:a>: incoming packet ALLOCATE processed, success",
                "0: : session 001000000000000002: realm <meshwire.test> user <1:a>: incoming packet ALLOCATE processed, error 401");
        assertEquals(new TurnEvidence(2, 1), TurnEvidence.fromCoturnLog(log));
    }
}
