package dev.meshwire.coordinator;

import static dev.meshwire.coordinator.StoreMeshes.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.coordinator.meshstate.AuthorityKeys;
import dev.meshwire.coordinator.store.Appended;
import dev.meshwire.coordinator.store.AuthorityKey;
import dev.meshwire.coordinator.store.CoordinatorStore;
import dev.meshwire.coordinator.store.JoinResult;
import dev.meshwire.coordinator.store.MeshEffect;
import dev.meshwire.coordinator.store.MemberRecord;
import dev.meshwire.coordinator.store.MeshRecord;
import dev.meshwire.coordinator.store.Queued;
import dev.meshwire.coordinator.store.StoreException;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Sodium;
import dev.meshwire.signaling.meshstate.EventKind;
import dev.meshwire.signaling.meshstate.EventPayload;
import dev.meshwire.signaling.meshstate.MemberEntry;
import dev.meshwire.signaling.meshstate.MeshEvent;
import dev.meshwire.signaling.meshstate.MeshSnapshot;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.meshstate.StateRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The mesh-state store contract (event log, head, authority keys, effects on members, bans, revocations
 * and the queue), run unchanged against real SQLite and real PostgreSQL (subclasses
 * {@link SqliteMeshStateStoreContractTest}, {@link PostgresMeshStateStoreContractTest}). Every history
 * read back is verified by folding it through {@link MeshState#apply}, the daemons' rule book.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MeshStateStoreContractTest {
    final StoreKind kind;
    Vertx vertx;
    String url;
    CoordinatorStore store;
    /** A second store on the same database: a second coordinator (PostgreSQL), or the same store (SQLite has one writer). */
    CoordinatorStore other;
    final AtomicInteger seq = new AtomicInteger();

    MeshStateStoreContractTest(StoreKind kind) {
        this.kind = kind;
    }

    @BeforeAll
    void open() throws Exception {
        vertx = Vertx.vertx();
        Path dir = Files.createTempDirectory("mw-meshstate-test");
        url = kind.freshUrl(dir, "meshstate");
        store = kind.open(vertx, url);
        other = kind == StoreKind.POSTGRES ? kind.open(vertx, url) : store;
    }

    @AfterAll
    void close() throws Exception {
        if (other != store) other.close();
        store.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    static String key() {
        return Hex.encode(Sodium.randomBytes(32));
    }

    record Mesh(String id, String owner, AuthorityKey authority, List<String> members) {}

    Mesh mesh(int members) throws Exception {
        String meshId = "m_" + Hex.encode(Sodium.randomBytes(8));
        String owner = key();
        long now = System.currentTimeMillis();
        AuthorityKey k = StoreMeshes.create(store, new MeshRecord(meshId, "ms-" + seq.incrementAndGet() + "-" + meshId.substring(2, 8), owner, now),
                new MemberRecord(meshId, owner, "owner", MemberRecord.OWNER, now));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            String pk = key();
            MemberRecord m = new MemberRecord(meshId, pk, "m" + i, MemberRecord.MEMBER, now);
            assertInstanceOf(JoinResult.Joined.class, await(store.joinWithInvite("inv", 100, m, StoreMeshes.joined(m))));
            keys.add(pk);
        }
        return new Mesh(meshId, owner, k, keys);
    }

    /** Folds the whole stored history from the genesis authority: throws if any link does not verify. */
    MeshState fold(Mesh m) throws Exception {
        MeshState s = MeshState.empty(m.id(), m.authority().publicKey());
        for (MeshEvent e : await(store.events(m.id(), 0, 10_000))) s = s.apply(e);
        return s;
    }

    Appended append(Mesh m, String actor, EventPayload p, MeshEffect effect) throws Exception {
        return await(store.append(m.id(), StoreMeshes.sealer(m.id(), System.currentTimeMillis(), actor, p), effect));
    }

    static Queued.Enqueue msg(String mesh, String from, String to, String cmid, long now) {
        return new Queued.Enqueue("msg_" + Hex.encode(Sodium.randomBytes(12)), mesh, from, to, cmid, "fp-" + cmid, "next", "{}", now,
                now + 86_400_000L);
    }

    @Test
    void creationWritesTheGenesisEventsAndTheAuthorityKey() throws Exception {
        Mesh m = mesh(0);
        List<MeshEvent> events = await(store.events(m.id(), 0, 100));
        assertEquals(2, events.size());
        MeshEvent created = events.get(0);
        assertEquals(1, created.version());
        assertEquals(MeshEvent.ZERO_HASH, created.prev());
        assertEquals(EventKind.MESH_CREATED, created.kind());
        assertEquals(MeshEvent.COORDINATOR, created.actor());
        assertEquals(m.authority().publicKey(), ((EventPayload.MeshCreated) created.payload()).authority());
        EventPayload.MemberJoined owner = (EventPayload.MemberJoined) events.get(1).payload();
        assertEquals(m.owner(), owner.pubkey());
        assertEquals(MemberEntry.OWNER, owner.role());
        assertEquals(m.owner(), events.get(1).actor());

        MeshState s = fold(m);
        assertEquals(new StateRef(2, events.get(1).hash()), s.head());
        assertEquals(s.head(), await(store.head(m.id())).orElseThrow());
        assertEquals(m.authority().publicKey(), await(store.authorityKey(m.id())).orElseThrow().publicKey());
        assertTrue(s.isActive(m.owner(), System.currentTimeMillis()));
    }

    @Test
    void appendsChainInOrderAndEventsAfterAVersionAreExact() throws Exception {
        Mesh m = mesh(2); // v3, v4: joins
        String a = m.members().get(0);
        append(m, m.owner(), new EventPayload.RoleChanged(a, MemberEntry.ADMIN), new MeshEffect.SetRole(a, MemberEntry.ADMIN));
        append(m, a, new EventPayload.MemberRenamed(a, "alice"), new MeshEffect.Rename(a, "alice"));
        append(m, m.owner(), new EventPayload.ExpirySet(a, 4_000_000_000_000L), new MeshEffect.SetExpiry(a, 4_000_000_000_000L));
        append(m, m.owner(), new EventPayload.MemberKicked(a, "test"), new MeshEffect.None());
        Appended last = append(m, m.owner(), new EventPayload.MemberLeft(m.members().get(1)), new MeshEffect.RemoveMember(m.members().get(1)));
        assertEquals(9, last.event().version());

        MeshState s = fold(m);
        assertEquals(last.event().ref(), s.head());
        MemberEntry alice = s.entry(a).orElseThrow();
        assertEquals("alice", alice.name());
        assertEquals(MemberEntry.ADMIN, alice.role());
        assertEquals(4_000_000_000_000L, alice.expiresAt());
        assertTrue(s.entry(m.members().get(1)).isEmpty(), "a member who left is gone from the state");

        List<MeshEvent> after4 = await(store.events(m.id(), 4, 100));
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L), after4.stream().map(MeshEvent::version).toList());
        assertEquals(List.of(5L, 6L), await(store.events(m.id(), 4, 2)).stream().map(MeshEvent::version).toList());
        assertTrue(await(store.events(m.id(), 9, 100)).isEmpty());
        assertEquals(after4.get(0).hash(), await(store.event(m.id(), 5)).orElseThrow().hash());
        assertEquals(await(store.event(m.id(), 4)).orElseThrow().hash(), after4.get(0).prev());

        // the store's own tables follow the events
        MemberRecord stored = await(store.findMember(m.id(), a)).orElseThrow();
        assertEquals("alice", stored.name());
        assertEquals(MemberEntry.ADMIN, stored.role());
        assertEquals(4_000_000_000_000L, stored.expiresAt());
        assertTrue(await(store.findMember(m.id(), m.members().get(1))).isEmpty());
    }

    @Test
    void aJoinOfACurrentMemberAppendsNothingAndARenameToATakenNameWritesNothing() throws Exception {
        Mesh m = mesh(2);
        StateRef head = await(store.head(m.id())).orElseThrow();
        MemberRecord again = new MemberRecord(m.id(), m.members().get(0), "m0", MemberRecord.MEMBER, System.currentTimeMillis());
        JoinResult.Joined j = (JoinResult.Joined) await(store.joinWithInvite("inv2", 100, again, StoreMeshes.joined(again)));
        assertTrue(j.alreadyMember());
        assertNull(j.event());
        String b = m.members().get(1);
        Exception e = assertThrows(Exception.class, () -> append(m, b, new EventPayload.MemberRenamed(b, "m0"), new MeshEffect.Rename(b, "m0")));
        assertInstanceOf(StoreException.NameTaken.class, rootStore(e));
        assertEquals(head, await(store.head(m.id())).orElseThrow());
        assertEquals(head.version(), fold(m).version());
    }

    private static Throwable rootStore(Throwable e) {
        Throwable t = e;
        while (t != null && !(t instanceof StoreException.NameTaken)) t = t.getCause();
        return t == null ? e : t;
    }

    @Test
    void concurrentAppendsNeitherGapNorFork() throws Exception {
        Mesh m = mesh(1);
        String a = m.members().get(0);
        List<Future<Appended>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            CoordinatorStore s = i % 2 == 0 ? store : other;
            all.add(s.append(m.id(), StoreMeshes.sealer(m.id(), System.currentTimeMillis(), m.owner(), new EventPayload.MemberKicked(a, "k" + i)),
                    new MeshEffect.None()));
        }
        Set<Long> versions = new HashSet<>();
        for (Future<Appended> f : all) versions.add(await(f).event().version());
        Set<Long> expected = new HashSet<>();
        for (long v = 4; v < 44; v++) expected.add(v);
        assertEquals(expected, versions, "40 appends take versions 4..43, each once");
        MeshState s = fold(m);
        assertEquals(43, s.version());
        assertEquals(s.head(), await(store.head(m.id())).orElseThrow());
    }

    @Test
    void aSnapshotBuiltFromStoredEventsVerifiesAcrossARotation() throws Exception {
        Mesh m = mesh(2);
        AuthorityKey next = AuthorityKeys.generate(m.id(), System.currentTimeMillis());
        Appended rot = await(store.append(m.id(), (head, signer) -> MeshEvent.seal(AuthorityKeys.identity(signer), m.id(), head,
                System.currentTimeMillis(), MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(signer.publicKey(), next.publicKey())),
                new MeshEffect.RotateAuthority(next)));
        assertTrue(rot.event().signedBy(m.authority().publicKey()), "the rotation is signed by the previous key");
        // the next event is signed by the new key
        Appended after = StoreMeshes.revoke(store, m.id(), m.members().get(0), m.owner(), "lost laptop", System.currentTimeMillis());
        assertTrue(after.event().signedBy(next.publicKey()));

        List<AuthorityKey> keys = await(store.authorityKeys(m.id()));
        assertEquals(2, keys.size());
        assertEquals(m.authority().publicKey(), keys.get(0).publicKey());
        assertNotNull(keys.get(0).retiredAt(), "the old key is kept, retired");
        assertNull(keys.get(1).retiredAt());
        assertEquals(next.publicKey(), await(store.authorityKey(m.id())).orElseThrow().publicKey());

        MeshState s = fold(m);
        assertEquals(next.publicKey(), s.authority());
        MeshEvent headEvent = await(store.event(m.id(), s.version())).orElseThrow();
        List<MeshEvent> rotations = await(store.eventsOfKind(m.id(), EventKind.AUTHORITY_ROTATED));
        assertEquals(List.of(rot.event().version()), rotations.stream().map(MeshEvent::version).toList());
        MeshSnapshot snap = MeshSnapshot.seal(AuthorityKeys.identity(await(store.authorityKey(m.id())).orElseThrow()), s, headEvent, rotations,
                System.currentTimeMillis());
        MeshState installed = snap.verify(m.id(), m.authority().publicKey(), new StateRef(3, await(store.event(m.id(), 3)).orElseThrow().hash()));
        assertEquals(s.head(), installed.head());
        assertEquals(MemberEntry.REVOKED, installed.entry(m.members().get(0)).orElseThrow().status());
    }

    @Test
    void aBanDropsQueuedMessagesFromTheKeyAndHidesItFromTheMemberList() throws Exception {
        Mesh m = mesh(2);
        String a = m.members().get(0), b = m.members().get(1);
        long now = System.currentTimeMillis();
        List<Queued.Result> rs = await(store.enqueue(List.of(msg(m.id(), a, b, "1", now), msg(m.id(), a, m.owner(), "2", now),
                msg(m.id(), b, a, "3", now)), 1000));
        rs.forEach(r -> assertInstanceOf(Queued.Result.Accepted.class, r));
        Appended ban = StoreMeshes.ban(store, m.id(), a, "m0", m.owner(), now);
        assertEquals(2, ban.droppedMessages(), "both messages from the banned key are dropped");
        assertEquals(0L, await(store.queueDepth(m.id(), b)));
        assertEquals(1L, await(store.queueDepth(m.id(), a)), "messages to a banned member wait (an unban may follow)");
        assertTrue(await(store.claim(m.id(), b, "c", 0, 10, now, 30_000)).isEmpty());
        assertFalse(await(store.listMembers(m.id())).stream().anyMatch(x -> x.pubkey().equals(a)), "listMembers excludes banned keys");
        assertEquals(MemberEntry.BANNED, fold(m).entry(a).orElseThrow().status());
        assertEquals(new Queued.Result.SenderInactive("banned"), await(store.enqueue(List.of(msg(m.id(), a, b, "4", now)), 1000)).get(0));
        assertInstanceOf(Queued.Result.RecipientBanned.class, await(store.enqueue(List.of(msg(m.id(), b, a, "5", now)), 1000)).get(0));
    }

    @Test
    void aRevocationDropsQueuedMessagesFromAndToTheKeyAndIsRecorded() throws Exception {
        Mesh m = mesh(2);
        String a = m.members().get(0), b = m.members().get(1);
        long now = System.currentTimeMillis();
        await(store.enqueue(List.of(msg(m.id(), a, b, "1", now), msg(m.id(), a, b, "2", now), msg(m.id(), b, a, "3", now),
                msg(m.id(), m.owner(), a, "4", now), msg(m.id(), m.owner(), b, "5", now)), 1000));
        Appended rev = StoreMeshes.revoke(store, m.id(), a, m.owner(), "stolen key", now);
        assertEquals(4, rev.droppedMessages());
        assertEquals(1L, await(store.queueDepth(m.id(), b)), "only the owner's message to b is left");
        assertEquals(0L, await(store.queueDepth(m.id(), a)));
        var record = await(store.findRevocation(m.id(), a)).orElseThrow();
        assertEquals(m.owner(), record.revokedBy());
        assertEquals("stolen key", record.reason());
        assertEquals(now, record.revokedAt());
        assertFalse(await(store.listMembers(m.id())).stream().anyMatch(x -> x.pubkey().equals(a)), "listMembers excludes revoked keys");
        assertEquals(new Queued.Result.SenderInactive("revoked"), await(store.enqueue(List.of(msg(m.id(), a, b, "6", now)), 1000)).get(0));
        assertInstanceOf(Queued.Result.RecipientRevoked.class, await(store.enqueue(List.of(msg(m.id(), b, a, "7", now)), 1000)).get(0));
        MemberEntry e = fold(m).entry(a).orElseThrow();
        assertEquals(MemberEntry.REVOKED, e.status());
        assertEquals("stolen key", e.reason());
    }

    @Test
    void anExpiredMemberNeitherSendsNorReceives() throws Exception {
        Mesh m = mesh(2);
        String a = m.members().get(0), b = m.members().get(1);
        long now = System.currentTimeMillis();
        append(m, m.owner(), new EventPayload.ExpirySet(a, now - 1), new MeshEffect.SetExpiry(a, now - 1));
        assertInstanceOf(Queued.Result.RecipientExpired.class, await(store.enqueue(List.of(msg(m.id(), b, a, "1", now)), 1000)).get(0));
        assertEquals(new Queued.Result.SenderInactive("expired"), await(store.enqueue(List.of(msg(m.id(), a, b, "2", now)), 1000)).get(0));
        append(m, m.owner(), new EventPayload.ExpirySet(a, null), new MeshEffect.SetExpiry(a, null));
        assertInstanceOf(Queued.Result.Accepted.class, await(store.enqueue(List.of(msg(m.id(), b, a, "3", now)), 1000)).get(0));
        assertNull(await(store.findMember(m.id(), a)).orElseThrow().expiresAt());
    }

    @Test
    void aMeshWithoutStateIsRefusedAndCanBeAdopted() throws Exception {
        Exception e = assertThrows(Exception.class, () -> await(store.append("m_nosuchmesh", StoreMeshes.sealer("m_nosuchmesh", 1, "x",
                new EventPayload.MemberLeft(key())), new MeshEffect.None())));
        assertNotNull(e);
        Mesh m = mesh(0);
        assertFalse(await(store.adoptMesh(m.id(), AuthorityKeys.generate(m.id(), 1), List.of())), "a mesh with state is not adopted again");
    }
}
