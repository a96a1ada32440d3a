package dev.meshwire.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.DaemonStatus;
import dev.meshwire.peer.ipc.api.EventData;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.LinkEvent;
import dev.meshwire.peer.ipc.api.LogEntry;
import dev.meshwire.peer.ipc.api.MemberRemovedEvent;
import dev.meshwire.peer.ipc.api.MembersReply;
import dev.meshwire.peer.ipc.api.MeshInfo;
import dev.meshwire.peer.ipc.api.MeshLogReply;
import dev.meshwire.peer.ipc.api.MeshStateEvent;
import dev.meshwire.peer.ipc.api.OutboxCopy;
import dev.meshwire.peer.ipc.api.OutboxReply;
import dev.meshwire.peer.ipc.api.OutboxRow;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.ipc.api.PeerJoinedEvent;
import dev.meshwire.peer.ipc.api.PeerLeftEvent;
import dev.meshwire.peer.ipc.api.PeersReply;
import dev.meshwire.peer.ipc.api.PingReply;
import dev.meshwire.peer.ipc.api.PingRound;
import dev.meshwire.peer.ipc.api.RefusalCounters;
import dev.meshwire.peer.ipc.api.SendRecipient;
import dev.meshwire.peer.ipc.api.SendReply;
import dev.meshwire.peer.ipc.api.StatusReply;
import dev.meshwire.peer.meshstate.Member;
import dev.meshwire.signaling.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Human and JSON rendering of IPC answers (records of dev.meshwire.peer.ipc.api). JSON output is the IPC JSON unchanged (stable). */
final class Render {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final Pattern DURATION = Pattern.compile("^(\\d+)([smhd])$");

    private Render() {}

    /** The stable {@code --json} form of a reply record: pretty-printed, absent fields omitted. */
    static String json(Object value) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String shortKey(String pubkey) {
        return pubkey == null || pubkey.length() < 12 ? String.valueOf(pubkey) : pubkey.substring(0, 12);
    }

    static String time(Long ms) {
        return ms == null ? "-" : TIME.format(Instant.ofEpochMilli(ms));
    }

