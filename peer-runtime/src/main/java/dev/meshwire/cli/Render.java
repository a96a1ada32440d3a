package dev.meshwire.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.signaling.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Human and JSON rendering of IPC answers. JSON output is the IPC JSON unchanged (stable). */
final class Render {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final Pattern DURATION = Pattern.compile("^(\\d+)([smhd])$");

    private Render() {}

    static String json(JsonNode n) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String shortKey(String pubkey) {
        return pubkey == null || pubkey.length() < 12 ? String.valueOf(pubkey) : pubkey.substring(0, 12);
    }

    static String time(JsonNode ms) {
        return ms == null || ms.isNull() || ms.isMissingNode() ? "-" : TIME.format(Instant.ofEpochMilli(ms.asLong()));
    }

    static long parseDuration(String s) {
        Matcher m = DURATION.matcher(s == null ? "" : s.trim());
        if (!m.matches()) throw new PeerException(PeerException.BAD_REQUEST, "duration must look like 30m, 24h or 7d (got '" + s + "')");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 86_400_000;
        };
    }

    static String status(JsonNode st) {
        StringBuilder sb = new StringBuilder();
        JsonNode d = st.path("daemon");
        if (!d.path("running").asBoolean()) {
            sb.append("daemon: not running\n");
        } else {
            sb.append("daemon: running, pid ").append(d.path("pid").asText()).append(", up ")
                    .append(d.path("uptimeMs").asLong() / 1000).append(" s, ipc 127.0.0.1:").append(d.path("ipcPort").asText())
                    .append(", home ").append(d.path("home").asText()).append('\n');
        }
        if (st.path("meshes").isEmpty()) sb.append("meshes: none joined\n");
        for (JsonNode m : st.path("meshes")) {
            sb.append("mesh ").append(m.path("name").asText()).append(" @ ").append(m.path("coordinator").asText()).append('\n');
            sb.append("  state: ").append(m.has("state") ? m.path("state").asText() : "(daemon not running)");
            if (m.has("onlinePeers")) sb.append(", ").append(m.path("onlinePeers").asText()).append(" peer(s) online");
            sb.append('\n');
            sb.append("  you: ").append(m.path("displayName").asText()).append(" (").append(m.path("role").asText())
                    .append(", ").append(shortKey(m.path("pubkey").asText())).append(")\n");
            if (m.hasNonNull("lastError")) sb.append("  last error: ").append(m.get("lastError").asText()).append('\n');
        }
        return sb.toString();
    }

    static String peers(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append("mesh ").append(r.path("mesh").asText()).append(r.path("connected").asBoolean() ? "" : " (not connected: "
                + r.path("state").asText() + "; list may be stale)").append('\n');
        for (JsonNode p : r.path("peers")) {
            sb.append(String.format("  %-20s %-12s %-7s %-8s%s%n", p.path("name").asText(), shortKey(p.path("pubkey").asText()),
                    p.path("online").asBoolean() ? "online" : "offline", p.path("role").asText(),
                    p.path("self").asBoolean() ? " (you)" : p.hasNonNull("path") ? " via " + p.get("path").asText() : ""));
        }
        return sb.toString();
    }

    static String sendReceipt(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode x : r.path("recipients")) {
            if (x.hasNonNull("error")) {
                sb.append("not sent to ").append(x.path("name").asText()).append(": ").append(x.get("error").asText()).append('\n');
            } else {
                sb.append("sent to ").append(x.path("name").asText()).append(" (").append(shortKey(x.path("pubkey").asText()))
                        .append(") via ").append(x.path("path").asText()).append(", id ").append(r.path("clientMessageId").asText()).append('\n');
            }
        }
        return sb.toString();
    }

    static String inbox(JsonNode messages) {
        if (messages.isEmpty()) return "inbox is empty\n";
        StringBuilder sb = new StringBuilder();
        for (JsonNode m : messages) sb.append(message(m)).append('\n');
        return sb.toString();
    }

    static String message(JsonNode m) {
        String prio = m.path("priority").asText();
        return "[" + time(m.get("receivedAt")) + "] " + m.path("mesh").asText() + " " + m.path("from").path("name").asText()
                + " (" + shortKey(m.path("from").path("pubkey").asText()) + ")"
                + ("group".equals(m.path("channel").asText()) ? " to everyone" : "")
                + ("next".equals(prio) ? "" : " [" + prio + "]") + ": " + m.path("text").asText();
    }

    static String event(IpcClient.SseEvent ev) {
        JsonNode d;
        try {
            d = Json.MAPPER.readTree(ev.data());
        } catch (JsonProcessingException e) {
            return ev.event() + " " + ev.data();
        }
        return switch (ev.event()) {
            case "message" -> message(d);
            case "peer_joined" -> "* " + d.path("name").asText() + " (" + shortKey(d.path("pubkey").asText()) + ") came online in " + d.path("mesh").asText();
            case "peer_left" -> "* " + d.path("name").asText() + " left " + d.path("mesh").asText()
                    + (d.hasNonNull("reason") ? " (" + d.get("reason").asText() + ")" : "");
            case "link" -> "* mesh " + d.path("mesh").asText() + ": " + d.path("state").asText()
                    + (d.hasNonNull("detail") ? " (" + d.get("detail").asText() + ")" : "");
            default -> ev.event() + " " + ev.data();
        };
    }

    static String eventJson(IpcClient.SseEvent ev) {
        try {
            return Json.MAPPER.writeValueAsString(java.util.Map.of("event", ev.event(), "data", Json.MAPPER.readTree(ev.data())));
        } catch (JsonProcessingException e) {
            return "{\"event\":\"" + ev.event() + "\"}";
        }
    }
}
