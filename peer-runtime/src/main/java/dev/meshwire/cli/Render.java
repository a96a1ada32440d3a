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
            if (m.has("unread")) {
                sb.append("  unread ").append(m.path("unread").asLong()).append(", pending ").append(m.path("pending").asLong()).append('\n');
            }
            if (m.has("stateVersion")) {
                JsonNode rf = m.path("refused");
                sb.append("  mesh state: v").append(m.path("stateVersion").asLong())
                        .append(m.path("stateVerified").asBoolean() ? ", verified" : ", not verified (waiting for the coordinator)")
                        .append("; refused relay ").append(rf.path("relay").asLong()).append(", direct ").append(rf.path("direct").asLong())
                        .append(", signaling ").append(rf.path("signaling").asLong()).append('\n');
            }
            if (m.hasNonNull("lastError")) sb.append("  last error: ").append(m.get("lastError").asText()).append('\n');
        }
        return sb.toString();
    }

    /** {@code meshwire members}: one line per key, self first. */
    static String members(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append("mesh ").append(r.path("mesh").asText()).append(", state v").append(r.path("stateVersion").asLong())
                .append(r.path("stateVerified").asBoolean() ? " (verified)" : " (not verified yet: last known state)").append('\n');
        for (JsonNode m : r.path("members")) {
            String status = m.path("status").asText();
            StringBuilder note = new StringBuilder();
            if ("active".equals(status)) {
                if (m.path("online").asBoolean()) note.append("online since ").append(time(m.get("connectedSince")));
                else note.append("offline").append(m.hasNonNull("lastSeen") ? ", last seen " + time(m.get("lastSeen")) : "");
                if (m.hasNonNull("expiresAt")) note.append(", expires ").append(time(m.get("expiresAt")));
            } else {
                note.append(status).append(m.hasNonNull("since") ? " " + time(m.get("since")) : "");
                if (m.hasNonNull("reason")) note.append(": ").append(m.get("reason").asText());
            }
            sb.append(String.format("  %-20s %-12s %-7s %-8s %s%s%n", m.hasNonNull("name") ? m.get("name").asText() : "-",
                    shortKey(m.path("pubkey").asText()), m.hasNonNull("role") ? m.get("role").asText() : "-", status, note,
                    m.path("self").asBoolean() ? " (you)" : ""));
        }
        return sb.toString();
    }

    /** {@code meshwire mesh log}: one line per verified event, oldest first. */
    static String meshLog(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        sb.append("mesh ").append(r.path("mesh").asText()).append(", state v").append(r.path("stateVersion").asLong())
                .append(r.path("stateVerified").asBoolean() ? " (verified)" : " (not verified yet)")
                .append(", authority ").append(shortKey(r.path("authority").asText())).append('\n');
        if (r.path("events").isEmpty()) sb.append("  (no verified events yet)\n");
        for (JsonNode e : r.path("events")) {
            String actor = e.hasNonNull("actorName") ? e.get("actorName").asText() : shortKey(e.path("actor").asText());
            String subject = e.hasNonNull("subject")
                    ? " " + (e.hasNonNull("subjectName") ? e.get("subjectName").asText() + " (" + shortKey(e.get("subject").asText()) + ")"
                    : shortKey(e.get("subject").asText())) : "";
            JsonNode d = e.path("data");
            StringBuilder extra = new StringBuilder();
            for (String f : new String[] {"role", "name", "reason"}) {
                if (d.hasNonNull(f) && !("name".equals(f) && !"member_renamed".equals(e.path("kind").asText()))) {
                    extra.append(' ').append(f).append('=').append(d.get(f).asText());
                }
            }
            if (d.has("expiresAt")) extra.append(" expires=").append(d.hasNonNull("expiresAt") ? time(d.get("expiresAt")) : "never");
            sb.append(String.format("  v%-4d %s %-16s by %s%s%s  %s%n", e.path("version").asLong(), time(e.get("at")),
                    e.path("kind").asText(), actor, subject, extra, e.path("hash").asText().substring(0, Math.min(12, e.path("hash").asText().length()))));
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
                    p.path("self").asBoolean() ? " (you)" : p.hasNonNull("path") ? " via " + path(p) : ""));
        }
        return sb.toString();
    }

    /** {@code direct host, rtt 0.4 ms, since 12:01:02} or {@code relay (direct: connecting)}. */
    static String path(JsonNode p) {
        StringBuilder sb = new StringBuilder(p.path("path").asText());
        String state = p.path("pathState").asText("none");
        if (!"open".equals(state) && !"none".equals(state)) sb.append(" (direct: ").append(state).append(')');
        if (p.hasNonNull("rttMs")) sb.append(String.format(", rtt %.2f ms", p.get("rttMs").asDouble()));
        if (p.hasNonNull("pathSince")) {
            sb.append(", since ").append(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
                    .format(java.time.Instant.ofEpochMilli(p.get("pathSince").asLong()).atZone(java.time.ZoneId.systemDefault())));
        }
        return sb.toString();
    }

    /** One line per round: {@code pong from bob (ab12cd34ef56) via direct host in 0.41 ms}. */
    static String ping(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        String who = who(r.path("peer"));
        for (JsonNode x : r.path("replies")) {
            String via = x.path("via").asText();
            if (x.hasNonNull("error")) {
                sb.append(String.format("%d: no reply from %s via %s: %s%n", x.path("seq").asInt(), who, via, x.get("error").asText()));
            } else if (x.hasNonNull("rttMs")) {
                sb.append(String.format("%d: pong from %s via %s in %.2f ms%n", x.path("seq").asInt(), who, via, x.get("rttMs").asDouble()));
            } else {
                sb.append(String.format("%d: %s reachable via relay (coordinator round trip %s); %s%n", x.path("seq").asInt(), who,
                        x.hasNonNull("coordinatorRttMs") ? String.format("%.2f ms", x.get("coordinatorRttMs").asDouble()) : "unknown",
                        x.path("note").asText()));
            }
        }
        return sb.toString();
    }

    static String who(JsonNode x) {
        String name = x.path("name").isTextual() ? x.path("name").asText() : null;
        return (name != null ? name + " (" + shortKey(x.path("pubkey").asText()) + ")" : shortKey(x.path("pubkey").asText()));
    }

    /** {@code accepted (pending) ...}, {@code accepted (in flight) ...} or {@code already sent ...}. */
    static String sendReceipt(JsonNode r) {
        String status = r.path("status").asText();
        String head = switch (status) {
            case "accepted_pending" -> r.path("duplicate").asBoolean() ? "already accepted (pending)" : "accepted (pending)";
            case "accepted_inflight" -> "already accepted (in flight)";
            case "done" -> "already sent";
            default -> status;
        };
        JsonNode rec = r.path("recipients");
        String to = rec.size() == 1 ? who(rec.get(0)) : rec.size() + " members";
        StringBuilder sb = new StringBuilder();
        sb.append(head).append(": to ").append(to).append(", id ").append(r.path("clientMessageId").asText());
        if (r.hasNonNull("messageId")) sb.append(", message ").append(r.get("messageId").asText());
        sb.append('\n');
        if ("accepted_pending".equals(status)) {
            sb.append("  queued in the outbox; 'meshwire msg status ").append(r.path("clientMessageId").asText())
                    .append("' shows its delivery\n");
        }
        return sb.toString();
    }

    static String messageStatus(JsonNode m) {
        StringBuilder sb = new StringBuilder();
        sb.append("message ").append(m.path("clientMessageId").asText()).append(" in ").append(m.path("mesh").asText())
                .append(": ").append(m.path("state").asText()).append(", ").append(m.path("attempts").asInt()).append(" attempt(s)\n");
        sb.append("  to: ").append("group".equals(m.path("destination").path("kind").asText()) ? "everyone (*)"
                : shortKey(m.path("destination").path("ref").asText())).append(", priority ").append(m.path("priority").asText()).append('\n');
        sb.append("  accepted: ").append(time(m.get("createdAt")));
        if (m.hasNonNull("doneAt")) sb.append(", done: ").append(time(m.get("doneAt")));
        if (m.hasNonNull("nextAttemptAt")) sb.append(", next attempt: ").append(time(m.get("nextAttemptAt")));
        sb.append('\n');
        if (m.hasNonNull("lastError")) sb.append("  last error: ").append(m.get("lastError").asText()).append('\n');
        if (m.hasNonNull("supersededBy")) sb.append("  requeued as: ").append(m.get("supersededBy").asText()).append('\n');
        if (m.hasNonNull("requeuedFrom")) sb.append("  requeue of: ").append(m.get("requeuedFrom").asText()).append('\n');
        for (JsonNode c : m.path("recipients")) {
            sb.append("  - ").append(who(c)).append(": ").append(c.path("state").asText());
            if (c.hasNonNull("messageId")) sb.append(", message ").append(c.get("messageId").asText());
            if (c.hasNonNull("ackStatus")) sb.append(" (").append(c.get("ackStatus").asText()).append(')');
            if (c.hasNonNull("lastError") && !"done".equals(c.path("state").asText())) sb.append(", ").append(c.get("lastError").asText());
            sb.append('\n');
        }
        return sb.toString();
    }

    static String outbox(JsonNode r) {
        StringBuilder sb = new StringBuilder();
        JsonNode counts = r.path("counts");
        sb.append(r.hasNonNull("mesh") ? "outbox (mesh " + r.get("mesh").asText() + "): " : "outbox: ");
        java.util.List<String> parts = new java.util.ArrayList<>();
        counts.fields().forEachRemaining(e -> parts.add(e.getValue().asLong() + " " + e.getKey()));
        sb.append(String.join(", ", parts)).append('\n');
        if (r.path("items").isEmpty()) sb.append("  (nothing to show)\n");
        for (JsonNode m : r.path("items")) {
            sb.append(String.format("  %-36s %-8s %-19s %2d  %s%s%n", m.path("clientMessageId").asText(), m.path("state").asText(),
                    time(m.get("createdAt")), m.path("attempts").asInt(),
                    "group".equals(m.path("destination").path("kind").asText()) ? "to everyone"
                            : "to " + (m.path("recipients").size() == 1 ? who(m.path("recipients").get(0)) : shortKey(m.path("destination").path("ref").asText())),
                    m.hasNonNull("lastError") && !"done".equals(m.path("state").asText()) ? " - " + m.get("lastError").asText() : ""));
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
            case "mesh_event" -> "* mesh " + d.path("mesh").asText() + ": v" + d.path("version").asText() + " " + d.path("kind").asText()
                    + (d.hasNonNull("subject") ? " " + (d.hasNonNull("subjectName") ? d.get("subjectName").asText() : shortKey(d.get("subject").asText())) : "")
                    + " by " + (d.hasNonNull("actorName") ? d.get("actorName").asText() : shortKey(d.path("actor").asText()));
            case "member_removed" -> "* " + (d.hasNonNull("name") ? d.get("name").asText() : "?") + " (" + shortKey(d.path("pubkey").asText())
                    + ") is no longer a member of " + d.path("mesh").asText() + ": " + d.path("status").asText()
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
