package dev.meshwire.peer.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.meshstate.PeerLookup;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.api.ErrorFields;
import dev.meshwire.peer.ipc.api.SendRecipient;
import dev.meshwire.peer.ipc.api.SendReply;
import dev.meshwire.peer.transport.RelayLimit;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.crypto.SenderKeyBody;
import dev.meshwire.signaling.group.GroupName;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.CanonicalJson;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.topic.TopicNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The durable outbox's accept side (docs/delivery.md §3). Validates, resolves the destination, seals
 * one copy per recipient with the mesh's {@code BoxCipher} and signs each Envelope v2 once, computes
 * the request fingerprint, then runs the accept transaction and applies the duplicate table. Nothing
 * goes on the wire here: {@link DrainWorker} is woken and forwards the stored envelopes unchanged (the objects built
 * here are handed over in {@code sealed}, so that their first send does not parse the stored text back).
 */
public final class DurableOutbox implements Outbox {
    /** Default plaintext limit (env {@code MESHWIRE_MAX_MESSAGE_BYTES}). Larger than the relay carries: see {@link RelayLimit}. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    /**
     * The highest configurable limit: the shared Jackson setup reads strings of at most 16 Mi chars,
     * and the envelope's base64 ciphertext (4/3 of the plaintext + 16) must stay below that.
     */
    public static final int HARD_MAX_MESSAGE_BYTES = 12 * 1024 * 1024 - 1024;
    public static final int MAX_ID_LENGTH = 128;
    private static final int MAX_META_BYTES = 4096;

    private final Function<String, MeshSession> meshSelector;
    private final OutboxStore store;
    private final Runnable wake;
    private final LongSupplier clock;
    private final int maxMessageBytes;
    private final DirectReach directReach;
    private final SealedEnvelopes sealed;
    private volatile TopicSealer topics = TopicSealer.NONE;

    public DurableOutbox(Function<String, MeshSession> meshSelector, OutboxStore store, Runnable wake, LongSupplier clock,
                         int maxMessageBytes, DirectReach directReach, SealedEnvelopes sealed) {
        if (maxMessageBytes < 1 || maxMessageBytes > HARD_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("max message bytes must be 1.." + HARD_MAX_MESSAGE_BYTES + " (got " + maxMessageBytes + ")");
        }
        this.meshSelector = meshSelector;
        this.store = store;
        this.wake = wake;
        this.clock = clock;
        this.maxMessageBytes = maxMessageBytes;
        this.directReach = directReach;
        this.sealed = sealed;
    }

    /** Who seals {@code #topic} sends (the topic capability; set once at boot). */
    public void topics(TopicSealer sealer) {
        this.topics = sealer;
    }

    /** A validated, sealed and signed send, ready for the accept transaction; {@code fingerprint} for the duplicate table. */
    private record Prepared(OutboxStore.NewRequest request, String fingerprint, long now) {}

    @Override
    public Accepted accept(SendRequest req) {
        Prepared p = prepare(req);
        // 4. BEGIN IMMEDIATE; lookup; insert if free; COMMIT — then the duplicate table
        OutboxStore.Accepted a = store.accept(p.request(), p.now());
        if (a.inserted()) {
            sealed.remember(a.row().id(), p.request());
            wake.run();
        }
        return answer(a, p);
    }

    /**
     * Many sends: each validated, sealed and signed as {@link #accept} does (a refusal is that send's outcome and
     * consumes nothing), then all that passed go into the outbox through one group commit (in order; a later send
     * with an earlier one's id is its duplicate), and each gets the answer {@link #accept} would have given.
     */
    @Override
    public List<Outcome> acceptAll(List<SendRequest> requests) {
        List<Outcome> out = new ArrayList<>(requests.size());
        List<Prepared> ready = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        for (SendRequest r : requests) {
            try {
                ready.add(prepare(r));
                where.add(out.size());
                out.add(null);
            } catch (PeerException e) {
                out.add(new Outcome(null, e));
            }
        }
        if (ready.isEmpty()) return out;
        List<OutboxStore.Accepted> stored = store.accept(ready.stream().map(Prepared::request).toList(), clock.getAsLong());
        boolean any = false;
        for (int i = 0; i < ready.size(); i++) {
            OutboxStore.Accepted a = stored.get(i);
            any |= a.inserted();
            if (a.inserted()) sealed.remember(a.row().id(), ready.get(i).request());
            try {
                out.set(where.get(i), new Outcome(answer(a, ready.get(i)), null));
            } catch (PeerException e) {
                out.set(where.get(i), new Outcome(null, e));
            }
        }
        if (any) wake.run();
        return out;
    }