    /** An optional JSON number of a mesh-state event's data (epoch ms), for {@link #time(Long)}. */
    private static Long millis(JsonNode n) {
        return n == null || !n.isNumber() ? null : n.asLong();
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

    static String status(StatusReply st) {
        StringBuilder sb = new StringBuilder();
        DaemonStatus d = st.daemon();
        if (!Boolean.TRUE.equals(d.running())) {
            sb.append("daemon: not running\n");
        } else {
            sb.append("daemon: running, pid ").append(d.pid()).append(", up ")
                    .append(d.uptimeMs() / 1000).append(" s, ipc 127.0.0.1:").append(d.ipcPort())
                    .append(", home ").append(d.home()).append('\n');
        }
        if (st.meshes().isEmpty()) sb.append("meshes: none joined\n");
        for (MeshInfo m : st.meshes()) {
            sb.append("mesh ").append(m.name()).append(" @ ").append(m.coordinator()).append('\n');
            sb.append("  state: ").append(m.state() != null ? m.state() : "(daemon not running)");
            if (m.onlinePeers() != null) sb.append(", ").append(m.onlinePeers()).append(" peer(s) online");
            sb.append('\n');
            sb.append("  you: ").append(m.displayName()).append(" (").append(m.role())
                    .append(", ").append(shortKey(m.pubkey())).append(")\n");
            if (m.stateVersion() != null) {
                RefusalCounters rf = m.refused() != null ? m.refused() : new RefusalCounters(0, 0, 0);
                sb.append("  mesh state: v").append(m.stateVersion())
                        .append(Boolean.TRUE.equals(m.stateVerified()) ? ", verified" : ", not verified (waiting for the coordinator)")
                        .append("; refused relay ").append(rf.relay()).append(", direct ").append(rf.direct())
                        .append(", signaling ").append(rf.signaling()).append('\n');
            }
            if (m.lastError() != null) sb.append("  last error: ").append(m.lastError()).append('\n');
        }
        return sb.toString();
    }

    /** {@code meshwire members}: one line per key, self first. */
    static String members(MembersReply r) {
        StringBuilder sb = new StringBuilder();
        sb.append("mesh ").append(r.mesh()).append(", state v").append(r.stateVersion())
                .append(r.stateVerified() ? " (verified)" : " (not verified yet: last known state)").append('\n');
        for (Member m : r.items()) {
            String status = m.status();
            StringBuilder note = new StringBuilder();
            if ("active".equals(status)) {
                if (m.online()) note.append("online since ").append(time(m.connectedSince()));
                else note.append("offline").append(m.lastSeen() != null ? ", last seen " + time(m.lastSeen()) : "");
                if (m.expiresAt() != null) note.append(", expires ").append(time(m.expiresAt()));
            } else {
                note.append(status).append(m.since() != null ? " " + time(m.since()) : "");
                if (m.reason() != null) note.append(": ").append(m.reason());
            }
            sb.append(String.format("  %-20s %-12s %-7s %-8s %s%s%n", m.name() != null ? m.name() : "-",
                    shortKey(m.pubkey()), m.role() != null ? m.role() : "-", status, note,
                    m.self() ? " (you)" : ""));
        }
        return sb.toString();
    }

    /** {@code meshwire mesh log}: one line per verified event, oldest first. */
    static String meshLog(MeshLogReply r) {
        StringBuilder sb = new StringBuilder();
        sb.append("mesh ").append(r.mesh()).append(", state v").append(r.stateVersion())
                .append(r.stateVerified() ? " (verified)" : " (not verified yet)")
                .append(", authority ").append(shortKey(r.authority())).append('\n');
        if (r.items().isEmpty()) sb.append("  (no verified events yet)\n");
        for (LogEntry e : r.items()) {
            String actor = e.actorName() != null ? e.actorName() : shortKey(e.actor());
            String subject = e.subject() != null
                    ? " " + (e.subjectName() != null ? e.subjectName() + " (" + shortKey(e.subject()) + ")" : shortKey(e.subject())) : "";
            JsonNode d = e.data() == null ? Json.MAPPER.createObjectNode() : e.data();
            StringBuilder extra = new StringBuilder();
            for (String f : new String[] {"role", "name", "reason"}) {
                if (d.hasNonNull(f) && !("name".equals(f) && !"member_renamed".equals(e.kind()))) {
                    extra.append(' ').append(f).append('=').append(d.get(f).asText());
                }
            }
            if (d.has("expiresAt")) extra.append(" expires=").append(d.hasNonNull("expiresAt") ? time(millis(d.get("expiresAt"))) : "never");
            String hash = e.hash() == null ? "" : e.hash();
            sb.append(String.format("  v%-4d %s %-16s by %s%s%s  %s%n", e.version(), time(e.at()),
                    e.kind(), actor, subject, extra, hash.substring(0, Math.min(12, hash.length()))));
        }
        return sb.toString();
    }

    static String peers(PeersReply r) {
        StringBuilder sb = new StringBuilder();
        sb.append("mesh ").append(r.mesh()).append(r.connected() ? "" : " (not connected: "
                + r.state() + "; list may be stale)").append('\n');
        for (PeerItem p : r.items()) {
            sb.append(String.format("  %-20s %-12s %-7s %-8s%s%n", p.name(), shortKey(p.pubkey()),
                    p.online() ? "online" : "offline", p.role(),
                    p.self() ? " (you)" : p.path() != null ? " via " + path(p) : ""));
        }
        return sb.toString();
    }

    /** {@code direct host, rtt 0.4 ms, since 12:01:02} or {@code relay (direct: connecting)}. */
    static String path(PeerItem p) {
        StringBuilder sb = new StringBuilder(p.path());
        String state = p.pathState() == null ? "none" : p.pathState();
        if (!"open".equals(state) && !"none".equals(state)) sb.append(" (direct: ").append(state).append(')');
        if (p.rttMs() != null) sb.append(String.format(", rtt %.2f ms", p.rttMs()));
        if (p.pathSince() != null) {
            sb.append(", since ").append(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
                    .format(java.time.Instant.ofEpochMilli(p.pathSince()).atZone(java.time.ZoneId.systemDefault())));
        }
        return sb.toString();
    }

    /** One line per round: {@code pong from bob (ab12cd34ef56) via direct host in 0.41 ms}. */
    static String ping(PingReply r) {
        StringBuilder sb = new StringBuilder();
        String who = who(r.peer().name(), r.peer().pubkey());
        for (PingRound x : r.items()) {
            String via = x.via();
            if (x.error() != null) {
                sb.append(String.format("%d: no reply from %s via %s: %s%n", x.seq(), who, via, x.error()));
            } else if (x.rttMs() != null) {
                sb.append(String.format("%d: pong from %s via %s in %.2f ms%n", x.seq(), who, via, x.rttMs()));
            } else {
                sb.append(String.format("%d: %s reachable via relay (coordinator round trip %s); %s%n", x.seq(), who,
                        x.coordinatorRttMs() != null ? String.format("%.2f ms", x.coordinatorRttMs()) : "unknown",
                        x.note()));
            }
        }
        return sb.toString();
    }

    /** {@code bob (ab12cd34ef56)}, or the short key alone when the name is unknown. */
    static String who(String name, String pubkey) {
        return name != null ? name + " (" + shortKey(pubkey) + ")" : shortKey(pubkey);
    }

    /** {@code accepted (pending) ...}, {@code accepted (in flight) ...} or {@code already sent ...}. */
    static String sendReceipt(SendReply r) {
        String status = r.status();
        String head = switch (status) {
            case "accepted_pending" -> r.duplicate() ? "already accepted (pending)" : "accepted (pending)";
            case "accepted_inflight" -> "already accepted (in flight)";
            case "done" -> "already sent";
            default -> status;
        };
        List<SendRecipient> rec = r.recipients();
        String to = rec.size() == 1 ? who(rec.get(0).name(), rec.get(0).pubkey()) : rec.size() + " members";
        StringBuilder sb = new StringBuilder();
        sb.append(head).append(": to ").append(to).append(", id ").append(r.clientMessageId());
        if (r.messageId() != null) sb.append(", message ").append(r.messageId());
        sb.append('\n');
        if ("accepted_pending".equals(status)) {
            sb.append("  queued in the outbox; 'meshwire msg status ").append(r.clientMessageId())
                    .append("' shows its delivery\n");
        }
        return sb.toString();
    }

    static String messageStatus(OutboxRow m) {
        StringBuilder sb = new StringBuilder();
        sb.append("message ").append(m.clientMessageId()).append(" in ").append(m.mesh())
                .append(": ").append(m.state()).append(", ").append(m.attempts()).append(" attempt(s)\n");
        sb.append("  to: ").append(isGroup(m) ? "everyone (*)"
                : shortKey(m.destination().ref())).append(", priority ").append(m.priority()).append('\n');
        sb.append("  accepted: ").append(time(m.createdAt()));
        if (m.doneAt() != null) sb.append(", done: ").append(time(m.doneAt()));
        if (m.nextAttemptAt() != null) sb.append(", next attempt: ").append(time(m.nextAttemptAt()));
        sb.append('\n');
        if (m.lastError() != null) sb.append("  last error: ").append(m.lastError()).append('\n');
        if (m.supersededBy() != null) sb.append("  requeued as: ").append(m.supersededBy()).append('\n');
        if (m.requeuedFrom() != null) sb.append("  requeue of: ").append(m.requeuedFrom()).append('\n');
        for (OutboxCopy c : m.recipients()) {
            sb.append("  - ").append(who(c.name(), c.pubkey())).append(": ").append(c.state());
            if (c.messageId() != null) sb.append(", message ").append(c.messageId());
            if (c.ackStatus() != null) sb.append(" (").append(c.ackStatus()).append(')');
            if (c.lastError() != null && !"done".equals(c.state())) sb.append(", ").append(c.lastError());
            sb.append('\n');
        }
        return sb.toString();
    }

    private static boolean isGroup(OutboxRow m) {
        return m.destination() != null && "group".equals(m.destination().kind());
    }

    static String outbox(OutboxReply r) {
        StringBuilder sb = new StringBuilder();
        sb.append("outbox: ");
        List<String> parts = new ArrayList<>();
        r.counts().forEach((state, n) -> parts.add(n + " " + state));
        sb.append(String.join(", ", parts)).append('\n');
        if (r.items().isEmpty()) sb.append("  (nothing to show)\n");
        for (OutboxRow m : r.items()) {
            sb.append(String.format("  %-36s %-8s %-19s %2d  %s%s%n", m.clientMessageId(), m.state(),
                    time(m.createdAt()), m.attempts(),
                    isGroup(m) ? "to everyone"
                            : "to " + (m.recipients().size() == 1 ? who(m.recipients().get(0).name(), m.recipients().get(0).pubkey())
                            : shortKey(m.destination().ref())),
                    m.lastError() != null && !"done".equals(m.state()) ? " - " + m.lastError() : ""));
        }
        return sb.toString();
    }

    static String inbox(List<InboxItem> messages) {
        if (messages.isEmpty()) return "inbox is empty\n";
        StringBuilder sb = new StringBuilder();
        for (InboxItem m : messages) sb.append(message(m)).append('\n');
        return sb.toString();
    }

    static String message(InboxItem m) {
        String prio = m.priority();
        return "[" + time(m.receivedAt()) + "] " + m.mesh() + " " + m.from().name()
                + " (" + shortKey(m.from().pubkey()) + ")"
                + ("group".equals(m.channel()) ? " to everyone" : "")
                + ("next".equals(prio) ? "" : " [" + prio + "]") + ": " + m.text();
    }

    static String event(IpcClient.SseEvent ev) {
        EventData data;
        try {
            Class<? extends EventData> type = EventData.type(ev.event());
            if (type == null) return ev.event() + " " + ev.data();
            data = Json.MAPPER.readValue(ev.data(), type);
        } catch (JsonProcessingException e) {
            return ev.event() + " " + ev.data();
        }
        if (data instanceof InboxItem m) return message(m);
        if (data instanceof PeerJoinedEvent d) return "* " + d.name() + " (" + shortKey(d.pubkey()) + ") came online in " + d.mesh();
        if (data instanceof PeerLeftEvent d) return "* " + d.name() + " left " + d.mesh() + (d.reason() != null ? " (" + d.reason() + ")" : "");
        if (data instanceof MeshStateEvent d) {
            return "* mesh " + d.mesh() + ": v" + d.version() + " " + d.kind()
                    + (d.subject() != null ? " " + (d.subjectName() != null ? d.subjectName() : shortKey(d.subject())) : "")
                    + " by " + (d.actorName() != null ? d.actorName() : shortKey(d.actor()));
        }
        if (data instanceof MemberRemovedEvent d) {
            return "* " + (d.name() != null ? d.name() : "?") + " (" + shortKey(d.pubkey())
                    + ") is no longer a member of " + d.mesh() + ": " + d.status()
                    + (d.reason() != null ? " (" + d.reason() + ")" : "");
        }
        LinkEvent d = (LinkEvent) data;
        return "* mesh " + d.mesh() + ": " + d.state() + (d.detail() != null ? " (" + d.detail() + ")" : "");
    }

    static String eventJson(IpcClient.SseEvent ev) {
        try {
            return Json.MAPPER.writeValueAsString(java.util.Map.of("event", ev.event(), "data", Json.MAPPER.readTree(ev.data())));
        } catch (JsonProcessingException e) {
            return "{\"event\":\"" + ev.event() + "\"}";
        }
    }
}
