package dev.meshwire.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.api.DaemonStatus;
import dev.meshwire.peer.ipc.api.DeliveredEvent;
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
import dev.meshwire.peer.ipc.api.RefusalCounters;
import dev.meshwire.peer.ipc.api.SendRecipient;
import dev.meshwire.peer.ipc.api.SendReply;
import dev.meshwire.peer.ipc.api.StatusReply;
import dev.meshwire.peer.meshstate.Member;
import dev.meshwire.cli.term.HumanTime;
import dev.meshwire.cli.term.IsoTimes;
import dev.meshwire.cli.term.PathLabel;
import dev.meshwire.cli.term.Style;
import dev.meshwire.cli.term.Table;
import dev.meshwire.signaling.Json;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Human and JSON rendering of IPC answers (records of dev.meshwire.peer.ipc.api). JSON output is the IPC JSON (stable)
 * with ISO 8601 companions of its times. Text output is for people: tables with headers ({@link Table}), times relative to now ({@link HumanTime}),
 * the one path vocabulary ({@link PathLabel}), and colour only when the {@link Style} has it.
 */
final class Render {
    // Zoned per call (CallZone): a forwarded call prints times in the caller's zone, not the daemon's.
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Pattern DURATION = Pattern.compile("^(\\d+)([smhd])$");

    private Render() {}