    private static Accepted answer(OutboxStore.Accepted a, Prepared p) {
        if (a.inserted()) return new Accepted(202, body(a.row(), "accepted_pending", false));
        return duplicate(a.row(), Fingerprint.same(a.row().fingerprint(), p.fingerprint()));
    }

    /** Steps 1–3 of the accept algorithm (docs/delivery.md §3): nothing is stored here. */
    private Prepared prepare(SendRequest req) {
        // 1. validation: a refusal here consumes nothing (no row, the id stays free)
        if (req.text() == null) throw badField("message", "is required");
        byte[] plain = req.text().getBytes(StandardCharsets.UTF_8);
        if (plain.length > maxMessageBytes) {
            throw new PeerException(PeerException.MESSAGE_TOO_LARGE, "message is " + plain.length
                    + " bytes; the limit is " + maxMessageBytes + " bytes (MESHWIRE_MAX_MESSAGE_BYTES)");
        }
        String cmid = req.clientMessageId();
        if (cmid == null) {
            cmid = UUID.randomUUID().toString();
        } else {
            checkClientId(cmid); // an empty id is refused, never silently replaced
        }
        if (req.replyToId() != null && (req.replyToId().isEmpty() || req.replyToId().length() > MAX_ID_LENGTH)) {
            throw badField("replyToId", "must be 1..128 characters");
        }
        JsonNode meta = checkMeta(req.meta(), clock.getAsLong());
        MeshSession mesh = meshSelector.apply(req.mesh());
        Priority priority = req.priority() == null ? Priority.NEXT : req.priority();
        if (req.to() != null && req.to().trim().startsWith(TopicNames.PREFIX)) {
            return acceptTopic(req, mesh, cmid, priority, meta, plain);
        }
        String groupTarget = groupTarget(req.to());
        boolean fanOut = "*".equals(groupTarget);
        List<Frames.PeerInfo> recipients;
        if (fanOut) recipients = everyone(mesh);
        else if (groupTarget != null) recipients = mesh.roster().groupRecipients(GroupName.fromAddress(groupTarget));
        else {
            dev.meshwire.peer.meshstate.MeshRoster.Address to = resolveOne(mesh, req.to());
            recipients = List.of(to.peer());
            // A sub-peer (lk:alice of a LiveKit side-car): a dm to the service that fronts it, naming it in meta.subpeer.
            if (to.subpeer() != null) meta = withSubpeer(meta, to.subpeer());
        }

        // 2. fingerprint over what the caller asked for (never over ciphertext)
        String kind = groupTarget != null ? "group" : "dm";
        String ref = groupTarget != null ? groupTarget : recipients.get(0).pubkey();
        String fp = Fingerprint.compute(kind, ref, req.replyToId(), priority.wireName(), meta, plain);
        // @name words of the text become meta.mentions (keys) unless the caller set mentions itself; after the
        // fingerprint, which covers what the caller asked for (a rename between two retries changes nothing there).
        meta = dev.meshwire.peer.mention.Mentions.withTextMentions(meta, req.text(), mesh.roster());
        String metaJson = meta == null ? null : CanonicalJson.write(meta);

        // 3. seal + sign once; the stored envelopes are what every retry resends byte-for-byte
        long now = clock.getAsLong();
        List<OutboxStore.NewCopy> copies = seal(mesh, recipients, groupTarget, cmid, priority, req.replyToId(), meta, plain, now);
        for (OutboxStore.NewCopy copy : copies) checkDeliverable(mesh, copy, fanOut, plain.length);
        OutboxStore.NewRequest n = new OutboxStore.NewRequest(cmid, mesh.config().meshId(), mesh.name(), kind, ref,
                groupTarget != null ? Channel.GROUP.wireName() : Channel.DM.wireName(), priority.wireName(), req.replyToId(), metaJson, fp,
                copies, null);
        return new Prepared(n, fp, now);
    }

