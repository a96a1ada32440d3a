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
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.service.ServiceAttestation;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliveries that fail verification are refused (counted, not stored, no event) and never throw. The
 * link is real but not connected; membership comes from a replica fed with events sealed here (as the
 * coordinator seals them), on real SQLite.
 */
class InboundRefusalTest {
    @TempDir
    Path tmp;
    Vertx vertx;
    Inbox inbox;
    EventBus bus;
    InboundProcessor proc;
    MeshSession me;
    Identity self;
    Identity stranger;
    MeshStates states;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        inbox = new Inbox(tmp.resolve("inbox.db"));
        bus = new EventBus();
        proc = new InboundProcessor(inbox, bus);
        self = Identity.generate();
        stranger = Identity.generate();
        CoordinatorLink link = new CoordinatorLink(vertx, "ws://127.0.0.1:1", "m_1", self, null, "me", LinkSettings.defaults(), (l, d) -> {});
        states = new MeshStates(tmp.resolve("meshstate.db"), System::currentTimeMillis, null);
        MeshConfig cfg = new MeshConfig("m_1", "demo", "ws://127.0.0.1:1", "me", "member", self.publicKeyHex(), 0);
        me = new MeshSession(cfg, self, new BoxCipher(self), link, states.open(cfg));
    }

    @AfterEach
    void tearDown() {
        me.link().close();
        inbox.close();
        states.close();
        vertx.close();
    }

    Envelope sealedBy(Identity from, String text) {
        SealedBody s = new BoxCipher(from).seal(self.publicKey(), text.getBytes(StandardCharsets.UTF_8));
        Base64.Encoder b = Base64.getEncoder();
        Envelope e = new Envelope(Envelope.VERSION, Channel.DM, self.publicKeyHex(), from.publicKeyHex(),
                new Body(b.encodeToString(s.nonce()), b.encodeToString(s.ciphertext()), Body.TEXT_V1),
                Meta.of("c1", Priority.NEXT, 1L), null);
        return EnvelopeSignature.sign(e, from);
    }

    @Test
    void tamperedSignatureIsRefused() {
        Envelope good = sealedBy(stranger, "hi");
        Envelope tampered = new Envelope(good.v(), good.channel(), good.target(), good.from(), good.body(),
                Meta.of("c2", Priority.NOW, 1L), good.signature());
        proc.process(me, new Frames.Deliver("q1", "m_1", tampered), "coordinator relay");
        assertEquals(1, proc.refused());
        assertEquals(0, inbox.count());
        assertEquals(1, proc.acks(), "a refused delivery is acked and dropped, else it would be redelivered forever");
    }

    @Test
    void validlySignedButFromANonMemberIsRefused() {
        proc.process(me, new Frames.Deliver("q1", "m_1", sealedBy(stranger, "hi")), "coordinator relay");
        assertEquals(1, proc.refused());
        assertEquals(0, proc.accepted());
        assertEquals(0, inbox.count());
    }

    @Test
    void holdAcksWithholdsEvenTheDropAck() {
        proc.holdAcks(true);
        proc.process(me, new Frames.Deliver("q1", "m_1", sealedBy(stranger, "hi")), "coordinator relay");
        assertEquals(0, proc.acks());
        assertEquals(1, proc.heldAcks());
    }

    @Test
    void incompleteEnvelopeIsRefusedWithoutThrowing() {
        proc.process(me, new Frames.Deliver("q1", "m_1", null), "coordinator relay");
        proc.process(me, new Frames.Deliver("q2", "m_1", new Envelope(2, Channel.DM, "x", "y", null, null, null)), "coordinator relay");
        assertEquals(2, proc.refused());
        assertEquals(2, proc.acks());
        assertEquals(0, inbox.count());
    }

    /** A session whose replica holds a verified history where {@code stranger} is a member. */
    MeshSession memberSession(MeshHistory h) {
        MeshConfig cfg = new MeshConfig("m_1", "demo", "ws://127.0.0.1:1", "me", "member", self.publicKeyHex(), 0,
                h.genesisAuthority.publicKeyHex());
        MeshSession s = new MeshSession(cfg, self, new BoxCipher(self), me.link(), states.open(cfg));
        assertTrue(s.roster().replica().onMeshSync(new Frames.MeshSync(null, "m_1", h.events, null)));
        return s;
    }

    @Test
    void anActiveMemberIsAcceptedAndARevokedOneIsRefusedOnEveryPathAndCounted() {
        MeshHistory h = new MeshHistory("m_1", "demo", self, "me");
        h.join(stranger, "stranger");
        MeshSession s = memberSession(h);
        proc.process(s, new Frames.Deliver("q1", "m_1", sealedBy(stranger, "hi")), "coordinator relay");
        assertEquals(1, proc.accepted());
        assertEquals(1, inbox.count());

        assertTrue(s.roster().replica().onSystem(new Frames.SystemEvent("m_1",
                h.add(self.publicKeyHex(), new EventPayload.MemberRevoked(stranger.publicKeyHex(), "stolen")))));
        Envelope later = sealedBy(stranger, "after the revocation");
        proc.process(s, new Frames.Deliver("q2", "m_1", later), "coordinator relay");
        assertTrue(proc.processDirect(s, later, stranger.publicKeyHex(), "direct host"), "a refused direct frame is acked (dropped)");
        assertEquals(1, proc.accepted());
        assertEquals(1, inbox.count(), "nothing from the revoked key is stored");
        assertEquals(2, proc.refused());
        assertEquals(1, s.roster().refused().relay.get());
        assertEquals(1, s.roster().refused().direct.get());
        assertEquals(3, proc.acks(), "refusals are acked so they are not redelivered");
    }

    @Test
    void aSenderThisMemberBlockedIsRefusedOnEveryPathAndCountedAsGrants() {
        MeshHistory h = new MeshHistory("m_1", "demo", self, "me");
        h.join(stranger, "stranger");
        MeshSession s = memberSession(h);
        // This member (self) blocks stranger: a grant_set whose actor and recipient are self.
        assertTrue(s.roster().replica().onSystem(new Frames.SystemEvent("m_1",
                h.add(self.publicKeyHex(), new EventPayload.GrantSet(self.publicKeyHex(), stranger.publicKeyHex(), "")))));
        Envelope blocked = sealedBy(stranger, "blocked");
        proc.process(s, new Frames.Deliver("q1", "m_1", blocked), "coordinator relay");
        assertTrue(proc.processDirect(s, blocked, stranger.publicKeyHex(), "direct host"), "a refused direct frame is acked (dropped)");
        assertEquals(0, proc.accepted());
        assertEquals(0, inbox.count(), "nothing from the blocked sender is stored");
        assertEquals(2, s.roster().refused().grants.get());
        assertEquals(0, s.roster().refused().relay.get(), "an active member: not a membership refusal");
        assertEquals(2, proc.acks());

        // Granting dm again lets it through.
        assertTrue(s.roster().replica().onSystem(new Frames.SystemEvent("m_1",
                h.add(self.publicKeyHex(), new EventPayload.GrantSet(self.publicKeyHex(), stranger.publicKeyHex(), "dm")))));
        proc.process(s, new Frames.Deliver("q2", "m_1", sealedBy(stranger, "granted")), "coordinator relay");
        assertEquals(1, proc.accepted());
        assertEquals(1, inbox.count());
    }

    @Test
    void anActiveServiceActsForItsOwnerUntilRevokedAndItsOwnersBlockAppliesToIt() {
        MeshHistory h = new MeshHistory("m_1", "demo", self, "me");
        h.join(stranger, "stranger");
        Identity svc = Identity.generate();
        MeshSession s = memberSession(h);
        assertTrue(s.roster().replica().onSystem(new Frames.SystemEvent("m_1", h.add(stranger.publicKeyHex(),
                EventPayload.ServiceRegistered.of(ServiceAttestation.sign(stranger, "m_1", "hook", svc.publicKeyHex(), "bot", "dm:write",
                        System.currentTimeMillis() + 3_600_000, "ws", null))))));
        proc.process(s, new Frames.Deliver("q1", "m_1", sealedBy(svc, "from the service")), "coordinator relay");
        assertEquals(1, proc.accepted(), "an active service's envelope is accepted");
        assertEquals("stranger/hook", inbox.list(null, 10, false).get(0).senderName());

        // This member blocks the owner: the owner's service is blocked with it (grants are member-keyed).
        assertTrue(s.roster().replica().onSystem(new Frames.SystemEvent("m_1",
                h.add(self.publicKeyHex(), new EventPayload.GrantSet(self.publicKeyHex(), stranger.publicKeyHex(), "")))));
        proc.process(s, new Frames.Deliver("q2", "m_1", sealedBy(svc, "blocked with its owner")), "coordinator relay");
        assertEquals(1, s.roster().refused().grants.get());
        assertTrue(s.roster().replica().onSystem(new Frames.SystemEvent("m_1",
                h.add(self.publicKeyHex(), new EventPayload.GrantSet(self.publicKeyHex(), stranger.publicKeyHex(), null)))));

        // Revoked (service revoke = member_revoked of the service key): refused as a non-member.
        assertTrue(s.roster().replica().onSystem(new Frames.SystemEvent("m_1",
                h.add(self.publicKeyHex(), new EventPayload.MemberRevoked(svc.publicKeyHex(), "leaked")))));
        proc.process(s, new Frames.Deliver("q3", "m_1", sealedBy(svc, "after the revocation")), "coordinator relay");
        assertEquals(1, proc.accepted());
        assertEquals(1, inbox.count());
        assertEquals(1, s.roster().refused().relay.get(), "refused: not an active member nor an active service");
    }

    /**
     * Nothing a member signs can pass for a system entry (docs/protocol.md §12.5): a {@code system} envelope from an active
     * member, over the relay or a direct channel, is dropped (acked) and never stored.
     */
    @Test
    void aSystemEnvelopeFromAMemberIsDroppedOnEveryPath() {
        MeshHistory h = new MeshHistory("m_1", "demo", self, "me");
        h.join(stranger, "stranger");
        MeshSession s = memberSession(h);
        proc.process(s, new Frames.Deliver("q1", "m_1", sealedTo(stranger, self, Channel.SYSTEM, "sys-1", "carol was revoked")), "coordinator relay");
        assertTrue(proc.processDirect(s, sealedTo(stranger, self, Channel.SYSTEM, "sys-2", "carol was revoked"), stranger.publicKeyHex(), "direct host"),
                "dropped after a failed check: the channel ack goes out (else it would be resent forever)");
        assertEquals(0, proc.accepted());
        assertEquals(2, proc.refused());
        assertEquals(0, inbox.count(), "no entry, system or other");
        // the same member's dm is accepted: the refusal is about the channel
        proc.process(s, new Frames.Deliver("q3", "m_1", sealedTo(stranger, self, Channel.DM, "dm-1", "hi")), "coordinator relay");
        assertEquals(1, proc.accepted());
    }

    Envelope sealedTo(Identity from, Identity to, Channel channel, String cmid, String text) {
        SealedBody s = new BoxCipher(from).seal(to.publicKey(), text.getBytes(StandardCharsets.UTF_8));
        Base64.Encoder b = Base64.getEncoder();
        Envelope e = new Envelope(Envelope.VERSION, channel, channel == Channel.DM ? to.publicKeyHex() : "*", from.publicKeyHex(),
                new Body(b.encodeToString(s.nonce()), b.encodeToString(s.ciphertext()), Body.TEXT_V1), Meta.of(cmid, Priority.NEXT, 1L), null);
        return EnvelopeSignature.sign(e, from);
    }

    @Test
    void aDelegatedServiceHeldHereStoresOnlyWhatItsReadScopesAllowAndNothingOnceRevoked() {
        MeshHistory h = new MeshHistory("m_1", "demo", self, "me");
        h.join(stranger, "stranger");
        Identity reader = Identity.generate();
        Identity writer = Identity.generate();
        MeshSession s = memberSession(h);
        for (Object[] svc : new Object[][] {{"reader", reader, "dm:read"}, {"writer", writer, "dm:write"}}) {
            assertTrue(s.roster().replica().onSystem(new Frames.SystemEvent("m_1", h.add(self.publicKeyHex(),
                    EventPayload.ServiceRegistered.of(ServiceAttestation.sign(self, "m_1", (String) svc[0], ((Identity) svc[1]).publicKeyHex(), "bot",
                            (String) svc[2], System.currentTimeMillis() + 3_600_000, "ws", self.publicKeyHex()))))));
        }
        // The mesh as each service (its key and cipher, the member's roster), as DelegatedServices builds it.
        MeshSession asReader = new MeshSession(s.config(), reader, new BoxCipher(reader), me.link(), s.roster());
        MeshSession asWriter = new MeshSession(s.config(), writer, new BoxCipher(writer), me.link(), s.roster());

        proc.processForSession(asReader, new Frames.Deliver("q1", "m_1", sealedTo(stranger, reader, Channel.DM, "c1", "a dm")), "coordinator relay");
        assertEquals(1, proc.accepted(), "dm:read lets the reader receive a dm");
        assertEquals(1, inbox.list(null, reader.publicKeyHex(), 10, false, false).size(), "stored tagged with the service key");
        proc.processForSession(asReader, new Frames.Deliver("q2", "m_1", sealedTo(stranger, reader, Channel.GROUP, "c2", "a broadcast")),
                "coordinator relay");
        proc.processForSession(asWriter, new Frames.Deliver("q3", "m_1", sealedTo(stranger, writer, Channel.DM, "c3", "a dm")), "coordinator relay");
        assertEquals(1, proc.accepted());
        assertEquals(2, proc.refused(), "a group without topic:read and a dm without dm:read are refused");
        assertEquals(3, proc.acks(), "refusals are acked and dropped");

        assertTrue(s.roster().replica().onSystem(new Frames.SystemEvent("m_1",
                h.add(self.publicKeyHex(), new EventPayload.MemberRevoked(reader.publicKeyHex(), "rotated")))));
        proc.processForSession(asReader, new Frames.Deliver("q4", "m_1", sealedTo(stranger, reader, Channel.DM, "c4", "too late")), "coordinator relay");
        assertEquals(1, proc.accepted());
        assertEquals(1, inbox.count(), "nothing is stored for a revoked service");
    }
}
