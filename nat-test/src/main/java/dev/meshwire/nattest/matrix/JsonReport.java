package dev.meshwire.nattest.matrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.nattest.topology.NatBehaviour;
import java.time.Instant;
import java.util.List;

/** The JSON report of a matrix run: one object per cell with every measured value, for scripts. */
final class JsonReport {
    private JsonReport() {}

    static String json(String mode, TurnChoice turn, List<CellResult> rs, long totalMs, int messages) throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("mode", mode);
        root.put("turnServer", turn.label());
        root.put("generatedAt", Instant.now().toString());
        root.put("totalMs", totalMs);
        root.put("messagesEachWay", messages);
        ArrayNode cells = root.putArray("cells");
        for (CellResult r : rs) {
            ObjectNode o = cells.addObject();
            Cell c = r.cell();
            o.put("id", c.id());
            o.put("a", c.a().label());
            o.put("b", c.b().label());
            side(o, "a", c.a());
            side(o, "b", c.b());
            o.put("ice", c.ice());
            o.put("directPossible", c.directPossible());
            o.put("physics", Physics.verdict(c.a().routers(), c.b().routers()).name().toLowerCase());
            o.put("expected", c.expected());
            o.put("pathAtoB", r.pathA());
            o.put("pathBtoA", r.pathB());
            o.put("firstDeliveredMs", r.firstDeliveredMs());
            o.put("channelOpenMs", r.channelOpenMs());
            o.put("directMs", r.directMs());
            o.put("sentAB", r.sentAB()); o.put("recvAB", r.recvAB()); o.put("dupAB", r.dupAB());
            o.put("sentBA", r.sentBA()); o.put("recvBA", r.recvBA()); o.put("dupBA", r.dupBA());
            o.set("inboxPaths", m.valueToTree(r.inboxPaths()));
            o.put("physicsAgrees", r.physicsAgrees());
            o.put("expectedMatch", r.expectedMatch());
            o.put("cellMs", r.cellMs());
            o.put("turnAllocations", r.turn().allocations());
            o.put("turnTcpClients", r.turn().tcpClients());
            o.put("directPacketsInA", r.directPacketsInA());
            o.put("directPacketsInB", r.directPacketsInB());
            o.put("error", r.error());
            o.put("ok", r.ok());
        }
        return m.writeValueAsString(root) + "\n";
    }

    /** The NAT layers of a side (inner→outer, empty for a flat host) and the behaviour they compose to. */
    private static void side(ObjectNode o, String key, Side s) {
        ArrayNode routers = o.putArray(key + "Routers");
        for (NatBehaviour r : s.routers()) routers.add(r.label());
        o.put(key + "Effective", s.effective().label());
    }
}
