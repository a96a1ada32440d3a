package dev.meshwire.coordinator.relay;

import dev.meshwire.coordinator.authority.MeshAuthority;
import dev.meshwire.coordinator.authority.Refusal;
import dev.meshwire.coordinator.metrics.CoordinatorMetrics;
import dev.meshwire.coordinator.presence.PeerConnection;
import dev.meshwire.coordinator.presence.PresenceRegistry;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.frame.ErrorCode;
import dev.meshwire.signaling.frame.Frames;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays signed envelopes between online members of one mesh ({@code send} → {@code deliver}).
 *
 * <p>The coordinator checks who sent what to whom (the envelope signature, the sender, the
 * recipient's membership) but never opens or logs the body: it is ciphertext for the recipient,
 * and only frame types and key prefixes are ever logged.
 */
public final class Relay {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    public static final String STATUS_RELAYED = "relayed";

    private final PresenceRegistry presence;
    private final CoordinatorStore store;
    private final CoordinatorMetrics metrics;

    public Relay(PresenceRegistry presence, CoordinatorStore store, CoordinatorMetrics metrics) {
        this.presence = presence;
        this.store = store;
        this.metrics = metrics;
    }

    /** Validates {@code send} from the member {@code senderPubkey} of {@code meshId} and pushes it to the recipient. */
    public Future<Frames.Ack> send(String meshId, String senderPubkey, Frames.Send send) {
        Envelope env;
        try {
            env = validate(senderPubkey, send);
        } catch (Refusal r) {
            return Future.failedFuture(r);
        }
        PeerConnection recipient = presence.get(meshId, send.to());
        if (recipient != null) {
            return Future.succeededFuture(deliver(meshId, senderPubkey, send, env, recipient));
        }
        // Not online here: tell a member that is offline from a key that is no member at all.
        return store.findMember(meshId, send.to()).compose(member -> {
            if (member.isEmpty()) {
                return Future.failedFuture(Refusal.of(ErrorCode.UNKNOWN_RECIPIENT, "no member " + MeshAuthority.prefix(send.to()) + "… in this mesh"));
            }
            // Re-check: the recipient may have come online while the store answered.
            PeerConnection now = presence.get(meshId, send.to());
            if (now != null) return Future.succeededFuture(deliver(meshId, senderPubkey, send, env, now));
            return Future.failedFuture(Refusal.of(ErrorCode.PEER_OFFLINE, member.get().name() + " is offline"));
        });
    }

    private Frames.Ack deliver(String meshId, String senderPubkey, Frames.Send send, Envelope env, PeerConnection recipient) {
        String messageId = "msg_" + Hex.encode(Sodium.randomBytes(12));
        recipient.send(new Frames.Deliver(messageId, meshId, env));
        metrics.relayed();
        LOG.debug("relayed {} {}… -> {}… ({})", env.channel().wireName(), MeshAuthority.prefix(senderPubkey), MeshAuthority.prefix(send.to()), messageId);
        return new Frames.Ack(send.id(), env.meta().clientMessageId(), messageId, STATUS_RELAYED);
    }

    private static Envelope validate(String senderPubkey, Frames.Send send) {
        if (!Hex.isHex(send.to(), PublicKey.HEX_CHARS)) {
            throw Refusal.of(ErrorCode.UNKNOWN_RECIPIENT, "send: 'to' must be a member's full public key (64 lowercase hex characters)");
        }
        Envelope env = send.envelope();
        if (env == null) throw invalid("send: envelope is required");
        if (env.v() != Envelope.VERSION) throw invalid("send: envelope v must be " + Envelope.VERSION + " (got " + env.v() + ")");
        if (env.channel() == null) throw invalid("send: envelope.channel is required");
        if (env.target() == null) throw invalid("send: envelope.target is required");
        if (env.from() == null) throw invalid("send: envelope.from is required");
        if (env.body() == null || env.body().nonce() == null || env.body().ciphertext() == null) {
            throw invalid("send: envelope.body with nonce and ciphertext is required");
        }
        if (env.meta() == null || env.meta().clientMessageId() == null || env.meta().clientMessageId().isBlank()) {
            throw invalid("send: envelope.meta.clientMessageId is required");
        }
        if (env.channel() == Channel.DM && !env.target().equals(send.to())) {
            throw invalid("send: a dm envelope's target must equal 'to'");
        }
        if (!senderPubkey.equals(env.from())) {
            throw Refusal.of(ErrorCode.BAD_SIGNATURE, "send: envelope.from must be this session's own key");
        }
        boolean valid;
        try {
            valid = EnvelopeSignature.verify(env);
        } catch (IllegalArgumentException e) {
            throw invalid("send: envelope cannot be canonicalized: " + e.getMessage());
        }
        if (!valid) throw Refusal.of(ErrorCode.BAD_SIGNATURE, "send: envelope signature does not verify");
        return env;
    }

    private static Refusal invalid(String message) {
        return Refusal.of(ErrorCode.INVALID_FRAME, message);
    }
}
