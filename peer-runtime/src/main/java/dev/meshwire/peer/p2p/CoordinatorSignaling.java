package dev.meshwire.peer.p2p;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SignalingChannel} over one mesh's coordinator WebSocket. Outgoing signals become frames
 * {@code p2p_offer/answer/candidate/close} with {@code mesh} and {@code from} left null (the
 * coordinator fills both from the authenticated connection and forwards only to an online member of
 * the same mesh). Incoming frames (fed by the link listener through {@link #receive}) become
 * {@link P2pSignal}s naming the mesh and sender the coordinator vouched for; the engine still
 * verifies every offer/answer signature against the roster itself.
 */
public final class CoordinatorSignaling implements SignalingChannel {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorSignaling.class);
    private final CoordinatorLink link;
    private volatile Consumer<P2pSignal> receiver;

    public CoordinatorSignaling(CoordinatorLink link) {
        this.link = link;
    }

    @Override
    public void send(P2pSignal m) {
        if (!link.connected()) return; // a lost signal only makes the handshake time out
        try {
            link.sendFrame(toFrame(m));
        } catch (RuntimeException e) {
            log.debug("p2p signal to {} dropped: {}", m.to(), e.toString());
        }
    }

    @Override
    public void setReceiver(Consumer<P2pSignal> receiver) {
        this.receiver = receiver;
    }

    /** A frame the coordinator forwarded to us. Never throws; frames without an origin are dropped. */
    public void receive(Frames.P2pSignal frame) {
        Consumer<P2pSignal> r = receiver;
        P2pSignal m = fromFrame(frame);
        if (r != null && m != null) r.accept(m);
    }

    /** The wire frame of an outgoing signal (origin fields null: the coordinator sets them). */
    static Frame toFrame(P2pSignal m) {
        if (m instanceof P2pSignal.Sdp s) {
            return P2pSignal.Sdp.OFFER.equals(s.type())
                    ? new Frames.P2pOffer(null, null, s.to(), s.sessionId(), s.sdp(), s.signature())
                    : new Frames.P2pAnswer(null, null, s.to(), s.sessionId(), s.sdp(), s.signature());
        }
        if (m instanceof P2pSignal.Candidate c) {
            return new Frames.P2pCandidate(null, null, c.to(), c.sessionId(), c.mid(), c.mLineIndex(), c.candidate());
        }
        P2pSignal.Close c = (P2pSignal.Close) m;
        return new Frames.P2pClose(null, null, c.to(), c.sessionId(), c.reason());
    }

    /** The engine's view of a forwarded frame, or null if the coordinator left out mesh or sender. */
    static P2pSignal fromFrame(Frames.P2pSignal f) {
        if (f.mesh() == null || f.from() == null || f.to() == null || f.sessionId() == null) return null;
        if (f instanceof Frames.P2pOffer o) {
            return new P2pSignal.Sdp(o.mesh(), o.from(), o.to(), o.sessionId(), P2pSignal.Sdp.OFFER, o.sdp(), o.signature());
        }
        if (f instanceof Frames.P2pAnswer a) {
            return new P2pSignal.Sdp(a.mesh(), a.from(), a.to(), a.sessionId(), P2pSignal.Sdp.ANSWER, a.sdp(), a.signature());
        }
        if (f instanceof Frames.P2pCandidate c) {
            return new P2pSignal.Candidate(c.mesh(), c.from(), c.to(), c.sessionId(), c.mid(), c.mLineIndex(), c.candidate());
        }
        Frames.P2pClose c = (Frames.P2pClose) f;
        return new P2pSignal.Close(c.mesh(), c.from(), c.to(), c.sessionId(), c.reason());
    }
}
