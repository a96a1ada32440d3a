package dev.meshwire.peer.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.coordinator.LinkSettings;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.events.EventBus;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.meshstate.MeshHistory;
import dev.meshwire.peer.meshstate.MeshStates;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.crypto.SenderKeyBody;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.EventPayload;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receiver side of groups (docs/protocol.md §12.1): a {@code @name} copy is opened (body v1 or v3) and stored with
 * its target only while this member is in the group in its own verified state; otherwise, and for a body it cannot
 * open, it is dropped (acked, counted, not stored) on the relay path and on a direct channel alike. Real SQLite; the
 * replica is fed with events sealed as the coordinator seals them.
 */
class GroupInboundTest {
    @TempDir
    Path tmp;
    Vertx vertx;
    Inbox inbox;
    InboundProcessor proc;
    Identity self;
    Identity alice;
    MeshStates states;
    CoordinatorLink link;
    MeshHistory h;
    MeshSession s;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        inbox = new Inbox(tmp.resolve("inbox.db"));
        proc = new InboundProcessor(inbox, new EventBus());
        self = Identity.generate();
        alice = Identity.generate();
        link = new CoordinatorLink(vertx, "ws://127.0.0.1:1", "m_1", self, null, "me", LinkSettings.defaults(), (l, d) -> {});
        states = new MeshStates(tmp.resolve("meshstate.db"), System::currentTimeMillis, null);
        h = new MeshHistory("m_1", "demo", self, "me");
        h.join(alice, "alice");
        MeshConfig cfg = new MeshConfig("m_1", "demo", "ws://127.0.0.1:1", "me", "member", self.publicKeyHex(), 0,
                h.genesisAuthority.publicKeyHex());
        s = new MeshSession(cfg, self, new BoxCipher(self), link, states.open(cfg));
        assertTrue(s.roster().replica().onMeshSync(new Frames.MeshSync(null, "m_1", h.events, null)));
    }

    @AfterEach
    void tearDown() {
        link.close();
        inbox.close();
        states.close();
        vertx.close();
    }

    void apply(String actor, EventPayload p) {
        assertTrue(s.roster().replica().onSystem(new Frames.SystemEvent("m_1", h.add(actor, p))));
    }

    /** alice's group copy for this member with {@code target}: body v3 (sender key) or v1. */
    Envelope copy(String target, String cmid, String text, boolean senderKey) {
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        BoxCipher from = new BoxCipher(alice);
        SealedBody b = senderKey ? SenderKeyBody.forRecipient(from, self.publicKey(), SenderKeyBody.sealContent(plain))
                : from.seal(self.publicKey(), plain);
        Base64.Encoder e = Base64.getEncoder();
        return EnvelopeSignature.sign(new Envelope(Envelope.VERSION, Channel.GROUP, target, alice.publicKeyHex(),
                new Body(e.encodeToString(b.nonce()), e.encodeToString(b.ciphertext()), senderKey ? Body.SENDER_KEY_V3 : Body.TEXT_V1),
                Meta.of(cmid, Priority.NEXT, 1L), null), alice);
    }

    @Test
    void aMemberOfTheGroupStoresV3AndV1CopiesWithTheirTarget() {
        apply(alice.publicKeyHex(), new EventPayload.GroupCreated("frontend"));
        apply(alice.publicKeyHex(), new EventPayload.GroupMemberSet("frontend", self.publicKeyHex(), "member"));
        proc.process(s, new Frames.Deliver("q1", "m_1", copy("@frontend", "c1", "sender key", true)), "coordinator relay");
        assertTrue(proc.processDirect(s, copy("@frontend", "c2", "plain box", false), alice.publicKeyHex(), "direct host"));
        proc.process(s, new Frames.Deliver("q3", "m_1", copy("*", "c3", "to everyone, v3", true)), "coordinator relay");
        assertEquals(3, proc.accepted(), "refused: " + proc.refused());
        var items = inbox.list(null, 10, false);
        assertEquals(3, items.size());
        for (InboxMessage m : items) {
            assertEquals("group", m.channel());
            assertEquals(m.text().equals("to everyone, v3") ? "*" : "@frontend", m.target());
        }
        // a redelivery is a duplicate: stored once, acked again
        proc.process(s, new Frames.Deliver("q1", "m_1", copy("@frontend", "c1", "sender key", true)), "coordinator relay");
        assertEquals(3, inbox.count());
        assertEquals(1, proc.duplicates());
    }

    @Test
    void aCopyForAGroupThisMemberIsNotInIsDroppedOnEveryPath() {
        apply(alice.publicKeyHex(), new EventPayload.GroupCreated("frontend"));
        proc.process(s, new Frames.Deliver("q1", "m_1", copy("@frontend", "c1", "not in it yet", true)), "coordinator relay");
        proc.process(s, new Frames.Deliver("q2", "m_1", copy("@backend", "c2", "no such group", true)), "coordinator relay");
        apply(alice.publicKeyHex(), new EventPayload.GroupMemberSet("frontend", self.publicKeyHex(), "member"));
        proc.process(s, new Frames.Deliver("q3", "m_1", copy("@frontend", "c3", "in it now", true)), "coordinator relay");
        apply(alice.publicKeyHex(), new EventPayload.GroupMemberSet("frontend", self.publicKeyHex(), null));
        Envelope after = copy("@frontend", "c4", "after the removal", true);
        proc.process(s, new Frames.Deliver("q4", "m_1", after), "coordinator relay");
        assertTrue(proc.processDirect(s, after, alice.publicKeyHex(), "direct host"), "a dropped direct frame is acked");
        assertEquals(1, inbox.count(), "only the copy received while a member is stored");
        assertEquals("in it now", inbox.list(null, 10, false).get(0).text());
        assertEquals(4, proc.refused());
        assertEquals(5, proc.acks(), "every delivery, dropped or stored, is acked once");
    }

    @Test
    void anAlteredOrMislabelledSenderKeyBodyIsDropped() {
        apply(alice.publicKeyHex(), new EventPayload.GroupCreated("frontend"));
        apply(alice.publicKeyHex(), new EventPayload.GroupMemberSet("frontend", self.publicKeyHex(), "member"));
        Envelope good = copy("@frontend", "c1", "x", true);
        byte[] ct = Base64.getDecoder().decode(good.body().ciphertext());
        ct[ct.length - 1] ^= 1;
        Envelope altered = EnvelopeSignature.sign(new Envelope(good.v(), good.channel(), good.target(), good.from(),
                new Body(good.body().nonce(), Base64.getEncoder().encodeToString(ct), Body.SENDER_KEY_V3), good.meta(), null), alice);
        proc.process(s, new Frames.Deliver("q1", "m_1", altered), "coordinator relay");
        // a v3 body on a dm is not a text body
        Envelope dmV3 = EnvelopeSignature.sign(new Envelope(good.v(), Channel.DM, self.publicKeyHex(), good.from(), good.body(),
                Meta.of("c2", Priority.NEXT, 1L), null), alice);
        proc.process(s, new Frames.Deliver("q2", "m_1", dmV3), "coordinator relay");
        assertEquals(0, inbox.count());
        assertEquals(2, proc.refused());
        assertEquals(2, proc.acks());
    }
}