    /**
     * {@code #topic}: one envelope under the topic key, sent once to {@code #topic} (the coordinator stores and fans it
     * out; docs/protocol.md §12.2). Same idempotency as any send: the fingerprint covers the request, not the ciphertext.
     */
    private Prepared acceptTopic(SendRequest req, MeshSession mesh, String cmid, Priority priority, JsonNode meta, byte[] plain) {
        String topic = TopicNames.parse(req.to());
        if (topic == null) throw badField("to", "is not a topic: " + TopicNames.check(req.to().trim().substring(1)));
        String ref = TopicNames.address(topic);
        String fp = Fingerprint.compute("topic", ref, req.replyToId(), priority.wireName(), meta, plain);
        String metaJson = meta == null ? null : CanonicalJson.write(meta);
        long now = clock.getAsLong();
        OutboxStore.NewCopy copy = topics.seal(mesh, topic, envelopeMeta(cmid, priority, req.replyToId(), meta, now), plain);
        long envBytes = copy.envelopeJson().getBytes(StandardCharsets.UTF_8).length;
        if (!RelayLimit.fits(mesh, envBytes)) {
            throw new PeerException(PeerException.TOO_LARGE_FOR_RELAY, "message is " + plain.length + " bytes (" + envBytes
                    + " as an envelope), more than the coordinator relay carries (frames ≤ " + RelayLimit.maxFrameBytes(mesh)
                    + " bytes); topic posts always go through the coordinator");
        }
        OutboxStore.NewRequest n = new OutboxStore.NewRequest(cmid, mesh.config().meshId(), mesh.name(), "topic", ref,
                Channel.TOPIC.wireName(), priority.wireName(), req.replyToId(), metaJson, fp, List.of(copy), null);
        return new Prepared(n, fp, now);
    }

    /** The envelope meta of a send: its id, priority, reply, mentions and expiry from the request's meta, and now. */
    static Meta envelopeMeta(String cmid, Priority priority, String replyToId, JsonNode meta, long now) {
        List<String> mentions = null;
        Long expiresAt = null;
        if (meta != null) {
            if (meta.has("mentions")) {
                mentions = new ArrayList<>();
                for (JsonNode x : meta.get("mentions")) mentions.add(x.asText());
            }
            if (meta.has("expiresAt")) expiresAt = meta.get("expiresAt").asLong();
        }
        return new Meta(cmid, null, priority, null, null, null, null, null, null, replyToId, mentions, expiresAt, now);
    }

    /**
     * A copy too big for the relay is direct-only (the drain never gives it to the relay); refuse it
     * now if no direct channel to its recipient is possible, rather than accept what can never arrive.
     */
    private void checkDeliverable(MeshSession mesh, OutboxStore.NewCopy copy, boolean fanOut, int plainBytes) {
        long envBytes = copy.envelopeJson().getBytes(StandardCharsets.UTF_8).length;
        if (RelayLimit.fits(mesh, envBytes)) return;
        String why = fanOut ? "'*' messages always go through the relay; send it to each member instead"
                : directReach.whyNot(mesh, copy.recipientPubkey());
        if (why == null) return;
        long limit = RelayLimit.maxFrameBytes(mesh);
        throw new PeerException(PeerException.TOO_LARGE_FOR_RELAY, "message is " + plainBytes + " bytes (" + envBytes
                + " as an envelope), more than the coordinator relay carries (frames ≤ " + limit
                + " bytes), so it can only go over a direct channel, and " + why, List.of(),
                ErrorFields.relayLimit(envBytes, limit));
    }

    /** The seed's duplicate lookup table over the existing row's state × fingerprint match. */
    static Accepted duplicate(OutboxStore.Request row, boolean same) {
        String st = row.state().wire();
        switch (row.state()) {
            case PENDING:
                if (same) return new Accepted(202, body(row, "accepted_pending", true));
                break;
            case INFLIGHT:
                if (same) return new Accepted(202, body(row, "accepted_inflight", true));
                break;
            case DONE:
                if (same) return new Accepted(200, body(row, "done", true));
                break;
            case DEAD:
            case ABORTED:
                throw conflict(row, "outbox_" + st + "_fingerprint_" + (same ? "match" : "mismatch"),
                        same ? "message '" + row.clientMessageId() + "' is " + st + (row.state() == OutboxStore.State.DEAD
                                ? " (" + row.lastError() + "); requeue it ('meshwire outbox requeue " + row.clientMessageId()
                                + "') or send with a new id" : (row.supersededBy() != null ? "; it was requeued as '"
                                + row.supersededBy() + "'" : "") + "; its id is retired, use a new one")
                                : "id '" + row.clientMessageId() + "' was already used for a different message (" + st + "); use a new id");
        }
        throw conflict(row, "outbox_" + st + "_fingerprint_mismatch",
                "id '" + row.clientMessageId() + "' was already used for a different message (" + st + "); use a new id");
    }

    private static PeerException conflict(OutboxStore.Request row, String code, String message) {
        return new PeerException(code, message, List.of(), ErrorFields.storedRow(Fingerprint.prefix(row.fingerprint()),
                row.state().wire(), row.messageId(), row.lastError(), row.supersededBy()));
    }

