package dev.meshwire.peer.topic;

import dev.meshwire.peer.inbox.ChannelReceiver;
import dev.meshwire.peer.inbox.InboundEnvelope;
import dev.meshwire.signaling.crypto.CryptoException;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.TopicEntry;
import dev.meshwire.signaling.topic.TopicNames;
import java.util.Optional;

/**
 * The {@code topic} channel's receiver (docs/protocol.md §12.2 "Receiving"), after the shared inbound checks: the
 * target is a topic of the verified state, this member and the sender are its members, the body is version 4; then it
 * is opened with the key of its epoch and stored in the inbox with target {@code #name}. A post whose key this member
 * does not hold yet (it joined and waits for a re-seal) is kept durably and settled when the key arrives — it is acked
 * either way, since the coordinator holds nothing more for it. Topic keys are a member's: a held session gets no copy.
 */
public final class TopicReceiver implements ChannelReceiver {
    private final TopicInbox inbox;
    private final TopicKeeper keeper;

    public TopicReceiver(TopicInbox inbox, TopicKeeper keeper) {
        this.inbox = inbox;
        this.keeper = keeper;
    }

    @Override
    public String receive(InboundEnvelope in) {
        Envelope env = in.envelope();
        if (in.session() != null) return "topic posts are for members, not for a held session";
        // Posts travel through the coordinator only (it checks membership and the epoch, and keeps the history): one
        // arriving on a direct channel did not, whoever sent it.
        if (in.directPeer() != null) return "topic posts travel through the coordinator, not a direct channel";
        String topic = TopicNames.parse(env.target());
        if (topic == null || !env.target().equals(TopicNames.address(topic))) return "topic envelope target '" + env.target() + "' is not #name";
        if (env.body().bodyVersion() != Body.TOPIC_KEY_V4) return "topic body version " + env.body().bodyVersion() + " (expected 4)";
        String cmid = env.meta().clientMessageId();
        if (cmid == null || cmid.isBlank()) return "envelope has no clientMessageId";
        MeshState state = in.mesh().roster().replica().state();
        TopicEntry t = state == null ? null : state.channels().topic(topic).orElse(null);
        if (t == null) return "no topic #" + topic + " in the verified mesh state";
        String self = in.mesh().selfPubkey();
        if (!t.isMember(self)) return "this member is not in #" + topic;
        if (!t.isMember(env.from())) return "sender " + env.from() + " is not a member of #" + topic;
        String meshId = in.mesh().config().meshId();
        Optional<String> text;
        try {
            text = inbox.open(meshId, topic, env);
            if (text.isEmpty()) {
                keeper.refreshKeys(in.mesh()); // the seal may be in the state already (this delivery overtook the keeper)
                text = inbox.open(meshId, topic, env);
            }
        } catch (CryptoException | IllegalArgumentException e) {
            return "cannot decrypt: " + e.getMessage();
        }
        if (text.isEmpty()) {
            inbox.park(in.mesh(), topic, env, in.messageId(), in.path());
            in.ack(cmid);
            return null;
        }
        // Committed, or already there: ack either way (a duplicate again, or the coordinator redelivers forever).
        if (inbox.store(in.mesh(), topic, env, in.senderName(), in.messageId(), in.path(), text.get())) in.ack(cmid);
        else in.ackDuplicate(cmid);
        return null;
    }
}
