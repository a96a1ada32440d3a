package dev.meshwire.peer.held;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorError;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.api.SessionSendItem;
import dev.meshwire.peer.meshstate.PeerLookup;
import dev.meshwire.peer.outbox.DurableOutbox;
import dev.meshwire.peer.outbox.OutboxStore;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A synchronous send as a held key (a session or a delegated service): resolved by the member's roster, sealed and
 * signed with the key, committed copy by copy to the coordinator's queue over the key's own link. Not kept in the
 * daemon's outbox: the caller retries with the same {@code clientMessageId} when the link is down.
 */
public final class HeldSend {
    /** The most plaintext one held-key send takes (the relay is its only path; frames ≤ 256 KiB). */
    public static final int MAX_SEND_BYTES = 128 * 1024;

    /** What a send did: the message id used, {@code dm} or {@code group}, and one item per committed copy. */
    public record Sent(String clientMessageId, String channel, List<SessionSendItem> items) {}

    /**
     * What was asked. {@code to}: a name, key, key prefix, {@code <member>/<label>} or {@code *}; {@code priority}
     * a wire name or null ({@code next}); {@code clientMessageId} null for a fresh one; {@code replyToId} the message
     * this replies to, or null.
     */
    public record Request(String to, String message, String priority, String clientMessageId, String replyToId) {}

    private HeldSend() {}

    /**
     * Sends {@code req} as {@code as} (whose key acts for {@code parent}, a member key): {@code *} is every
     * recipient of {@link dev.meshwire.peer.meshstate.MeshRoster#everyone} but the held key itself, plus its
     * parent; a single recipient is refused when it is the held key or a service whose scopes do not let it
     * receive a dm ({@code scope_refused}). {@code who} names the key in refusals ("session 0123…", "service 'hook'");
     * {@code forbiddenCode} is the code a coordinator {@code forbidden} becomes (a session's missing cap is the
     * coordinator's refusal; a service's missing scope is {@code scope_refused}).
     */
    public static Sent send(MeshSession as, String parent, String who, Request req, String forbiddenCode) {
        if (req.to() == null || req.to().isBlank()) throw bad("field 'to' is required");
        if (req.message() == null) throw bad("field 'message' is required");
        byte[] plain = req.message().getBytes(StandardCharsets.UTF_8);
        if (plain.length > MAX_SEND_BYTES) {
            throw new PeerException(PeerException.MESSAGE_TOO_LARGE, "a " + who.split(" ")[0] + " sends at most " + MAX_SEND_BYTES
                    + " bytes per message (got " + plain.length + ")");
        }
        Priority priority;
        try {
            priority = req.priority() == null ? Priority.NEXT : Priority.fromWire(req.priority());
        } catch (IllegalArgumentException e) {
            throw bad("field 'priority' " + e.getMessage().substring("priority ".length()));
        }
        String cmid = req.clientMessageId() == null ? UUID.randomUUID().toString() : req.clientMessageId();
        String self = as.selfPubkey();
        String groupTarget = DurableOutbox.groupTarget(req.to());
        boolean fanOut = "*".equals(groupTarget);
        List<Frames.PeerInfo> recipients;
        if (groupTarget != null && !fanOut) {
            // @name: the group's active members (its member included when in the group: someone else to this key)
            recipients = as.roster().groupRecipients(dev.meshwire.signaling.group.GroupName.fromAddress(groupTarget), self);
        } else if (fanOut) {
            recipients = new ArrayList<>(as.roster().everyone().stream().filter(p -> !p.pubkey().equals(self)).toList());
            Frames.PeerInfo member = as.roster().peer(parent);
            if (member != null) recipients.add(member);
        } else {
            Frames.PeerInfo p = as.roster().resolve(req.to(), PeerLookup.SEND_AS_SESSION);
            if (p.pubkey().equals(self)) throw new PeerException(PeerException.SELF_SEND, "refusing to send to this " + who + " itself");
            String scope = as.roster().receiveRefusal(p.pubkey(), Channel.DM);
            if (scope != null) throw new PeerException(PeerException.SCOPE_REFUSED, scope);
            recipients = List.of(p);
        }
        // @name words mention members here too (docs/protocol.md §12.6).
        List<OutboxStore.NewCopy> copies = DurableOutbox.seal(as, recipients, groupTarget, cmid, priority, req.replyToId(),
                dev.meshwire.peer.mention.Mentions.withTextMentions(null, req.message(), as.roster()), plain, System.currentTimeMillis());
        List<SessionSendItem> items = new ArrayList<>();
        for (OutboxStore.NewCopy copy : copies) items.add(commit(as, who, copy, forbiddenCode));
        return new Sent(cmid, groupTarget != null ? Channel.GROUP.wireName() : Channel.DM.wireName(), items);
    }

    private static SessionSendItem commit(MeshSession as, String who, OutboxStore.NewCopy copy, String forbiddenCode) {
        Envelope env;
        try {
            env = Json.MAPPER.readValue(copy.envelopeJson(), Envelope.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String id = as.link().nextId();
        Frames.Ack ack;
        try {
            ack = (Frames.Ack) as.link().request(id, new Frames.Send(id, copy.recipientPubkey(), env)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CoordinatorError ce) {
                throw new PeerException("forbidden".equals(ce.code()) ? forbiddenCode : PeerException.COORDINATOR_REFUSED, "the coordinator refused the " + who + "'s send: " + ce.code() + ": "
                        + ce.getMessage());
            }
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, who + " is not connected (" + as.link().describeState()
                    + "); retry with the same clientMessageId");
        } catch (TimeoutException e) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "the coordinator did not answer in time; retry with the same clientMessageId");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.INTERNAL, "interrupted");
        }
        return new SessionSendItem(copy.recipientName(), copy.recipientPubkey(), ack.messageId(), ack.status());
    }

    private static PeerException bad(String msg) {
        return new PeerException(PeerException.BAD_REQUEST, msg);
    }
}