    /** The JSON of an accepted or duplicate send (docs/ipc.md). */
    public static SendReply body(OutboxStore.Request r, String status, boolean duplicate) {
        List<SendRecipient> rec = new ArrayList<>();
        for (OutboxStore.Copy c : r.copies()) rec.add(new SendRecipient(c.recipientName(), c.recipientPubkey(), c.state().wire(), c.messageId()));
        return new SendReply(r.meshName(), r.clientMessageId(), status, duplicate, r.channel(), r.priority(),
                Fingerprint.prefix(r.fingerprint()), r.messageId(), rec);
    }

    public static void checkClientId(String id) {
        checkClientId("clientMessageId", id);
    }

    /** The client message id rule (docs/delivery.md), naming the field the id came from. */
    public static void checkClientId(String field, String id) {
        if (id.length() > MAX_ID_LENGTH || id.contains("|") || id.isBlank() || !id.strip().equals(id)
                || id.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw badField(field, "must be 1..128 printable characters without '|' or surrounding spaces");
        }
    }

    /** 9999-12-31T23:59:59.999Z: the latest meta.expiresAt accepted. */
    static final long MAX_EXPIRES_AT = 253_402_300_799_999L;

    private static PeerException badField(String field, String rule) {
        return new PeerException(PeerException.BAD_REQUEST, "field '" + field + "' " + rule, List.of(), ErrorFields.field(field));
    }

