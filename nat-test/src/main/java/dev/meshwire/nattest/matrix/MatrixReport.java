package dev.meshwire.nattest.matrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Markdown, JSON and SVG renderings of a matrix run. */
final class MatrixReport {
    private MatrixReport() {}

    static String ms(long v) {
        return v < 0 ? "never" : v + " ms";
    }

    static String markdown(List<CellResult> rs, long totalMs, int messages) {
        StringBuilder b = new StringBuilder();
        b.append("# NAT matrix (quick)\n\n");
        b.append("Run ").append(Instant.now()).append(", ").append(messages).append(" messages each way per cell, ")
                .append("total ").append(totalMs / 1000.0).append(" s. Times are from the first send.\n\n");
        b.append("| cell | A | B | ICE servers | physics | path A→B / B→A | expected | time to first message | time to channel open | A→B sent/recv/dup | B→A sent/recv/dup | inbox paths | coturn: allocations / TCP clients | result |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (CellResult r : rs) {
            Cell c = r.cell();
            b.append("| ").append(c.id()).append(" | ").append(c.a()).append(" | ").append(c.b()).append(" | ").append(c.ice())
                    .append(" | ").append(c.directPossible() ? "direct possible" : "direct impossible")
                    .append(" | ").append(r.pathA()).append(" / ").append(r.pathB())
                    .append(" | ").append(c.expected().replace("|", " or ")).append(r.expectedMatch() ? "" : " (differs)")
                    .append(" | ").append(ms(r.firstDeliveredMs()))
                    .append(" | ").append(ms(r.directMs()))
                    .append(" | ").append(r.sentAB()).append("/").append(r.recvAB()).append("/").append(r.dupAB())
                    .append(" | ").append(r.sentBA()).append("/").append(r.recvBA()).append("/").append(r.dupBA())
                    .append(" | ").append(paths(r.inboxPaths()))
                    .append(" | ").append(r.coturnAllocations() < 0 ? "–" : r.coturnAllocations() + " / " + r.coturnTcpClients())
                    .append(" | ").append(r.ok() ? "OK" : "**FAIL**" + (r.physicsAgrees() ? "" : " (disagrees with physics)")
                            + (r.error() == null ? "" : ": " + r.error().replace('|', '/')))
                    .append(" |\n");
        }
        b.append("\n\"time to channel open\" is the first moment both daemons report an open WebRTC channel (direct or via TURN) in `/v1/peers`.\n");
        return b.toString();
    }

    private static String paths(Map<String, Integer> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(" ").append(v));
        return b.length() == 0 ? "–" : b.toString();
    }

    static String json(List<CellResult> rs, long totalMs, int messages) throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
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
            o.put("ice", c.ice());
            o.put("directPossible", c.directPossible());
            o.put("expected", c.expected());
            o.put("pathAtoB", r.pathA());
            o.put("pathBtoA", r.pathB());
            o.put("firstDeliveredMs", r.firstDeliveredMs());
            o.put("channelOpenMs", r.directMs());
            o.put("sentAB", r.sentAB()); o.put("recvAB", r.recvAB()); o.put("dupAB", r.dupAB());
            o.put("sentBA", r.sentBA()); o.put("recvBA", r.recvBA()); o.put("dupBA", r.dupBA());
            o.set("inboxPaths", m.valueToTree(r.inboxPaths()));
            o.put("physicsAgrees", r.physicsAgrees());
            o.put("expectedMatch", r.expectedMatch());
            o.put("cellMs", r.cellMs());
            o.put("coturnAllocations", r.coturnAllocations());
            o.put("coturnTcpClients", r.coturnTcpClients());
            o.put("error", r.error());
            o.put("ok", r.ok());
        }
        return m.writeValueAsString(root) + "\n";
    }

    /** One row per cell: colour by outcome class (direct green, TURN amber, relay grey, failed red). */
    static String svg(List<CellResult> rs) {
        int w = 760, rowH = 34, h = 50 + rowH * rs.size();
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" font-family=\"sans-serif\" font-size=\"13\">\n");
        b.append("<text x=\"10\" y=\"22\" font-weight=\"bold\">meshwire NAT matrix (quick): outcome path per cell</text>\n");
        int y = 40;
        for (CellResult r : rs) {
            String p = r.pathA();
            String colour = !r.ok() ? "#e06666" : p.startsWith("direct") ? "#6aa84f" : p.startsWith("turn") ? "#f1c232" : "#999999";
            b.append("<rect x=\"10\" y=\"").append(y).append("\" width=\"260\" height=\"").append(rowH - 4)
                    .append("\" fill=\"#eeeeee\"/>\n");
            b.append("<text x=\"16\" y=\"").append(y + 20).append("\">").append(esc(r.cell().a() + " ↔ " + r.cell().b())).append("</text>\n");
            b.append("<rect x=\"274\" y=\"").append(y).append("\" width=\"476\" height=\"").append(rowH - 4)
                    .append("\" fill=\"").append(colour).append("\"/>\n");
            b.append("<text x=\"280\" y=\"").append(y + 20).append("\">").append(esc(p + " — first msg " + ms(r.firstDeliveredMs())
                    + ", open " + ms(r.directMs()) + ", " + (r.recvAB() + r.recvBA()) + "/" + (r.sentAB() + r.sentBA())
                    + (r.ok() ? "" : " FAIL"))).append("</text>\n");
            y += rowH;
        }
        return b.append("</svg>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
