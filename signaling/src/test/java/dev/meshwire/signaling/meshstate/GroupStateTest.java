package dev.meshwire.signaling.meshstate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.meshstate.EventPayload.GroupCreated;
import dev.meshwire.signaling.meshstate.EventPayload.GroupDeleted;
import dev.meshwire.signaling.meshstate.EventPayload.GroupMemberSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The group rules of docs/protocol.md §12.1, on real signed and chained histories. */
class GroupStateTest {
    final Identity authority = Identity.generate();
    final Identity owner = Identity.generate();
    final Identity carol = Identity.generate();
    final Identity dave = Identity.generate();
    final Identity erin = Identity.generate();
    Chain chain;
    String o, c, d, e;

    @BeforeEach
    void mesh() {
        chain = Chain.created("m_00000000000000aa", "team", authority, owner, "owner");
        o = owner.publicKeyHex();
        c = carol.publicKeyHex();
        d = dave.publicKeyHex();
        e = erin.publicKeyHex();
        chain.add(c, new EventPayload.MemberJoined(c, "carol", MemberEntry.MEMBER, null));
        chain.add(d, new EventPayload.MemberJoined(d, "dave", MemberEntry.MEMBER, null));
        chain.add(e, new EventPayload.MemberJoined(e, "erin", MemberEntry.MEMBER, null));
    }

    GroupEntry group(String name) {
        return chain.state.channels().group(name).orElseThrow();
    }

    void refusedWith(String actor, EventPayload p, String fragment) {
        MeshStateException ex = Chain.refused(chain.state, chain.seal(actor, p), MeshStateException.Reason.MALFORMED);
        assertTrue(ex.getMessage().contains(fragment), ex.getMessage());
        // The coordinator asks the same rule before appending: it refuses with the same words.
        String why = GroupRules.refusal(chain.state, actor, p, chain.nextAt());
        assertTrue(why != null && ex.getMessage().contains(why), why);
    }

    @Test
    void aMemberCreatesAGroupAndManagesIt() {
        chain.add(c, new GroupCreated("frontend"));
        GroupEntry g = group("frontend");
        assertEquals(c, g.createdBy());
        assertTrue(g.members().isEmpty(), "a new group is empty");
        chain.add(c, new GroupMemberSet("frontend", d, "lead"));
        chain.add(c, new GroupMemberSet("frontend", c, "member"));
        assertEquals(List.of(c, d).stream().sorted().toList(), group("frontend").members().stream().map(GroupEntry.Member::pubkey).toList());
        assertEquals("lead", group("frontend").roleOf(d).orElseThrow());
        chain.add(c, new GroupMemberSet("frontend", d, "member")); // role change
        assertEquals("member", group("frontend").roleOf(d).orElseThrow());
        chain.add(c, new GroupMemberSet("frontend", d, null)); // creator removes another
        assertFalse(group("frontend").includes(d));
        chain.add(c, new GroupDeleted("frontend"));
        assertTrue(chain.state.channels().group("frontend").isEmpty());
    }

    @Test
    void ownerAndAdminsManageAnyGroupOrdinaryMembersOnlyThemselves() {
        chain.add(c, new GroupCreated("ops"));
        chain.add(o, new GroupMemberSet("ops", e, "member")); // the mesh owner, not the creator
        refusedWith(d, new GroupMemberSet("ops", d, "member"), "only the group's creator, the mesh owner or an admin may add");
        refusedWith(d, new GroupMemberSet("ops", e, null), "may remove another member");
        chain.add(o, new EventPayload.RoleChanged(d, MemberEntry.ADMIN));
        chain.add(d, new GroupMemberSet("ops", d, "lead")); // an admin adds itself
        chain.add(e, new GroupMemberSet("ops", e, null)); // a member removes itself
        assertEquals(List.of(d), group("ops").members().stream().map(GroupEntry.Member::pubkey).toList());
        refusedWith(e, new GroupDeleted("ops"), "may delete @ops");
        chain.add(d, new GroupDeleted("ops"));
        assertTrue(chain.state.channels().groups().isEmpty());
    }

    @Test
    void onlyActiveMembersCanBeAdded() {
        chain.add(c, new GroupCreated("qa"));
        Identity stranger = Identity.generate();
        refusedWith(c, new GroupMemberSet("qa", stranger.publicKeyHex(), "member"), "only an active member of the mesh can be added");
        chain.add(o, new EventPayload.MemberBanned(d, "dave", "spam"));
        refusedWith(c, new GroupMemberSet("qa", d, "member"), "only an active member of the mesh can be added");
        chain.add(o, new EventPayload.ExpirySet(e, Chain.T0));
        refusedWith(c, new GroupMemberSet("qa", e, "member"), "only an active member of the mesh can be added");
    }