    private static JsonNode checkMeta(JsonNode meta, long now) {
        if (meta == null || meta.isNull()) return null;
        if (!meta.isObject()) throw badField("meta", "must be a JSON object");
        if (meta.isEmpty()) return null;
        for (var it = meta.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            switch (k) {
                case "mentions" -> {
                    JsonNode v = meta.get(k);
                    if (!v.isArray()) throw badField("meta.mentions", "must be an array of strings");
                    if (v.size() > dev.meshwire.peer.mention.Mentions.MAX_MENTIONS) {
                        throw badField("meta.mentions", "must have at most " + dev.meshwire.peer.mention.Mentions.MAX_MENTIONS + " entries");
                    }
                    v.forEach(x -> {
                        if (!x.isTextual()) throw badField("meta.mentions", "must be an array of strings");
                        if (x.asText().isEmpty() || x.asText().length() > dev.meshwire.peer.mention.Mentions.MAX_MENTION_CHARS) {
                            throw badField("meta.mentions", "entries must be 1.." + dev.meshwire.peer.mention.Mentions.MAX_MENTION_CHARS
                                    + " characters");
                        }
                    });
                }
                case "expiresAt" -> {
                    JsonNode v = meta.get(k);
                    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 1 || v.longValue() > MAX_EXPIRES_AT) {
                        throw badField("meta.expiresAt", "must be an integer between 1 and " + MAX_EXPIRES_AT + " (epoch milliseconds)");
                    }
                    // The coordinator refuses an expiry that has passed (not retryable): never accept a message that cannot go.
                    if (v.longValue() <= now) throw badField("meta.expiresAt", "must be in the future (epoch milliseconds; got " + v.longValue() + ")");
                }
                default -> throw badField("meta", "has an unsupported key '" + (k.length() > 64 ? k.substring(0, 64) + "…" : k)
                        + "' (supported: mentions, expiresAt)");
            }
        }
        if (CanonicalJson.write(meta).getBytes(StandardCharsets.UTF_8).length > MAX_META_BYTES) {
            throw badField("meta", "must be at most " + MAX_META_BYTES + " bytes as canonical JSON");
        }
        return meta;
    }

    /** {@code *}: every active member except self, online or not (the coordinator queues for offline ones). */
    private static List<Frames.PeerInfo> everyone(MeshSession mesh) {
        return mesh.roster().everyone();
    }

    /**
     * A single recipient, resolved by the one peer resolver ({@link dev.meshwire.peer.meshstate.MeshRoster#resolve}).
     * A full public key the state does not know yet is accepted (a member who joined a moment ago; the
     * coordinator refuses it later if it is not a member → dead), if crypto_box can seal to it.
     */
    private static dev.meshwire.peer.meshstate.MeshRoster.Address resolveOne(MeshSession mesh, String to) {
        var address = mesh.roster().resolveAddress(to, PeerLookup.SEND);
        Frames.PeerInfo p = address.peer();
        // A service receives only the channels its read scopes allow: refused here, before sealing (docs/protocol.md §6.4).
        String scope = mesh.roster().receiveRefusal(p.pubkey(), Channel.DM);
        if (scope != null) throw new PeerException(PeerException.SCOPE_REFUSED, scope);
        if (p.name() == null && mesh.roster().peer(p.pubkey()) == null) {
            try {
                mesh.cipher().seal(dev.meshwire.signaling.crypto.PublicKey.fromHex(p.pubkey()), new byte[0]);
            } catch (IllegalArgumentException e) {
                throw badField("to", "is not a valid public key (64 hex characters of an Ed25519 key)");
            }
        }
        if (address.subpeer() == null) return address;
        // The copy is named for what the user addressed: "lk:alice via alice/livekit".
        Frames.PeerInfo named = new Frames.PeerInfo(p.pubkey(), address.subpeer() + " via " + p.name(), p.role(), p.online(), p.connectedSince(),
                p.capabilities(), p.parent(), null);
        return new dev.meshwire.peer.meshstate.MeshRoster.Address(named, address.subpeer());
    }

    /** {@code meta} with {@code subpeer} set (a copy; the caller's keys were checked already). */
    private static JsonNode withSubpeer(JsonNode meta, String subpeer) {
        com.fasterxml.jackson.databind.node.ObjectNode out = meta == null ? Json.MAPPER.createObjectNode()
                : ((com.fasterxml.jackson.databind.node.ObjectNode) meta).deepCopy();
        out.put("subpeer", subpeer);
        return out;
    }

    /**
     * The group target a send's {@code to} names: {@code *} for {@code *} and {@code @all} (every member), {@code @name}
     * for a group, null for a single recipient. @throws PeerException bad_request for an {@code @} that is no group name
     */
    public static String groupTarget(String to) {
        String t = to == null ? null : to.trim();
        if (t == null || t.isEmpty()) return null;
        if ("*".equals(t) || ("@" + GroupName.ALL).equals(t)) return "*";
        if (t.charAt(0) != '@') return null;
        String name = GroupName.fromAddress(t);
        if (name == null) throw badField("to", "'" + (t.length() > 40 ? t.substring(0, 40) + "…" : t) + "' is not a group: "
                + GroupName.problem(t.substring(1)));
        return t;
    }

    /**
     * Seals {@code plain} for each recipient and signs one envelope per copy. Also used by requeue,
     * with a new client message id. {@code groupTarget} null: a dm (body v1, target the recipient); else a group copy
     * ({@code *} or {@code @name}) with a sender-key body (v3, docs/protocol.md §12.1): the content is sealed once under
     * a fresh key, and only that key is sealed per recipient.
     */
    public static List<OutboxStore.NewCopy> seal(MeshSession mesh, List<Frames.PeerInfo> recipients, String groupTarget, String cmid,
                                                 Priority priority, String replyToId, JsonNode meta, byte[] plain, long now) {
        List<String> mentions = null;
        Long expiresAt = null;
        if (meta != null) {
            if (meta.has("mentions")) {
                mentions = new ArrayList<>();
                for (JsonNode x : meta.get("mentions")) mentions.add(x.asText());
            }
            if (meta.has("expiresAt")) expiresAt = meta.get("expiresAt").asLong();
        }
        String subpeer = meta != null && meta.has("subpeer") && groupTarget == null ? meta.get("subpeer").asText() : null;
        Meta m = new Meta(cmid, null, priority, null, null, null, null, null, null, replyToId, mentions, expiresAt, now, subpeer);
        Base64.Encoder b64 = Base64.getEncoder();
        SenderKeyBody.Content content = groupTarget == null ? null : SenderKeyBody.sealContent(plain);
        List<OutboxStore.NewCopy> out = new ArrayList<>();
        for (Frames.PeerInfo r : recipients) {
            PublicKey to = PublicKey.fromHex(r.pubkey());
            SealedBody sealed = content == null ? mesh.cipher().seal(to, plain) : SenderKeyBody.forRecipient(mesh.cipher(), to, content);
            Envelope unsigned = new Envelope(Envelope.VERSION, groupTarget != null ? Channel.GROUP : Channel.DM,
                    groupTarget != null ? groupTarget : r.pubkey(), mesh.selfPubkey(),
                    new Body(b64.encodeToString(sealed.nonce()), b64.encodeToString(sealed.ciphertext()),
                            content == null ? Body.TEXT_V1 : Body.SENDER_KEY_V3), m, null);
            Envelope signed = EnvelopeSignature.sign(unsigned, mesh.identity());
            try {
                out.add(new OutboxStore.NewCopy(r.pubkey(), r.name(), Json.MAPPER.writeValueAsString(signed), signed));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        // K is sealed into every copy; this process never needs it again (the sender reopens its own box(K) on requeue).
        if (content != null) java.util.Arrays.fill(content.key(), (byte) 0);
        return out;
    }
}
