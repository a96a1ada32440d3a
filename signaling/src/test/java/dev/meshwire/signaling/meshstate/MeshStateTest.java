package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.meshstate.Chain.refused;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.BAD_SIGNATURE;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.CHAIN_BROKEN;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.MALFORMED;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.REPLAY;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.UNKNOWN_AUTHORITY;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.VERSION_GAP;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.WRONG_MESH;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule book ({@link MeshState#apply}) with real Ed25519 keys from libsodium. */
class MeshStateTest {
    static final String MESH = "m_a1b2c3d4e5f60718";

    final Identity authority = Identity.generate();
    final Identity owner = Identity.generate();
    final Identity alice = Identity.generate();
    final Identity bob = Identity.generate();
    final Identity carol = Identity.generate();
    final Identity mallory = Identity.generate();

    final String ownerKey = owner.publicKeyHex();
    final String aliceKey = alice.publicKeyHex();
    final String bobKey = bob.publicKeyHex();
    final String carolKey = carol.publicKeyHex();
    final String malloryKey = mallory.publicKeyHex();

    Chain team() {
        return Chain.created(MESH, "team", authority, owner, "owner");
    }

    /** v1..v5: created, owner, alice (member), bob (member), carol (admin). */
    Chain teamOfFour() {
        Chain c = team();
        c.add(aliceKey, new EventPayload.MemberJoined(aliceKey, "alice", MemberEntry.MEMBER, null));
        c.add(bobKey, new EventPayload.MemberJoined(bobKey, "bob", MemberEntry.MEMBER, null));
        c.add(carolKey, new EventPayload.MemberJoined(carolKey, "carol", MemberEntry.ADMIN, null));
        return c;
    }

    MemberEntry entry(Chain c, String key) {
        return c.state.entry(key).orElseThrow(() -> new AssertionError("no entry for " + key));
    }

    // ---------------------------------------------------------------- a valid history

    @Test
    void genesisAndOwner() {
        Chain c = new Chain(MESH, authority);
        assertEquals(0, c.state.version());
        assertEquals(StateRef.EMPTY, c.state.head());
        assertNull(c.state.name());
        assertEquals(authority.publicKeyHex(), c.state.authority());

        MeshEvent v1 = c.add(MeshEvent.COORDINATOR, new EventPayload.MeshCreated("team", ownerKey, authority.publicKeyHex()));
        assertEquals(1, v1.version());
        assertEquals(MeshEvent.ZERO_HASH, v1.prev());
        assertEquals(new StateRef(1, v1.hash()), c.state.head());
        assertEquals(v1.ref(), c.state.head());
        assertEquals("team", c.state.name());
        assertTrue(c.state.entries().isEmpty(), "mesh_created alone makes no member");
        assertTrue(v1.signedBy(authority.publicKeyHex()));
        assertFalse(v1.signedBy(ownerKey));
        assertEquals(128, v1.signature().length());
        assertTrue(v1.hash().matches("[0-9a-f]{64}"));

        MeshEvent v2 = c.add(ownerKey, new EventPayload.MemberJoined(ownerKey, "owner", MemberEntry.OWNER, null));
        assertEquals(2, v2.version());
        assertEquals(v1.hash(), v2.prev());
        assertEquals(v2.ref(), c.state.head());
        MemberEntry o = entry(c, ownerKey);
        assertEquals(new MemberEntry(ownerKey, "owner", MemberEntry.OWNER, MemberEntry.ACTIVE, v2.at(), v2.at(), null, null, ownerKey), o);
        assertTrue(o.wasMember());
        assertTrue(o.canModerate());
        assertTrue(c.state.isActive(ownerKey, Long.MAX_VALUE));
        assertFalse(c.state.isActive(aliceKey, 0));
        assertFalse(c.state.isActive(null, 0));
    }

    @Test
    void joinsRenameAndRoleChange() {
        Chain c = teamOfFour();
        assertEquals(5, c.state.version());
        assertEquals(List.of(aliceKey, bobKey, carolKey, ownerKey).stream().sorted().toList(),
                c.state.entries().stream().map(MemberEntry::pubkey).toList(), "entries sorted by pubkey");
        assertEquals(MemberEntry.ADMIN, entry(c, carolKey).role());
        assertTrue(entry(c, carolKey).canModerate());
        assertFalse(entry(c, aliceKey).canModerate());

        MeshEvent rename = c.add(aliceKey, new EventPayload.MemberRenamed(aliceKey, "alice2"));
        assertEquals("alice2", entry(c, aliceKey).name());
        assertEquals(c.event(3).at(), entry(c, aliceKey).joinedAt(), "rename keeps joinedAt");
        assertEquals(rename.ref(), c.state.head());

        c.add(ownerKey, new EventPayload.RoleChanged(aliceKey, MemberEntry.ADMIN));
        assertEquals(MemberEntry.ADMIN, entry(c, aliceKey).role());
        assertEquals("alice2", entry(c, aliceKey).name());
        c.add(ownerKey, new EventPayload.RoleChanged(aliceKey, MemberEntry.MEMBER));
        assertEquals(MemberEntry.MEMBER, entry(c, aliceKey).role());
        assertEquals(MemberEntry.ACTIVE, entry(c, aliceKey).status());

        // rename / role change of an unknown key changes nothing but the head
        List<MemberEntry> before = List.copyOf(c.state.entries());
        MeshEvent ghost = c.add(ownerKey, new EventPayload.MemberRenamed(malloryKey, "ghost"));
        c.add(ownerKey, new EventPayload.RoleChanged(malloryKey, MemberEntry.ADMIN));
        assertEquals(before, List.copyOf(c.state.entries()));
        assertEquals(ghost.version() + 1, c.state.version());
    }

    @Test
    void banAndUnbanOfAMember() {
        Chain c = teamOfFour();
        MeshEvent ban = c.add(carolKey, new EventPayload.MemberBanned(bobKey, "bob", "spam"));
        MemberEntry b = entry(c, bobKey);
        assertEquals(MemberEntry.BANNED, b.status());
        assertEquals("spam", b.reason());
        assertEquals(carolKey, b.by());
        assertEquals(ban.at(), b.since());
        assertEquals(c.event(4).at(), b.joinedAt());
        assertEquals("bob", b.name());
        assertEquals(MemberEntry.MEMBER, b.role());
        assertFalse(c.state.isActive(bobKey, ban.at()));
        assertFalse(b.activeAt(0));
        assertFalse(b.expiredAt(Long.MAX_VALUE), "banned is not 'expired'");

        // a left of a banned key does not erase the ban
        c.add(bobKey, new EventPayload.MemberLeft(bobKey));
        assertEquals(MemberEntry.BANNED, entry(c, bobKey).status());

        MeshEvent unban = c.add(ownerKey, new EventPayload.MemberUnbanned(bobKey));
        b = entry(c, bobKey);
        assertEquals(MemberEntry.ACTIVE, b.status());
        assertNull(b.reason());
        assertEquals(ownerKey, b.by());
        assertEquals(unban.at(), b.since());
        assertEquals(MemberEntry.MEMBER, b.role(), "an unbanned member keeps its role");
        assertTrue(c.state.isActive(bobKey, unban.at()));

        // unban of an active member or of an unknown key is a no-op
        List<MemberEntry> before = List.copyOf(c.state.entries());
        c.add(ownerKey, new EventPayload.MemberUnbanned(bobKey));
        c.add(ownerKey, new EventPayload.MemberUnbanned(malloryKey));
        assertEquals(before, List.copyOf(c.state.entries()));
    }

    @Test
    void banAndUnbanOfAKeyThatNeverWasAMember() {
        Chain c = team();
        MeshEvent ban = c.add(ownerKey, new EventPayload.MemberBanned(malloryKey, null, "abuse"));
        MemberEntry m = entry(c, malloryKey);
        assertEquals(new MemberEntry(malloryKey, null, null, MemberEntry.BANNED, 0, ban.at(), null, "abuse", ownerKey), m);
        assertFalse(m.wasMember());
        assertFalse(c.state.isActive(malloryKey, ban.at()));
        assertEquals(2, c.state.entries().size(), "a banned key stays known");

        c.add(ownerKey, new EventPayload.MemberBanned(bobKey, "bob", null));
        assertEquals("bob", entry(c, bobKey).name(), "a ban may name the key");

        c.add(ownerKey, new EventPayload.MemberUnbanned(malloryKey));
        assertTrue(c.state.entry(malloryKey).isEmpty(), "unban of a never-member forgets the key");
        assertFalse(c.state.isActive(malloryKey, Long.MAX_VALUE));
    }

    @Test
    void revokeIsTerminal() {
        Chain c = teamOfFour();
        MeshEvent revoke = c.add(carolKey, new EventPayload.MemberRevoked(bobKey, "laptop stolen"));
        MemberEntry b = entry(c, bobKey);
        assertEquals(MemberEntry.REVOKED, b.status());
        assertEquals("laptop stolen", b.reason());
        assertEquals(carolKey, b.by());
        assertEquals(revoke.at(), b.since());
        assertFalse(c.state.isActive(bobKey, revoke.at()));

        c.add(ownerKey, new EventPayload.MemberBanned(bobKey, "bob", "also banned"));
        assertEquals(b, entry(c, bobKey), "a ban does not overwrite a revocation");
        c.add(ownerKey, new EventPayload.MemberUnbanned(bobKey));
        assertEquals(b, entry(c, bobKey), "an unban does not un-revoke");
        c.add(bobKey, new EventPayload.MemberLeft(bobKey));
        assertEquals(b, entry(c, bobKey), "a revoked key cannot leave (and so be forgotten)");
        c.add(ownerKey, new EventPayload.MemberKicked(bobKey, "bye"));
        assertEquals(MemberEntry.REVOKED, entry(c, bobKey).status());
        c.add(bobKey, new EventPayload.MemberJoined(bobKey, "bob", MemberEntry.MEMBER, null));
        assertEquals(MemberEntry.REVOKED, entry(c, bobKey).status(), "a join does not un-revoke");
        assertFalse(c.state.isActive(bobKey, Long.MAX_VALUE));
    }

    @Test
    void revokeOfAKeyThatNeverWasAMember() {
        Chain c = team();
        MeshEvent revoke = c.add(ownerKey, new EventPayload.MemberRevoked(malloryKey, "leaked"));
        assertEquals(new MemberEntry(malloryKey, null, null, MemberEntry.REVOKED, 0, revoke.at(), null, "leaked", ownerKey),
                entry(c, malloryKey));
        c.add(ownerKey, new EventPayload.MemberUnbanned(malloryKey));
        assertEquals(MemberEntry.REVOKED, entry(c, malloryKey).status(), "unban does not forget a revoked key");
    }

    @Test
    void leftRemovesTheMember() {
        Chain c = teamOfFour();
        c.add(aliceKey, new EventPayload.MemberLeft(aliceKey));
        assertTrue(c.state.entry(aliceKey).isEmpty());
        assertFalse(c.state.isActive(aliceKey, 0));
        assertEquals(3, c.state.entries().size());
        // the name is free: another key may take it, and alice may come back
        c.add(malloryKey, new EventPayload.MemberJoined(malloryKey, "alice", MemberEntry.MEMBER, null));
        MeshEvent back = c.add(aliceKey, new EventPayload.MemberJoined(aliceKey, "alice-again", MemberEntry.MEMBER, null));
        assertEquals(back.at(), entry(c, aliceKey).joinedAt());
        // left of an unknown key: nothing
        List<MemberEntry> before = List.copyOf(c.state.entries());
        c.add(carolKey, new EventPayload.MemberLeft(Identity.generate().publicKeyHex()));
        assertEquals(before, List.copyOf(c.state.entries()));
    }

    @Test
    void expiryIsEnforcedThroughActiveAt() {
        Chain c = teamOfFour();
        long end = Chain.T0 + 86_400_000L;
        c.add(carolKey, new EventPayload.ExpirySet(aliceKey, end));
        MemberEntry a = entry(c, aliceKey);
        assertEquals(end, a.expiresAt());
        assertEquals(MemberEntry.ACTIVE, a.status(), "expiry does not change the status");
        assertTrue(a.activeAt(end - 1));
        assertFalse(a.activeAt(end), "expiresAt itself is already past");
        assertFalse(a.expiredAt(end - 1));
        assertTrue(a.expiredAt(end));
        assertTrue(c.state.isActive(aliceKey, end - 1));
        assertFalse(c.state.isActive(aliceKey, end));

        c.add(carolKey, new EventPayload.ExpirySet(aliceKey, null));
        assertNull(entry(c, aliceKey).expiresAt());
        assertTrue(c.state.isActive(aliceKey, Long.MAX_VALUE), "null clears the expiry");

        // a join may carry an expiry from the start
        Identity guest = Identity.generate();
        c.add(guest.publicKeyHex(), new EventPayload.MemberJoined(guest.publicKeyHex(), "guest", MemberEntry.MEMBER, end));
        assertEquals(end, entry(c, guest.publicKeyHex()).expiresAt());
        assertFalse(c.state.isActive(guest.publicKeyHex(), end));
        // expiry of an unknown key: nothing
        List<MemberEntry> before = List.copyOf(c.state.entries());
        c.add(carolKey, new EventPayload.ExpirySet(malloryKey, end));
        assertEquals(before, List.copyOf(c.state.entries()));
    }

    @Test
    void kickedChangesNothingButTheHead() {
        Chain c = teamOfFour();
        List<MemberEntry> before = List.copyOf(c.state.entries());
        MeshEvent kick = c.add(carolKey, new EventPayload.MemberKicked(aliceKey, "flooding"));
        assertEquals(before, List.copyOf(c.state.entries()));
        assertEquals(kick.ref(), c.state.head());
        assertTrue(c.state.isActive(aliceKey, kick.at()));
        c.add(carolKey, new EventPayload.MemberKicked(aliceKey, null));
        assertEquals(before, List.copyOf(c.state.entries()));
    }

    @Test
    void unknownKindIsANoOpButStillChainedAndVerified() {
        Chain c = teamOfFour();
        List<MemberEntry> before = List.copyOf(c.state.entries());
        ObjectNode data = Json.MAPPER.createObjectNode().put("group", "ops").put("count", 3);
        data.putArray("members").add(aliceKey);
        MeshEvent future = c.raw(authority, "widget_created", data);
        assertEquals(new EventPayload.Unknown("widget_created"), future.payload());
        c.push(future);
        assertEquals(before, List.copyOf(c.state.entries()));
        assertEquals(future.ref(), c.state.head());
        assertEquals("team", c.state.name());
        // the next event must chain on it
        MeshEvent next = c.add(ownerKey, new EventPayload.MemberRenamed(aliceKey, "al"));
        assertEquals(future.hash(), next.prev());
        // and an unknown kind is still signature-checked, mesh-checked and chain-checked
        refused(c.state, c.raw(mallory, "widget_created", data), BAD_SIGNATURE);
        refused(c.state, future, REPLAY);
        // floats are outside canonical JSON: refused as malformed rather than guessed at
        refused(c.state, new MeshEvent(MESH, c.state.version() + 1, c.state.head().head(), "widget_created", 1L,
                MeshEvent.COORDINATOR, Json.MAPPER.createObjectNode().put("x", 1.5), "00".repeat(64)), MALFORMED);
    }

    @Test
    void sameHistoryGivesSameHashesOnAnyReplica() {
        Chain c = teamOfFour();
        c.add(carolKey, new EventPayload.MemberRevoked(bobKey, "x"));
        MeshState replica = MeshState.empty(MESH, authority.publicKeyHex());
        for (MeshEvent e : c.events) replica = replica.apply(e);
        assertEquals(c.state.head(), replica.head());
        assertEquals(List.copyOf(c.state.entries()), List.copyOf(replica.entries()));
        assertEquals(c.state.name(), replica.name());
        assertEquals(c.state.authority(), replica.authority());
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void forgedSignatureIsRefused() {
        Chain c = teamOfFour();
        MeshEvent forged = MeshEvent.seal(mallory, MESH, c.state.head(), c.nextAt(), malloryKey,
                new EventPayload.MemberJoined(malloryKey, "mallory", MemberEntry.OWNER, null));
        refused(c.state, forged, BAD_SIGNATURE);

        MeshEvent good = c.seal(ownerKey, new EventPayload.MemberRenamed(aliceKey, "al"));
        ObjectNode altered = good.data().deepCopy();
        altered.put("name", "mallory");
        refused(c.state, new MeshEvent(good.mesh(), good.version(), good.prev(), good.kind(), good.at(), good.actor(), altered,
                good.signature()), BAD_SIGNATURE);
        refused(c.state, new MeshEvent(good.mesh(), good.version(), good.prev(), good.kind(), good.at() + 1, good.actor(),
                good.data(), good.signature()), BAD_SIGNATURE);
        refused(c.state, new MeshEvent(good.mesh(), good.version(), good.prev(), good.kind(), good.at(), malloryKey,
                good.data(), good.signature()), BAD_SIGNATURE);
        refused(c.state, new MeshEvent(good.mesh(), good.version(), good.prev(), good.kind(), good.at(), good.actor(),
                good.data(), null), BAD_SIGNATURE);
        refused(c.state, new MeshEvent(good.mesh(), good.version(), good.prev(), good.kind(), good.at(), good.actor(),
                good.data(), "zz"), BAD_SIGNATURE);
        // the refused attempts did not disturb the replica: the genuine event still applies
        c.push(good);
        assertEquals("al", entry(c, aliceKey).name());
    }

    @Test
    void replayedOldEventIsRefused() {
        Chain c = teamOfFour();
        for (long v = 1; v <= 5; v++) {
            MeshStateException ex = refused(c.state, c.event(v), REPLAY);
            assertTrue(ex.getMessage().contains("v" + v), ex.getMessage());
        }
        // a replayed member_joined after the member left would bring it back: refused
        c.add(aliceKey, new EventPayload.MemberLeft(aliceKey));
        refused(c.state, c.event(3), REPLAY);
        assertTrue(c.state.entry(aliceKey).isEmpty());
    }

    @Test
    void versionGapIsRefused() {
        Chain c = teamOfFour();
        MeshEvent skipped = c.seal(ownerKey, new EventPayload.MemberRenamed(aliceKey, "a"));
        MeshEvent after = MeshEvent.seal(authority, MESH, skipped.ref(), c.nextAt() + 1, ownerKey,
                new EventPayload.MemberRevoked(bobKey, "x"));
        assertEquals(c.state.version() + 2, after.version());
        refused(c.state, after, VERSION_GAP);
        MeshEvent far = MeshEvent.seal(authority, MESH, new StateRef(100, c.state.head().head()), c.nextAt(), ownerKey,
                new EventPayload.MemberRevoked(bobKey, "x"));
        refused(c.state, far, VERSION_GAP);
        // with the missing event in between, both apply
        c.push(skipped);
        c.push(after);
        assertEquals(MemberEntry.REVOKED, entry(c, bobKey).status());
    }

    @Test
    void eventOfAnotherMeshIsRefused() {
        Chain c = teamOfFour();
        MeshEvent other = MeshEvent.seal(authority, "m_ffffffffffffffff", c.state.head(), c.nextAt(), ownerKey,
                new EventPayload.MemberRevoked(aliceKey, "x"));
        refused(c.state, other, WRONG_MESH);
        // a whole other mesh signed by the same authority key cannot be spliced in, even at v1
        Chain elsewhere = Chain.created("m_ffffffffffffffff", "other", authority, owner, "owner");
        refused(new Chain(MESH, authority).state, elsewhere.event(1), WRONG_MESH);
        refused(c.state, new MeshEvent(null, 6, c.state.head().head(), EventKind.MEMBER_LEFT, 1, ownerKey,
                Json.MAPPER.createObjectNode().put("pubkey", aliceKey), "00".repeat(64)), WRONG_MESH);
    }

    @Test
    void brokenChainIsRefused() {
        Chain a = teamOfFour();
        // another history of the same mesh, same authority: it differs from v3 on
        Chain b = team();
        b.add(aliceKey, new EventPayload.MemberJoined(aliceKey, "alice", MemberEntry.ADMIN, null));
        b.add(bobKey, new EventPayload.MemberJoined(bobKey, "bob", MemberEntry.MEMBER, null));
        b.add(carolKey, new EventPayload.MemberJoined(carolKey, "carol", MemberEntry.ADMIN, null));
        assertEquals(a.event(2), b.event(2), "v1 and v2 are identical");
        assertNotEquals(a.event(3).hash(), b.event(3).hash());
        MeshEvent fork = b.add(ownerKey, new EventPayload.MemberRevoked(aliceKey, "x"));
        assertEquals(a.state.version() + 1, fork.version());
        MeshStateException ex = refused(a.state, fork, CHAIN_BROKEN);
        assertTrue(ex.getMessage().contains("rewritten"), ex.getMessage());
        refused(a.state, MeshEvent.seal(authority, MESH, new StateRef(5, MeshEvent.ZERO_HASH), a.nextAt(), ownerKey,
                new EventPayload.MemberLeft(aliceKey)), CHAIN_BROKEN);
        // a forger who also breaks the chain is refused on the chain first
        refused(a.state, MeshEvent.seal(mallory, MESH, new StateRef(5, b.event(5).hash()), a.nextAt(), ownerKey,
                new EventPayload.MemberLeft(aliceKey)), CHAIN_BROKEN);
    }

    @Test
    void malformedDataIsRefused() {
        Chain c = teamOfFour();
        ObjectNode joined = Json.MAPPER.createObjectNode().put("pubkey", malloryKey).put("name", "mallory").put("role", "member");
        c.raw(authority, EventKind.MEMBER_JOINED, joined).payload(); // the well-formed one parses

        refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, joined.deepCopy().put("pubkey", "abc")), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, joined.deepCopy().put("pubkey", malloryKey.toUpperCase())), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, joined.deepCopy().put("pubkey", malloryKey + "00")), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, joined.deepCopy().put("role", "root")), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, joined.deepCopy().put("name", "bad name|x")), MALFORMED);
        ObjectNode noName = joined.deepCopy();
        noName.remove("name");
        MeshStateException ex = refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, noName), MALFORMED);
        assertTrue(ex.getMessage().contains("name"), ex.getMessage());
        ObjectNode noKey = joined.deepCopy();
        noKey.remove("pubkey");
        ex = refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, noKey), MALFORMED);
        assertTrue(ex.getMessage().contains("pubkey"), ex.getMessage());
        ObjectNode noRole = joined.deepCopy();
        noRole.remove("role");
        refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, noRole), MALFORMED);
        ObjectNode wrongType = joined.deepCopy();
        wrongType.putObject("pubkey");
        refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, wrongType), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, Json.MAPPER.createArrayNode().add(malloryKey)), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.MEMBER_JOINED, Json.MAPPER.getNodeFactory().textNode("x")), MALFORMED);

        refused(c.state, c.raw(authority, EventKind.ROLE_CHANGED,
                Json.MAPPER.createObjectNode().put("pubkey", aliceKey).put("role", "Admin")), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.ROLE_CHANGED, Json.MAPPER.createObjectNode().put("pubkey", aliceKey)), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.MEMBER_REVOKED, Json.MAPPER.createObjectNode().put("reason", "x")), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.MEMBER_LEFT, Json.MAPPER.createObjectNode().put("pubkey", "coordinator")), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.MEMBER_BANNED,
                Json.MAPPER.createObjectNode().put("pubkey", malloryKey).put("name", "")), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.EXPIRY_SET,
                Json.MAPPER.createObjectNode().put("pubkey", aliceKey).put("expiresAt", "tomorrow")), MALFORMED);
        refused(c.state, c.raw(authority, EventKind.AUTHORITY_ROTATED,
                Json.MAPPER.createObjectNode().put("previous", authority.publicKeyHex())), MALFORMED);

        // missing envelope fields
        MeshEvent good = c.seal(ownerKey, new EventPayload.MemberLeft(aliceKey));
        refused(c.state, new MeshEvent(MESH, good.version(), null, good.kind(), good.at(), good.actor(), good.data(), good.signature()), MALFORMED);
        refused(c.state, new MeshEvent(MESH, good.version(), good.prev(), null, good.at(), good.actor(), good.data(), good.signature()), MALFORMED);
        refused(c.state, new MeshEvent(MESH, good.version(), good.prev(), good.kind(), good.at(), null, good.data(), good.signature()), MALFORMED);
        refused(c.state, new MeshEvent(MESH, good.version(), good.prev(), good.kind(), good.at(), good.actor(), null, good.signature()), MALFORMED);
        refused(c.state, new MeshEvent(MESH, good.version(), good.prev(), good.kind(), good.at(), "a|b", good.data(), good.signature()), MALFORMED);
        refused(c.state, null, MALFORMED);
        c.push(good);
    }

    @Test
    void firstEventMustBeMeshCreatedAndOnlyIt() {
        Chain c = new Chain(MESH, authority);
        MeshEvent notGenesis = c.seal(ownerKey, new EventPayload.MemberJoined(ownerKey, "owner", MemberEntry.OWNER, null));
        MeshStateException ex = refused(c.state, notGenesis, MALFORMED);
        assertTrue(ex.getMessage().contains("v1 must be mesh_created"), ex.getMessage());

        Chain t = teamOfFour();
        MeshEvent again = t.seal(MeshEvent.COORDINATOR, new EventPayload.MeshCreated("renamed", malloryKey, authority.publicKeyHex()));
        ex = refused(t.state, again, MALFORMED);
        assertTrue(ex.getMessage().contains("only be event v1"), ex.getMessage());
        refused(c.state, c.raw(authority, EventKind.MESH_CREATED, Json.MAPPER.createObjectNode().put("name", "Team!")
                .put("owner", ownerKey).put("authority", authority.publicKeyHex())), MALFORMED);
    }

    @Test
    void genesisNamingAnotherAuthorityIsRefused() {
        Chain c = new Chain(MESH, authority);
        // signed by the pinned key but naming another: the pinned key does not hand over this way
        MeshEvent otherNamed = c.seal(MeshEvent.COORDINATOR, new EventPayload.MeshCreated("team", ownerKey, malloryKey));
        refused(c.state, otherNamed, UNKNOWN_AUTHORITY);
        // a genesis made by another authority (naming itself): not signed by the pinned key
        MeshEvent foreign = MeshEvent.seal(mallory, MESH, StateRef.EMPTY, Chain.T0, MeshEvent.COORDINATOR,
                new EventPayload.MeshCreated("team", ownerKey, malloryKey));
        refused(c.state, foreign, BAD_SIGNATURE);
        // a replica that pinned mallory's key (e.g. a forged invite) refuses the genuine genesis
        Chain genuine = team();
        refused(MeshState.empty(MESH, malloryKey), genuine.event(1), BAD_SIGNATURE);
    }

    @Test
    void authorityRotation() {
        Chain c = teamOfFour();
        Identity next = Identity.generate();
        String a = authority.publicKeyHex();
        String n = next.publicKeyHex();

        // a rotation signed by a non-authority is refused
        MeshEvent byMallory = MeshEvent.seal(mallory, MESH, c.state.head(), c.nextAt(), MeshEvent.COORDINATOR,
                new EventPayload.AuthorityRotated(a, malloryKey));
        refused(c.state, byMallory, BAD_SIGNATURE);
        MeshEvent selfNamed = MeshEvent.seal(mallory, MESH, c.state.head(), c.nextAt(), MeshEvent.COORDINATOR,
                new EventPayload.AuthorityRotated(malloryKey, n));
        refused(c.state, selfNamed, BAD_SIGNATURE);
        // signed by the authority but claiming to rotate from another key
        refused(c.state, c.seal(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(malloryKey, n)), UNKNOWN_AUTHORITY);

        MeshEvent rot = c.add(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(a, n));
        assertTrue(rot.signedBy(a), "the rotation itself is signed by the previous key");
        assertEquals(n, c.state.authority());
        assertEquals(rot.ref(), c.state.head());
        assertEquals(4, c.state.entries().size(), "members unchanged");

        // after it, the old key is refused and the new one accepted
        MeshEvent byOld = c.seal(ownerKey, new EventPayload.MemberRevoked(bobKey, "x"));
        refused(c.state, byOld, BAD_SIGNATURE);
        refused(c.state, c.seal(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(a, malloryKey)), BAD_SIGNATURE);
        c.signer = next;
        c.add(ownerKey, new EventPayload.MemberRevoked(bobKey, "x"));
        assertEquals(MemberEntry.REVOKED, entry(c, bobKey).status());

        // a second rotation is signed by the key of the moment
        Identity third = Identity.generate();
        c.add(MeshEvent.COORDINATOR, new EventPayload.AuthorityRotated(n, third.publicKeyHex()));
        assertEquals(third.publicKeyHex(), c.state.authority());
        c.signer = third;
        c.add(aliceKey, new EventPayload.MemberRenamed(aliceKey, "al"));

        // a fresh replica pinned on the genesis key follows the whole history
        MeshState replica = MeshState.empty(MESH, a);
        for (MeshEvent e : c.events) replica = replica.apply(e);
        assertEquals(c.state.head(), replica.head());
        assertEquals(third.publicKeyHex(), replica.authority());
        // one pinned on the new key cannot verify the genesis
        refused(MeshState.empty(MESH, n), c.event(1), BAD_SIGNATURE);
    }

    @Test
    void refusalsInARowNeverCorruptTheReplica() {
        Chain c = teamOfFour();
        MeshState before = c.state;
        Chain b = team();
        b.add(malloryKey, new EventPayload.MemberJoined(malloryKey, "m", MemberEntry.OWNER, null));
        for (MeshEvent e : b.events) {
            assertThrows(MeshStateException.class, () -> before.apply(e));
        }
        assertThrows(MeshStateException.class, () -> before.apply(b.seal(malloryKey, new EventPayload.MemberLeft(ownerKey))));
        assertSame(before, c.state);
        c.add(ownerKey, new EventPayload.MemberLeft(aliceKey));
        assertEquals(6, c.state.version());
        assertEquals(5, before.version(), "apply returns a new state; the old one is untouched");
        assertTrue(before.entry(aliceKey).isPresent());
        assertThrows(UnsupportedOperationException.class, () -> before.entries().clear());
    }
}
