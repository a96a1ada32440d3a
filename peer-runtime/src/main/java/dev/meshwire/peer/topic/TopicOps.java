package dev.meshwire.peer.topic;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorError;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.ipc.TopicsApi;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.ipc.api.TopicHistoryItem;
import dev.meshwire.peer.ipc.api.TopicHistoryReply;
import dev.meshwire.peer.ipc.api.TopicItem;
import dev.meshwire.peer.ipc.api.TopicReply;
import dev.meshwire.peer.ipc.api.TopicRequest;
import dev.meshwire.peer.ipc.api.TopicsReply;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.peer.meshstate.PeerLookup;
import dev.meshwire.peer.outbox.OutboxStore;
import dev.meshwire.peer.outbox.TopicSealer;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.TopicEntry;
import dev.meshwire.signaling.meshstate.TopicSeal;
import dev.meshwire.signaling.topic.TopicKeys;
import dev.meshwire.signaling.topic.TopicNames;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code meshwire topic create|join|leave|list|tail} and the sealing of topic posts ({@code send #name},
 * {@code topic post}). Create generates the key here — the coordinator never sees it — and sends only the key check
 * and this member's own seal; join and leave are requests the coordinator records as events; the listing reads the
 * verified replica; the history is fetched page by page from the coordinator and opened with the keyring.
 */
public final class TopicOps implements TopicsApi, TopicSealer {
    /** How long a post waits for a pending re-key or for this member's seal before it is refused. */
    static final long KEY_WAIT_MS = 20_000;
    private static final long ANSWER_WAIT_S = 15;
    private static final PeerLookup REMOVE = new PeerLookup("topic leave", PeerException.BAD_REQUEST, true);

    private final JoinedMeshes meshes;
    private final TopicKeyring keyring;
    private final TopicKeeper keeper;
    private final TopicInbox inbox;

    public TopicOps(JoinedMeshes meshes, TopicKeyring keyring, TopicKeeper keeper, TopicInbox inbox) {
        this.meshes = meshes;
        this.keyring = keyring;
        this.keeper = keeper;
        this.inbox = inbox;
    }

    @Override
    public TopicReply create(TopicRequest req) {
        String topic = name(req.topic());
        MeshSession s = meshes.select(req.mesh()).requireConnected();
        if (state(s).channels().topic(topic).isPresent()) {
            throw new PeerException(PeerException.BAD_REQUEST, "#" + topic + " exists already; join it with: meshwire topic join #" + topic);
        }
        byte[] key = TopicKeys.generate();
        String check = TopicKeys.keyCheck(s.config().meshId(), topic, 1, key);
        TopicSeal own = TopicKeys.seal(s.cipher(), s.selfPubkey(), s.selfPubkey(), key);
        java.util.Arrays.fill(key, (byte) 0); // it enters the keyring from the seal, once the state records it
        String id = s.link().nextId();
        Frames.Ok ok = request(s, id, new Frames.TopicCreate(id, topic, check, own));
        keeper.keepNow(s);
        return new TopicReply(s.name(), TopicNames.address(topic), ok.detail());
    }

    @Override
    public TopicReply join(TopicRequest req) {
        String topic = name(req.topic());
        MeshSession s = meshes.select(req.mesh()).requireConnected();
        requireTopic(s, topic);
        String id = s.link().nextId();
        return new TopicReply(s.name(), TopicNames.address(topic), request(s, id, new Frames.TopicJoin(id, topic)).detail());
    }

    @Override
    public TopicReply leave(TopicRequest req) {
        String topic = name(req.topic());
        MeshSession s = meshes.select(req.mesh()).requireConnected();
        requireTopic(s, topic);
        String member = req.member() == null || req.member().isBlank() ? null : s.roster().resolve(req.member(), REMOVE).pubkey();
        String id = s.link().nextId();
        return new TopicReply(s.name(), TopicNames.address(topic), request(s, id, new Frames.TopicLeave(id, topic, member)).detail());
    }

    @Override
    public TopicsReply list(String mesh) {
        MeshSession s = meshes.select(mesh);
        MeshRoster roster = s.roster();
        MeshState st = roster.replica().state();
        List<TopicItem> out = new ArrayList<>();
        if (st != null) {
            String self = s.selfPubkey();
            for (TopicEntry t : st.channels().topics()) {
                boolean member = t.isMember(self);
                boolean hasKey = member && keyring.key(st.mesh(), t.name(), t.epoch()).isPresent();
                out.add(new TopicItem(TopicNames.address(t.name()), ref(roster, t.createdBy()), t.createdAt(), t.epoch(), member, hasKey,
                        t.memberKeys().stream().map(k -> ref(roster, k)).toList(), t.pending().stream().map(k -> ref(roster, k)).toList(),
                        t.rekeyNeeded()));
            }
        }
        return new TopicsReply(s.name(), roster.replica().version(), out);
    }

    @Override
    public TopicHistoryReply history(String mesh, String topicName, Long afterSeq, Integer limit) {
        String topic = name(topicName);
        MeshSession s = meshes.select(mesh).requireConnected();
        TopicEntry t = requireTopic(s, topic);
        if (!t.isMember(s.selfPubkey())) throw notMember(topic);
        String id = s.link().nextId();
        Frame f = ask(s, id, new Frames.TopicHistory(id, topic, afterSeq, limit));
        if (!(f instanceof Frames.TopicHistoryPage page)) throw new PeerException(PeerException.INTERNAL, "unexpected answer " + f.type());
        keeper.refreshKeys(s);
        String meshId = s.config().meshId();
        List<TopicHistoryItem> items = new ArrayList<>();
        for (Frames.TopicMessage m : page.messages()) items.add(item(s, meshId, topic, m));
        return new TopicHistoryReply(s.name(), TopicNames.address(topic), items, page.more());
    }

    /** One history post, opened if this daemon holds its epoch's key; its signature is checked like any envelope's. */
    private TopicHistoryItem item(MeshSession s, String meshId, String topic, Frames.TopicMessage m) {
        Envelope env = m.envelope();
        PeerRef from = ref(s.roster(), env == null ? null : env.from());
        String cmid = env == null || env.meta() == null ? null : env.meta().clientMessageId();
        long epoch = 0;
        String text = null;
        String error = null;
        try {
            if (env == null || !EnvelopeSignature.verify(env)) throw new CryptoException("bad envelope signature");
            if (env.channel() != Channel.TOPIC || !TopicNames.address(topic).equals(env.target())
                    || env.body().bodyVersion() != Body.TOPIC_KEY_V4) {
                throw new CryptoException("not a post to #" + topic);
            }
            epoch = TopicKeys.epochOf(Base64.getDecoder().decode(env.body().ciphertext()));
            text = inbox.open(meshId, topic, env).orElse(null);
            if (text == null) error = "no key of epoch " + epoch + " here (sent before you held the topic's key)";
        } catch (CryptoException | IllegalArgumentException e) {
            error = "cannot open: " + e.getMessage();
        }
        return new TopicHistoryItem(m.seq(), m.messageId(), from, m.at(), epoch, text, error, cmid);
    }

    /**
     * The signed version-4 envelope of a post. Waits (at most {@link #KEY_WAIT_MS}) for a pending re-key — doing it
     * itself when this member is the one to — and for this member's seal of the current key.
     */
    @Override
    public OutboxStore.NewCopy seal(MeshSession s, String topic, Meta meta, byte[] plain) {
        String address = TopicNames.address(topic);
        long deadline = System.currentTimeMillis() + KEY_WAIT_MS;
        boolean rotated = false;
        while (true) {
            TopicEntry t = requireTopic(s, topic);
            if (!t.isMember(s.selfPubkey())) throw notMember(topic);
            MeshState st = state(s);
            boolean rekey = TopicKeeper.needsRotation(st, t, System.currentTimeMillis());
            if (rekey && !rotated) {
                s.requireConnected();
                keeper.rotate(s, t); // first wins: refused here means another member's rotation is (or will be) in the state
                rotated = true;
            }
            if (!rekey) {
                keeper.refreshKeys(s);
                byte[] key = keyring.key(s.config().meshId(), topic, t.epoch()).orElse(null);
                if (key != null) return envelope(s, address, t.epoch(), key, meta, plain);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new PeerException(PeerException.TOPIC_KEY_PENDING, rekey
                        ? address + " waits for a new key (a member left) and no rotation reached this daemon yet; try again shortly"
                        : "no member holding the key of " + address + " has sealed it for you yet (one must be online); try again shortly");
            }
            try {
                Thread.sleep(100); // the condition is the local replica; its changes come from the link
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PeerException(PeerException.INTERNAL, "interrupted");
            }
        }
    }

    private static OutboxStore.NewCopy envelope(MeshSession s, String address, long epoch, byte[] key, Meta meta, byte[] plain) {
        TopicKeys.Sealed sealed = TopicKeys.encrypt(epoch, key, plain);
        Base64.Encoder b64 = Base64.getEncoder();
        Envelope unsigned = new Envelope(Envelope.VERSION, Channel.TOPIC, address, s.selfPubkey(),
                new Body(b64.encodeToString(sealed.nonce()), b64.encodeToString(sealed.ciphertext()), Body.TOPIC_KEY_V4), meta, null);
        try {
            return new OutboxStore.NewCopy(address, address, Json.MAPPER.writeValueAsString(EnvelopeSignature.sign(unsigned, s.identity())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String name(String text) {
        String t = TopicNames.parse(text);
        if (t == null) throw new PeerException(PeerException.BAD_REQUEST, "field 'topic': " + TopicNames.check(text == null ? null : text.trim().replaceFirst("^#", "")));
        return t;
    }

    private static MeshState state(MeshSession s) {
        MeshState st = s.roster().replica().state();
        if (st == null) throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "the mesh state of '" + s.name() + "' is not known yet");
        return st;
    }

    private static TopicEntry requireTopic(MeshSession s, String topic) {
        return state(s).channels().topic(topic).orElseThrow(() -> new PeerException(PeerException.UNKNOWN_TOPIC,
                "no topic #" + topic + " in mesh '" + s.name() + "' (meshwire topic list)"));
    }

    private static PeerException notMember(String topic) {
        return new PeerException(PeerException.NOT_TOPIC_MEMBER, "you are not a member of #" + topic + " (meshwire topic join #" + topic + ")");
    }

    private static PeerRef ref(MeshRoster roster, String pubkey) {
        return pubkey == null ? null : new PeerRef(roster.entry(pubkey).map(e -> e.name()).orElse(null), pubkey);
    }

    private static Frames.Ok request(MeshSession s, String id, Frame req) {
        Frame f = ask(s, id, req);
        if (f instanceof Frames.Ok ok) return ok;
        throw new PeerException(PeerException.INTERNAL, "unexpected answer " + f.type());
    }

    private static Frame ask(MeshSession s, String id, Frame req) {
        try {
            return s.link().request(id, req).get(ANSWER_WAIT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CoordinatorError ce) {
                String code = switch (String.valueOf(ce.code())) {
                    case "unknown_topic" -> PeerException.UNKNOWN_TOPIC;
                    case "not_topic_member" -> PeerException.NOT_TOPIC_MEMBER;
                    default -> PeerException.COORDINATOR_REFUSED;
                };
                throw new PeerException(code, "coordinator refused: " + ce.getMessage());
            }
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, String.valueOf(e.getCause().getMessage()));
        } catch (TimeoutException e) {
            throw new PeerException(PeerException.COORDINATOR_UNREACHABLE, "the coordinator did not answer in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerException(PeerException.INTERNAL, "interrupted");
        }
    }
}
