package dev.meshwire.coordinator;

import static dev.meshwire.coordinator.GrantsWebSocketTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.SealedBody;
import dev.meshwire.signaling.envelope.Body;
import dev.meshwire.signaling.envelope.Channel;
import dev.meshwire.signaling.envelope.Envelope;
import dev.meshwire.signaling.envelope.EnvelopeSignature;
import dev.meshwire.signaling.envelope.Meta;
import dev.meshwire.signaling.envelope.Priority;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.subpeer.SubpeerSet;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sub-peers of a service (docs/protocol.md §6.5) over real WebSockets against a coordinator on SQLite and on PostgreSQL
 * (subclasses; the sets live in memory, the services and members in the store): a LiveKit-room service publishes its
 * participants, every other connection hears each change as {@code subpeers}, a late joiner gets the current set after
 * its {@code hello_ack}, the set ends with the service's presence (revocation included), and everyone else — a member,
 * a service of another type or without {@code dm:read}, a malformed, unsigned or stale statement — is refused with a
 * clear error. A dm may name a sub-peer of its recipient service in {@code meta.subpeer}; other channels may not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SubpeersWebSocketTest {
    final StoreKind kind;
    CoordinatorFixture fx;
    private final AtomicLong seq = new AtomicLong(System.currentTimeMillis());

    SubpeersWebSocketTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void start() throws Exception {
        String pg = kind == StoreKind.POSTGRES ? PgCluster.freshDatabase("wssubpeers") : null;
        fx = new CoordinatorFixture(c -> c.withDbUrl(pg));
    }

    @AfterAll
    void stop() throws Exception {
        fx.close();
    }

    static ServiceAttestation register(TestPeer owner, Identity ownerId, Meshes.Mesh m, String serviceId, Identity key, String type, String scopes)
            throws InterruptedException {
        ServiceAttestation a = ServiceAttestation.sign(ownerId, m.id(), serviceId, key.publicKeyHex(), type, scopes,
                System.currentTimeMillis() + 3_600_000, "livekit", null);
        owner.send(new Frames.ServiceRegister("reg-" + serviceId, a));
        owner.await(Frames.Ok.class, o -> ("reg-" + serviceId).equals(o.id()));
        return a;
    }

    Frames.SubpeersSet statement(Identity service, Meshes.Mesh m, String id, String... names) {
        SubpeerSet s = SubpeerSet.sign(service, m.id(), seq.incrementAndGet(), List.of(names));
        return new Frames.SubpeersSet(id, s.seq(), s.names(), s.signature());
    }

    static Frames.Ok ok(TestPeer p, Frames.SubpeersSet f) throws InterruptedException {
        p.send(f);
        return p.await(Frames.Ok.class, o -> f.id().equals(o.id()));
    }

    static Frames.Error err(TestPeer p, Frame f, String id) throws InterruptedException {
        p.send(f);
        p.awaitAny(x -> (x instanceof Frames.Ok o && id.equals(o.id())) || (x instanceof Frames.Error e && id.equals(e.id())));
        assertFalse(p.seen().stream().anyMatch(x -> x instanceof Frames.Ok o && id.equals(o.id())), "expected a refusal of " + id);
        return p.await(Frames.Error.class, e -> id.equals(e.id()));
    }

    @Test
    void aLiveKitServicePublishesItsParticipantsToEveryMemberAndLateJoinersGetTheCurrentSet() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sp-pub");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), carolId = Identity.generate(), lkKey = Identity.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice"); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            ServiceAttestation a = register(alice, aliceId, m, "livekit", lkKey, "livekit-room", "dm:read,dm:write,topic:write");
            try (TestPeer lk = fx.peer(lkKey)) {
                lk.send(lk.serviceHelloFrame(m.id(), aliceId, a));
                lk.awaitAckOrFail();
                Frames.Ok first = ok(lk, statement(lkKey, m, "s1", "lk:zoe", "lk:alice"));
                assertEquals("subpeers_set", first.op());
                assertEquals(lkKey.publicKeyHex(), first.target());
                assertEquals("2 sub-peers", first.detail());
                Frames.Subpeers heard = bob.await(Frames.Subpeers.class);
                assertEquals(m.id(), heard.mesh());
                assertEquals(lkKey.publicKeyHex(), heard.service());
                assertEquals(List.of("lk:alice", "lk:zoe"), heard.names(), "canonical order");
                assertEquals(null, heard.initial(), "a change, not the state on arrival");
                assertTrue(new SubpeerSet(m.id(), heard.service(), heard.seq(), heard.names(), heard.signature()).valid(),
                        "receivers verify the service's own signature");
                alice.await(Frames.Subpeers.class); // the owner's member connection hears it too

                // The same set again: ok, nothing announced.
                assertEquals("2 sub-peers (unchanged)", ok(lk, statement(lkKey, m, "s2", "lk:alice", "lk:zoe")).detail());
                // zoe leaves: the new whole set goes out.
                ok(lk, statement(lkKey, m, "s3", "lk:alice"));
                assertEquals(List.of("lk:alice"), bob.await(Frames.Subpeers.class).names());
                bob.sync("b-sync");
                assertFalse(bob.seen().stream().filter(f -> f instanceof Frames.Subpeers).count() > 2, "the unchanged set was not announced");

                // A member that connects now gets the current set right after its hello_ack.
                try (TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
                    Frames.Subpeers late = carol.await(Frames.Subpeers.class);
                    assertEquals(List.of("lk:alice"), late.names());
                    assertEquals(lkKey.publicKeyHex(), late.service());
                    assertEquals(Boolean.TRUE, late.initial(), "the state on arrival is marked");
                }

                // A stale (replayed or delayed) statement cannot bring an older set back.
                SubpeerSet old = SubpeerSet.sign(lkKey, m.id(), 5, List.of("lk:ghost"));
                Frames.Error stale = err(lk, new Frames.SubpeersSet("s4", old.seq(), old.names(), old.signature()), "s4");
                assertEquals("invalid_frame", stale.code());
                assertTrue(stale.message().startsWith("subpeers_set: seq 5 is not above the last one held"), stale.message());
            }
            // The service's presence ended (it went away): its peer_left ends its sub-peers; a later hello hears none.
            bob.await(Frames.PeerLeft.class, l -> l.pubkey().equals(lkKey.publicKeyHex()));
            try (TestPeer carol = fx.peer(carolId)) {
                carol.hello(m.id());
                carol.sync("c-sync");
                assertFalse(carol.seen().stream().anyMatch(f -> f instanceof Frames.Subpeers), "no set outlives its service");
            }
        }
    }

    @Test
    void aServiceThatFloodsStatementsIsSlowedDownAndItsLatestSetStillCounts() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sp-flood");
        Identity aliceId = Identity.generate(), lkKey = Identity.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice")) {
            ServiceAttestation a = register(alice, aliceId, m, "livekit", lkKey, "livekit-room", "dm:read,dm:write");
            try (TestPeer lk = fx.peer(lkKey)) {
                lk.send(lk.serviceHelloFrame(m.id(), aliceId, a));
                lk.awaitAckOrFail();
                Frames.Error limited = null;
                for (int i = 0; i < 60 && limited == null; i++) {
                    Frames.SubpeersSet f = statement(lkKey, m, "f" + i, "lk:p" + i);
                    lk.send(f);
                    lk.awaitAny(x -> (x instanceof Frames.Ok o && f.id().equals(o.id())) || (x instanceof Frames.Error e && f.id().equals(e.id())));
                    limited = lk.seen().stream().filter(x -> x instanceof Frames.Error e && f.id().equals(e.id()))
                            .map(x -> (Frames.Error) x).findFirst().orElse(null);
                }
                assertTrue(limited != null, "60 statements in a row were all taken");
                assertEquals("rate_limited", limited.code());
                assertTrue(limited.message().startsWith("subpeers_set: more than 2 statements a second"), limited.message());
                lk.sync("still-open");
                // A moment later the latest whole set is taken again.
                long deadline = System.currentTimeMillis() + 30_000;
                Frames.Ok later = null;
                for (int i = 0; later == null; i++) {
                    assertTrue(System.currentTimeMillis() < deadline, "the service was never allowed again");
                    Frames.SubpeersSet f = statement(lkKey, m, "g" + i, "lk:last");
                    lk.send(f);
                    lk.awaitAny(x -> (x instanceof Frames.Ok o && f.id().equals(o.id())) || (x instanceof Frames.Error e && f.id().equals(e.id())));
                    later = lk.seen().stream().filter(x -> x instanceof Frames.Ok o && f.id().equals(o.id())).map(x -> (Frames.Ok) x)
                            .findFirst().orElse(null);
                    if (later == null) Thread.sleep(250); // polling a condition: the bucket refills at 2 a second
                }
                assertEquals("1 sub-peer", later.detail());
                alice.await(Frames.Subpeers.class, s -> s.names().equals(List.of("lk:last")));
            }
        }
    }

    @Test
    void revokingTheServiceRemovesItsSubpeers() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sp-revoke");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), carolId = Identity.generate(), lkKey = Identity.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice"); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            ServiceAttestation a = register(alice, aliceId, m, "room", lkKey, "livekit-room", "dm:read,dm:write");
            try (TestPeer lk = fx.peer(lkKey)) {
                lk.send(lk.serviceHelloFrame(m.id(), aliceId, a));
                lk.awaitAckOrFail();
                ok(lk, statement(lkKey, m, "s1", "lk:alice"));
                bob.await(Frames.Subpeers.class);
                alice.send(new Frames.ServiceRevoke("rv", "room", "done"));
                alice.await(Frames.Ok.class, o -> "rv".equals(o.id()));
                Frames.PeerLeft left = bob.await(Frames.PeerLeft.class, l -> l.pubkey().equals(lkKey.publicKeyHex()));
                assertEquals("revoked", left.reason());
            }
            try (TestPeer carol = Meshes.joined(fx, m, carolId, "carol")) {
                carol.sync("c-sync");
                assertFalse(carol.seen().stream().anyMatch(f -> f instanceof Frames.Subpeers), "a revoked service fronts nobody");
            }
        }
    }

    @Test
    void onlyAServiceThatMayFrontSubpeersCanPublishAndOnlyWellFormedSignedStatements() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sp-refuse");
        Identity aliceId = Identity.generate(), botKey = Identity.generate(), blindKey = Identity.generate(), lkKey = Identity.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice")) {
            // A member's own connection: refused, and the connection stays open.
            Frames.Error member = err(alice, statement(aliceId, m, "m1", "lk:alice"), "m1");
            assertEquals("forbidden", member.code());
            assertEquals("subpeers_set: only a service's connection may publish the sub-peers it fronts; this is a member's connection",
                    member.message());
            alice.sync("still-open");

            ServiceAttestation bot = register(alice, aliceId, m, "bot", botKey, "bot", "dm:read,dm:write");
            ServiceAttestation blind = register(alice, aliceId, m, "blind", blindKey, "livekit-room", "dm:write");
            ServiceAttestation lk = register(alice, aliceId, m, "livekit", lkKey, "livekit-room", "dm:read");
            try (TestPeer b = fx.peer(botKey); TestPeer nr = fx.peer(blindKey); TestPeer l = fx.peer(lkKey)) {
                b.send(b.serviceHelloFrame(m.id(), aliceId, bot));
                b.awaitAckOrFail();
                nr.send(nr.serviceHelloFrame(m.id(), aliceId, blind));
                nr.awaitAckOrFail();
                l.send(l.serviceHelloFrame(m.id(), aliceId, lk));
                l.awaitAckOrFail();

                Frames.Error type = err(b, statement(botKey, m, "b1", "lk:x"), "b1");
                assertEquals("forbidden", type.code());
                assertEquals("subpeers_set: service 'bot' is of type bot; only livekit, livekit-room services may front sub-peers", type.message());
                Frames.Error scope = err(nr, statement(blindKey, m, "n1", "lk:x"), "n1");
                assertEquals("forbidden", scope.code());
                assertEquals("subpeers_set: service 'blind' lacks the dm:read scope, so its sub-peers could not be reached", scope.message());

                Frames.Error badName = err(l, statement(lkKey, m, "l1", "alice"), "l1");
                assertEquals("invalid_frame", badName.code());
                assertTrue(badName.message().startsWith("subpeers_set: sub-peer name 'alice' must be <kind>:<local>"), badName.message());
                Frames.Error space = err(l, statement(lkKey, m, "l2", "lk:al ice"), "l2");
                assertEquals("invalid_frame", space.code());
                assertTrue(space.message().contains("whitespace or a control character"), space.message());
                Frames.Error tooLong = err(l, statement(lkKey, m, "l3", "lk:" + "a".repeat(129)), "l3");
                assertEquals("invalid_frame", tooLong.code());
                long s = seq.incrementAndGet();
                String[] many = new String[SubpeerSet.MAX_NAMES + 1];
                for (int i = 0; i < many.length; i++) many[i] = "lk:p" + (10000 + i);
                Frames.Error tooMany = err(l, statement(lkKey, m, "l4", many), "l4");
                assertEquals("invalid_frame", tooMany.code());
                assertEquals("subpeers_set: names has 1001 entries; at most 1000", tooMany.message());
                // Unsorted names (the signature covers the canonical order): refused, not reordered.
                SubpeerSet good = SubpeerSet.sign(lkKey, m.id(), s + 10, List.of("lk:a", "lk:b"));
                Frames.Error unsorted = err(l, new Frames.SubpeersSet("l5", good.seq(), List.of("lk:b", "lk:a"), good.signature()), "l5");
                assertEquals("invalid_frame", unsorted.code());
                assertEquals("subpeers_set: names must be unique and sorted by their UTF-8 bytes", unsorted.message());
                // Signed by another key (the owner's): bad_signature.
                SubpeerSet forged = SubpeerSet.sign(aliceId, m.id(), s + 11, List.of("lk:a"));
                Frames.Error sig = err(l, new Frames.SubpeersSet("l6", forged.seq(), forged.names(), forged.signature()), "l6");
                assertEquals("bad_signature", sig.code());
                // Signed for another mesh: bad_signature too (the mesh id is in the canonical string).
                SubpeerSet otherMesh = SubpeerSet.sign(lkKey, "m_other", s + 12, List.of("lk:a"));
                assertEquals("bad_signature", err(l, new Frames.SubpeersSet("l7", otherMesh.seq(), otherMesh.names(), otherMesh.signature()), "l7").code());
                alice.sync("a-sync");
                assertFalse(alice.seen().stream().anyMatch(f -> f instanceof Frames.Subpeers), "nothing refused was announced");
                // The well-formed one passes.
                assertEquals("1 sub-peer", ok(l, statement(lkKey, m, "l8", "lk:a")).detail());
                assertEquals(List.of("lk:a"), alice.await(Frames.Subpeers.class).names());
                // Re-registered (same key) without dm:read while connected: the current registration decides.
                register(alice, aliceId, m, "livekit", lkKey, "livekit-room", "dm:write");
                Frames.Error now = err(l, statement(lkKey, m, "l9", "lk:b"), "l9");
                assertEquals("forbidden", now.code());
                assertEquals("subpeers_set: service 'livekit' lacks the dm:read scope, so its sub-peers could not be reached", now.message());
            }
        }
    }

    @Test
    void aDmMayNameASubpeerOfItsServiceInMetaAndOtherChannelsMayNot() throws Exception {
        Meshes.Mesh m = Meshes.create(fx, "sp-meta");
        Identity aliceId = Identity.generate(), bobId = Identity.generate(), lkKey = Identity.generate();
        try (TestPeer alice = Meshes.joined(fx, m, aliceId, "alice"); TestPeer bob = Meshes.joined(fx, m, bobId, "bob")) {
            ServiceAttestation a = register(alice, aliceId, m, "livekit", lkKey, "livekit-room", "dm:read,dm:write");
            try (TestPeer lk = fx.peer(lkKey)) {
                lk.send(lk.serviceHelloFrame(m.id(), aliceId, a));
                lk.awaitAckOrFail();
                Frames.Ack ack = send(bob, "d1", lkKey.publicKeyHex(), envelope(bobId, lkKey, Channel.DM, lkKey.publicKeyHex(), "hi alice", "lk:alice"));
                Frames.Deliver d = lk.await(Frames.Deliver.class, x -> x.messageId().equals(ack.messageId()));
                assertEquals("lk:alice", d.envelope().meta().subpeer(), "meta.subpeer travels signed, unchanged");
                Frames.Error group = QueueWebSocketTest.sendErr(bob, "d2", lkKey.publicKeyHex(),
                        envelope(bobId, lkKey, Channel.GROUP, "*", "hi all", "lk:alice"));
                assertEquals("invalid_frame", group.code());
                assertEquals("send: 'envelope.meta.subpeer' is only allowed on a dm (to the service that fronts it)", group.message());
                Frames.Error bad = QueueWebSocketTest.sendErr(bob, "d3", lkKey.publicKeyHex(),
                        envelope(bobId, lkKey, Channel.DM, lkKey.publicKeyHex(), "hi", "alice"));
                assertEquals("invalid_frame", bad.code());
                assertTrue(bad.message().startsWith("send: field 'envelope.meta.subpeer': sub-peer name 'alice'"), bad.message());
            }
        }
    }

    static Envelope envelope(Identity from, Identity to, Channel channel, String target, String text, String subpeer) {
        SealedBody sealed = new BoxCipher(from).seal(to.publicKey(), text.getBytes(StandardCharsets.UTF_8));
        Body body = new Body(Base64.getEncoder().encodeToString(sealed.nonce()), Base64.getEncoder().encodeToString(sealed.ciphertext()), Body.TEXT_V1);
        Meta meta = new Meta(UUID.randomUUID().toString(), null, Priority.NEXT, null, null, null, null, null, null, null, null, null,
                System.currentTimeMillis(), subpeer);
        return EnvelopeSignature.sign(new Envelope(Envelope.VERSION, channel, target, from.publicKeyHex(), body, meta, null), from);
    }
}