    @Test
    void leavingRevokedAndBannedMembersDropOutOfEveryGroup() {
        chain.add(o, new GroupCreated("a"));
        chain.add(o, new GroupCreated("b"));
        for (String g : List.of("a", "b")) {
            for (String k : List.of(c, d, e)) chain.add(o, new GroupMemberSet(g, k, "member"));
        }
        chain.add(c, new EventPayload.MemberLeft(c));
        chain.add(o, new EventPayload.MemberRevoked(d, "lost laptop"));
        chain.add(o, new EventPayload.MemberBanned(e, "erin", "spam"));
        assertTrue(group("a").members().isEmpty(), "a: " + group("a").members());
        assertTrue(group("b").members().isEmpty(), "b: " + group("b").members());
        // A kick is only a disconnection: the member stays in its groups.
        Identity f = Identity.generate();
        chain.add(f.publicKeyHex(), new EventPayload.MemberJoined(f.publicKeyHex(), "frank", MemberEntry.MEMBER, null));
        chain.add(o, new GroupMemberSet("a", f.publicKeyHex(), "member"));
        GroupEntry before = group("a");
        chain.add(o, new EventPayload.MemberKicked(f.publicKeyHex(), "reboot"));
        assertSame(before, group("a"));
    }

    @Test
    void namesAndExistence() {
        chain.add(c, new GroupCreated("frontend"));
        refusedWith(d, new GroupCreated("frontend"), "already exists");
        refusedWith(c, new GroupMemberSet("backend", d, "member"), "no group @backend");
        refusedWith(c, new GroupDeleted("backend"), "no group @backend");
        refusedWith(c, new GroupMemberSet("frontend", d, null), "not a member of @frontend");
        for (String bad : List.of("all", "Frontend", "-x", "", "a".repeat(33), "a b", "a|b")) {
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("name", bad);
            MeshStateException ex = Chain.refused(chain.state, chain.raw(authority, EventKind.GROUP_CREATED, data), MeshStateException.Reason.MALFORMED);
            assertTrue(ex.getMessage().contains("group_created"), ex.getMessage());
        }
        ObjectNode badRole = JsonNodeFactory.instance.objectNode().put("group", "frontend").put("pubkey", d).put("role", "Lead!");
        Chain.refused(chain.state, chain.raw(authority, EventKind.GROUP_MEMBER_SET, badRole), MeshStateException.Reason.MALFORMED);
        assertNull(GroupRules.refusal(chain.state, c, new GroupMemberSet("frontend", d, "lead"), chain.nextAt()));
    }

    @Test
    void snapshotsCarryGroupsAndReplicasRebuildThemFromEvents() throws Exception {
        chain.add(c, new GroupCreated("frontend"));
        chain.add(c, new GroupMemberSet("frontend", d, "lead"));
        chain.add(c, new GroupMemberSet("frontend", e, "member"));
        MeshState replayed = MeshState.empty(chain.mesh, authority.publicKeyHex());
        for (MeshEvent ev : chain.events) {
            // through the wire form, as a replica receives it
            replayed = replayed.apply(dev.meshwire.signaling.Json.MAPPER.readValue(dev.meshwire.signaling.Json.MAPPER.writeValueAsString(ev), MeshEvent.class));
        }
        assertEquals(List.copyOf(chain.state.channels().groups()), List.copyOf(replayed.channels().groups()));
        MeshSnapshot sealed = MeshSnapshot.seal(authority, chain.state, chain.event(chain.state.version()), List.of(), chain.nextAt());
        MeshSnapshot snap = dev.meshwire.signaling.Json.MAPPER.readValue(dev.meshwire.signaling.Json.MAPPER.writeValueAsString(sealed), MeshSnapshot.class);
        MeshState fromSnapshot = snap.verify(chain.mesh, authority.publicKeyHex(), StateRef.EMPTY);
        assertEquals(List.copyOf(chain.state.channels().groups()), List.copyOf(fromSnapshot.channels().groups()));
    }

    /** A snapshot, correctly signed, whose groups break the field rules of the group events, is refused as malformed. */
    @Test
    void aSignedSnapshotWithAMalformedGroupIsRefused() {
        chain.add(c, new GroupCreated("frontend"));
        MeshSnapshot good = MeshSnapshot.seal(authority, chain.state, chain.event(chain.state.version()), List.of(), chain.nextAt());
        List<List<GroupEntry>> bad = List.of(
                List.of(new GroupEntry("all", c, 1, null)),
                List.of(new GroupEntry("Front", c, 1, null)),
                List.of(new GroupEntry("frontend", "not-a-key", 1, null)),
                List.of(new GroupEntry("frontend", c, 1, List.of(new GroupEntry.Member(d, "Lead!")))),
                List.of(new GroupEntry("frontend", c, 1, java.util.Arrays.asList(new GroupEntry.Member(d, "lead"), null))),
                List.of(new GroupEntry("frontend", c, 1, List.of(new GroupEntry.Member(d, "lead"), new GroupEntry.Member(d, "member")))));
        for (List<GroupEntry> groups : bad) {
            MeshSnapshot unsigned = new MeshSnapshot(good.mesh(), good.name(), good.version(), good.head(), good.authority(), good.at(),
                    good.members(), good.headEvent(), good.rotations(), "00", good.grants(), good.services(), groups, good.topics());
            MeshSnapshot signed = new MeshSnapshot(good.mesh(), good.name(), good.version(), good.head(), good.authority(), good.at(),
                    good.members(), good.headEvent(), good.rotations(), authority.signHex(unsigned.canonical()), good.grants(), good.services(),
                    groups, good.topics());
            MeshStateException ex = org.junit.jupiter.api.Assertions.assertThrows(MeshStateException.class,
                    () -> signed.verify(chain.mesh, authority.publicKeyHex(), StateRef.EMPTY), groups.toString());
            assertEquals(MeshStateException.Reason.MALFORMED, ex.reason(), ex.getMessage());
        }
    }
}