    /**
     * The stable {@code --json} form of a reply record: pretty-printed, absent fields omitted, and an ISO 8601
     * {@code xxxAtIso} next to each epoch-ms {@code xxxAt} ({@link IsoTimes}).
     */
    static String json(Object value) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(IsoTimes.add(Json.MAPPER.valueToTree(value)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String shortKey(String pubkey) {
        return pubkey == null || pubkey.length() < 12 ? String.valueOf(pubkey) : pubkey.substring(0, 12);
    }

    static String time(Long ms) {
        return ms == null ? "-" : TIME.withZone(CallZone.get()).format(Instant.ofEpochMilli(ms));
    }

    /** "2 min ago" (a date beyond two days), or {@code -}. */
    static String ago(Long ms) {
        return ms == null ? "-" : HumanTime.ago(ms, System.currentTimeMillis(), CallZone.get());
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

    static String status(StatusReply st, Style style) {
        StringBuilder sb = new StringBuilder();
        DaemonStatus d = st.daemon();
        if (!Boolean.TRUE.equals(d.running())) {
            sb.append("daemon: ").append(style.yellow("not running")).append('\n');
        } else {
            sb.append("daemon: ").append(style.green("running")).append(", pid ").append(d.pid()).append(", up ")
                    .append(HumanTime.span(d.uptimeMs() == null ? 0 : d.uptimeMs())).append(", ipc 127.0.0.1:").append(d.ipcPort())
                    .append(", home ").append(d.home()).append('\n');
        }
        if (st.meshes().isEmpty()) sb.append("meshes: none joined\n");
        for (MeshInfo m : st.meshes()) {
            sb.append("mesh ").append(style.bold(m.name())).append(" @ ").append(m.coordinator()).append('\n');
            sb.append("  state: ").append(m.state() != null ? linkState(m.state(), style) : "(daemon not running)");
            if (m.onlinePeers() != null) sb.append(", ").append(m.onlinePeers()).append(" peer(s) online");
            sb.append('\n');
            sb.append("  you: ").append(m.displayName()).append(" (").append(m.role())
                    .append(", ").append(shortKey(m.pubkey())).append(")\n");
            if (m.unread() != null) sb.append("  unread ").append(m.unread()).append(", pending ").append(m.pending()).append('\n');
            if (m.stateVersion() != null) {
                RefusalCounters rf = m.refused() != null ? m.refused() : new RefusalCounters(0, 0, 0, 0);
                sb.append("  mesh state: v").append(m.stateVersion())
                        .append(Boolean.TRUE.equals(m.stateVerified()) ? ", verified" : ", not verified (waiting for the coordinator)")
                        .append("; refused relay ").append(rf.relay()).append(", direct ").append(rf.direct())
                        .append(", signaling ").append(rf.signaling())
                        .append(rf.grants() > 0 ? ", by your grants " + rf.grants() : "").append('\n');
            }
            if (m.lastError() != null) sb.append("  last error: ").append(style.red(m.lastError())).append('\n');
        }
        return sb.toString();
    }

    /** A coordinator link state (LinkState): connected green, on its way yellow, refused (kicked, banned, revoked...) red. */
    static String linkState(String state, Style style) {
        return switch (state) {
            case "connected" -> style.green(state);
            case "connecting", "reconnecting", "closed" -> style.yellow(state);
            default -> style.red(state);
        };
    }

    /** {@code meshwire members}: a table of every key, self first. */
    static String members(MembersReply r, Style style) {
        StringBuilder sb = new StringBuilder();
        sb.append("mesh ").append(style.bold(r.mesh())).append(", state v").append(r.stateVersion())
                .append(r.stateVerified() ? " (verified)" : " (not verified yet: last known state)").append('\n');
        Table t = new Table("  ", "NAME", "KEY", "ROLE", "STATUS", "PRESENCE");
        for (Member m : r.items()) {
            String status = m.status();
            StringBuilder note = new StringBuilder();
            if ("active".equals(status)) {
                if (m.self()) note.append("(you)");
                else if (m.online()) note.append(style.green("online")).append(m.connectedSince() != null ? " since " + ago(m.connectedSince()) : "");
                else note.append(style.dim("offline" + (m.lastSeen() != null ? ", last seen " + ago(m.lastSeen()) : "")));
                if (m.expiresAt() != null) note.append(", expires ").append(ago(m.expiresAt()));
            } else {
                note.append(m.since() != null ? "since " + ago(m.since()) : "");
                if (m.reason() != null) note.append(note.length() > 0 ? ": " : "").append(m.reason());
            }
            t.row(m.name(), shortKey(m.pubkey()), m.role(), "active".equals(status) ? status : style.red(status), note.toString());
        }
        return sb.append(t.render(style)).toString();
    }

    /** {@code meshwire mesh log}: a table of the verified events, oldest first. */
    static String meshLog(MeshLogReply r, Style style) {
        StringBuilder sb = new StringBuilder();
        sb.append("mesh ").append(style.bold(r.mesh())).append(", state v").append(r.stateVersion())
                .append(r.stateVerified() ? " (verified)" : " (not verified yet)")
                .append(", authority ").append(shortKey(r.authority())).append('\n');
        if (r.items().isEmpty()) return sb.append("  (no verified events yet)\n").toString();
        Table t = new Table("  ", "VERSION", "TIME", "EVENT", "BY", "SUBJECT", "DETAILS", "HASH");
        for (LogEntry e : r.items()) {
            String actor = e.actorName() != null ? e.actorName() : shortKey(e.actor());
            String subject = e.subject() == null ? null
                    : e.subjectName() != null ? e.subjectName() + " (" + shortKey(e.subject()) + ")" : shortKey(e.subject());
            JsonNode d = e.data() == null ? Json.MAPPER.createObjectNode() : e.data();
            List<String> extra = new ArrayList<>();
            for (String f : new String[] {"role", "name", "reason"}) {
                if (d.hasNonNull(f) && !("name".equals(f) && !"member_renamed".equals(e.kind()))) extra.add(f + "=" + d.get(f).asText());
            }
            if (d.has("expiresAt")) extra.add("expires=" + (d.hasNonNull("expiresAt") ? time(millis(d.get("expiresAt"))) : "never"));
            if ("grant_set".equals(e.kind())) {
                String to = "*".equals(d.path("sender").asText()) ? "everyone else " : "";
                extra.add(to + (!d.has("caps") ? "grants reset" : d.path("caps").asText().isEmpty() ? "blocked" : "caps=" + d.path("caps").asText()));
            }
            if (e.kind().startsWith("group_")) { // docs/protocol.md §12.1
                extra.add(0, "@" + (d.hasNonNull("group") ? d.get("group").asText() : d.path("name").asText()));
                if ("group_member_set".equals(e.kind()) && !d.hasNonNull("role")) extra.add("removed");
            }
            if ("service_registered".equals(e.kind())) {
                extra.add("service=" + d.path("serviceId").asText() + " type=" + d.path("type").asText() + " scopes=" + d.path("scopes").asText());
            }
            String hash = e.hash() == null ? "" : e.hash();
            t.row("v" + e.version(), time(e.at()), e.kind(), actor, subject, extra.isEmpty() ? null : String.join(" ", extra),
                    style.dim(hash.substring(0, Math.min(12, hash.length()))));
        }
        return sb.append(t.render(style)).toString();
    }

    /** {@code direct host, rtt 0.41 ms, since 2 min ago} or {@code coordinator relay (direct: connecting)}. */
    static String path(PeerItem p, Style style) {
        StringBuilder sb = new StringBuilder(PathLabel.styled(p.path(), style));
        String state = p.pathState() == null ? "none" : p.pathState();
        if (!"open".equals(state) && !"none".equals(state)) sb.append(" (direct: ").append(state).append(')');
        if (p.rttMs() != null) sb.append(String.format(java.util.Locale.ROOT, ", rtt %.2f ms", p.rttMs()));
        if (p.pathSince() != null) sb.append(", since ").append(ago(p.pathSince()));
        return sb.toString();
    }

    /** {@code bob (ab12cd34ef56)}, or the short key alone when the name is unknown. */
    static String who(String name, String pubkey) {
        return name != null ? name + " (" + shortKey(pubkey) + ")" : shortKey(pubkey);
    }

    /** {@code accepted (pending) ...}, {@code accepted (in flight) ...} or {@code already sent ...}. */
    /** A session's send: each copy was committed by the coordinator (or was already: {@code duplicate}). */
    static String sessionSendReceipt(dev.meshwire.peer.ipc.api.SessionSendReply r) {
        List<dev.meshwire.peer.ipc.api.SessionSendItem> items = r.items();
        boolean dup = !items.isEmpty() && items.stream().allMatch(i -> "duplicate".equals(i.status()));
        String to = items.size() == 1 ? who(items.get(0).name(), items.get(0).pubkey()) : items.size() + " recipients";
        StringBuilder sb = new StringBuilder(dup ? "already accepted" : "accepted").append(" by the coordinator, as session ")
                .append(shortKey(r.session())).append(": to ").append(to).append(", id ").append(r.clientMessageId());
        if (items.size() == 1 && items.get(0).messageId() != null) sb.append(", message ").append(items.get(0).messageId());
        return sb.append('\n').toString();
    }

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

    /**
     * {@code msg status}: says plainly what "done" means. {@code delivered}: the recipient's daemon stored it (its
     * direct-channel ack, or the coordinator's receipt of its ack); {@code accepted}: the coordinator stored it and
     * the recipient has not acknowledged it yet (queued while it is offline).
     */
    static String messageStatus(OutboxRow m, Style style) {
        StringBuilder sb = new StringBuilder();
        String delivery = m.delivery() != null ? m.delivery() : m.state();
        sb.append("message ").append(m.clientMessageId()).append(" in ").append(m.mesh())
                .append(": ").append(outboxState(delivery, style)).append(" - ").append(meaning(delivery, m.recipients().size() > 1))
                .append(", ").append(m.attempts()).append(" attempt(s)\n");
        sb.append("  to: ").append(isGroup(m) ? "everyone (*)"
                : shortKey(m.destination().ref())).append(", priority ").append(m.priority()).append('\n');
        sb.append("  accepted here: ").append(ago(m.createdAt()));
        if (m.doneAt() != null) sb.append(", sent: ").append(ago(m.doneAt()));
        if (m.deliveredAt() != null) sb.append(", delivered: ").append(ago(m.deliveredAt()));
        if (m.nextAttemptAt() != null) sb.append(", next attempt: ").append(ago(m.nextAttemptAt()));
        sb.append('\n');
        if (m.lastError() != null) sb.append("  last error: ").append(m.lastError()).append('\n');
        if (m.supersededBy() != null) sb.append("  requeued as: ").append(m.supersededBy()).append('\n');
        if (m.requeuedFrom() != null) sb.append("  requeue of: ").append(m.requeuedFrom()).append('\n');
        for (OutboxCopy c : m.recipients()) {
            String d = c.delivery() != null ? c.delivery() : c.state();
            sb.append("  - ").append(who(c.name(), c.pubkey())).append(": ").append(outboxState(d, style));
            if ("delivered".equals(d) && c.deliveredAt() != null) sb.append(" ").append(ago(c.deliveredAt()));
            if ("accepted".equals(d)) sb.append(" by the coordinator, no receipt from the recipient yet");
            if (c.nextAttemptAt() != null && !"done".equals(c.state())) sb.append(", next attempt ").append(ago(c.nextAttemptAt()));
            if (c.messageId() != null) sb.append(", message ").append(c.messageId());
            if (c.lastError() != null && !"done".equals(c.state())) sb.append(", ").append(c.lastError());
            sb.append('\n');
        }
        return sb.toString();
    }

    /** One plain sentence per delivery word (docs/delivery.md §10). */
    static String meaning(String delivery, boolean several) {
        String them = several ? "every recipient's daemon" : "the recipient's daemon";
        return switch (delivery) {
            case "delivered" -> them + " stored it (acknowledged)";
            case "accepted" -> "the coordinator stored it; " + (several ? "not every recipient has" : "the recipient has not")
                    + " acknowledged it yet (queued while offline)";
            case "pending" -> "in this daemon's outbox, waiting to be sent";
            case "inflight" -> "handed to the network, waiting for its answer";
            case "dead" -> "refused; it will not be retried (see 'meshwire outbox requeue')";
            case "aborted" -> "aborted (requeued under another id or given up)";
            default -> delivery;
        };
    }

    /** A delivery word or outbox state: delivered and done green, dead or aborted red, the rest as is. */
    static String outboxState(String state, Style style) {
        return switch (state == null ? "" : state) {
            case "delivered", "done" -> style.green(state);
            case "dead", "aborted" -> style.red(state);
            default -> state;
        };
    }

    private static boolean isGroup(OutboxRow m) {
        return m.destination() != null && "group".equals(m.destination().kind());
    }

    /** {@code meshwire outbox}: the counts, then a table of the messages, newest first. */
    static String outbox(OutboxReply r, Style style) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.mesh() != null ? "outbox (mesh " + r.mesh() + "): " : "outbox: ");
        List<String> parts = new ArrayList<>();
        r.counts().forEach((state, n) -> parts.add(n + " " + state));
        sb.append(String.join(", ", parts)).append('\n');
        if (r.items().isEmpty()) return sb.append("  (nothing to show)\n").toString();
        Table t = new Table("  ", "ID", "STATE", "ACCEPTED", "TRIES", "TO", "LAST ERROR");
        for (OutboxRow m : r.items()) {
            String to = isGroup(m) ? "everyone"
                    : m.recipients().size() == 1 ? who(m.recipients().get(0).name(), m.recipients().get(0).pubkey())
                    : shortKey(m.destination().ref());
            t.row(m.clientMessageId(), outboxState(m.delivery() != null ? m.delivery() : m.state(), style), ago(m.createdAt()),
                    Integer.toString(m.attempts()), to, m.lastError() != null && !"done".equals(m.state()) ? m.lastError() : null);
        }
        return sb.append(t.render(style)).toString();
    }

    static String inbox(List<InboxItem> messages, Style style) {
        if (messages.isEmpty()) return "inbox is empty\n";
        StringBuilder sb = new StringBuilder();
        for (InboxItem m : messages) sb.append(message(m, "[" + ago(m.receivedAt()) + "]", style)).append('\n');
        return sb.toString();
    }

    /** {@code inbox --system}: one line per system entry, oldest first. */
    static String systemInbox(List<InboxItem> entries, Style style) {
        if (entries.isEmpty()) return "no system events\n";
        StringBuilder sb = new StringBuilder();
        for (InboxItem m : entries) sb.append(message(m, "[" + ago(m.receivedAt()) + "]", style)).append('\n');
        return sb.toString();
    }

    /**
     * One received message: {@code [2 min ago] team bob (3f9a0c21d4e8) via direct host ↪ reply to c-17 [mentions you]: text}
     * ({@code when} is how the caller dates it: relative in the inbox, the time of day in {@code watch}); {@code @name}
     * words of a message with mentions are highlighted. A system entry: {@code [2 min ago] [system] team v7: bob joined}.
     */
    static String message(InboxItem m, String when, Style style) {
        if (m.system()) {
            return style.dim(when) + " " + style.cyan("[system]") + " " + m.mesh()
                    + (m.eventVersion() != null ? " v" + m.eventVersion() : "") + ": " + m.text();
        }
        String prio = m.priority();
        return style.dim(when) + " " + m.mesh() + " " + style.bold(m.from().name())
                + " (" + shortKey(m.from().pubkey()) + ")"
                + ("group".equals(m.channel()) ? (m.target() != null && m.target().startsWith("@") && !"@all".equals(m.target())
                        ? " → " + m.target() : " to everyone") : "")
                + ("topic".equals(m.channel()) && m.target() != null ? " in " + m.target() : "")
                + ("next".equals(prio) ? "" : " [" + prio + "]")
                + " via " + PathLabel.styled(m.path(), style)
                + (m.replyToId() != null ? " \u21aa reply to " + m.replyToId() : "")
                + (Boolean.TRUE.equals(m.mentionsMe()) ? " " + style.yellow("[mentions you]") : "")
                + ": " + (m.mentions() != null && !m.mentions().isEmpty() ? highlightMentions(m.text(), style) : m.text());
    }

    private static final Pattern MENTION = Pattern.compile("(?<![A-Za-z0-9._@-])@[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

    /** The text with its {@code @name} words coloured (unchanged without colour). */
    static String highlightMentions(String text, Style style) {
        Matcher mm = MENTION.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (mm.find()) mm.appendReplacement(sb, Matcher.quoteReplacement(style.cyan(mm.group())));
        mm.appendTail(sb);
        return sb.toString();
    }

    /** {@link #message(InboxItem, String, Style)} dated by its time of day, as a stream shows it. */
    static String message(InboxItem m, Style style) {
        return message(m, "[" + clock(m.receivedAt()) + "]", style);
    }

    private static String clock(long ms) {
        return CLOCK.withZone(CallZone.get()).format(Instant.ofEpochMilli(ms));
    }

    static String event(IpcClient.SseEvent ev, Style style) {
        EventData data;
        try {
            Class<? extends EventData> type = EventData.type(ev.event());
            if (type == null) return ev.event() + " " + ev.data();
            data = Json.MAPPER.readValue(ev.data(), type);
        } catch (JsonProcessingException e) {
            return ev.event() + " " + ev.data();
        }
        if (data instanceof InboxItem m) return message(m, style);
        if (data instanceof PeerJoinedEvent d) return "* " + d.name() + " (" + shortKey(d.pubkey()) + ") came online in " + d.mesh();
        if (data instanceof PeerLeftEvent d) return "* " + d.name() + " left " + d.mesh() + (d.reason() != null ? " (" + d.reason() + ")" : "");
        if (data instanceof MeshStateEvent d) {
            return "* mesh " + d.mesh() + ": v" + d.version() + " " + d.kind()
                    + (d.subject() != null ? " " + (d.subjectName() != null ? d.subjectName() : shortKey(d.subject())) : "")
                    + " by " + (d.actorName() != null ? d.actorName() : shortKey(d.actor()));
        }
        if (data instanceof DeliveredEvent d) {
            return "* delivered to " + (d.name() != null ? d.name() : shortKey(d.pubkey())) + " via " + d.path() + ": " + d.clientMessageId();
        }
        if (data instanceof MemberRemovedEvent d) {
            return "* " + (d.name() != null ? d.name() : "?") + " (" + shortKey(d.pubkey())
                    + ") is no longer a member of " + d.mesh() + ": " + d.status()
                    + (d.reason() != null ? " (" + d.reason() + ")" : "");
        }
        if (data instanceof dev.meshwire.peer.ipc.api.FileItem f) return fileEvent(f);
        LinkEvent d = (LinkEvent) data;
        return "* mesh " + d.mesh() + ": " + linkState(d.state(), style) + (d.detail() != null ? " (" + d.detail() + ")" : "");
    }

    /** A file transfer's state change as {@code watch} shows it: {@code * file disk.img (1.0 GiB) from alice: offered (...)}. */
    static String fileEvent(dev.meshwire.peer.ipc.api.FileItem f) {
        boolean out = "out".equals(f.direction());
        String head = "* file " + f.name() + " (" + FileProgress.bytes(f.size()) + ") " + (out ? "to " : "from ") + FileProgress.who(f) + ": ";
        return head + switch (f.state()) {
            case "offered" -> out ? "offered" : "offered to you (meshwire file receive " + f.id().substring(0, 12) + ")";
            case "done" -> out ? "delivered" : "saved as " + f.path();
            case "failed" -> "failed (" + f.error() + ")";
            default -> f.state() + (f.via() != null ? " via " + f.via() : "");
        };
    }

    static String eventJson(IpcClient.SseEvent ev) {
        try {
            return Json.MAPPER.writeValueAsString(java.util.Map.of("event", ev.event(), "data", IsoTimes.add(Json.MAPPER.readTree(ev.data()))));
        } catch (JsonProcessingException e) {
            return "{\"event\":\"" + ev.event() + "\"}";
        }
    }
}
