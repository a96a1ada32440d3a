package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.TestVectors.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.crypto.Signatures;
import dev.meshwire.signaling.envelope.CanonicalJson;
import dev.meshwire.signaling.invite.Invite;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fixed mesh-state vectors of docs/test-vectors.md ("Mesh event", "Mesh snapshot", "Invite v2"). */
class MeshStateVectorsTest {
    private final Identity authority = authority();

    /** v1 mesh_created, v2 alice joins as owner, v3 bob joins, v4 alice revokes bob. */
    private List<MeshEvent> history() {
        EventPayload[] payloads = {
            new EventPayload.MeshCreated(MESH_NAME, ALICE_PUB, AUTHORITY_PUB),
            new EventPayload.MemberJoined(ALICE_PUB, "alice", MemberEntry.OWNER, null),
            new EventPayload.MemberJoined(BOB_PUB, "bob", MemberEntry.MEMBER, null),
            new EventPayload.MemberRevoked(BOB_PUB, BOB_REVOKE_REASON),
        };
        String[] actors = {MeshEvent.COORDINATOR, ALICE_PUB, BOB_PUB, ALICE_PUB};
        List<MeshEvent> events = new ArrayList<>();
        StateRef head = StateRef.EMPTY;
        for (int i = 0; i < payloads.length; i++) {
            MeshEvent e = MeshEvent.seal(authority, MESH, head, EVENT_T0 + 1000L * i, actors[i], payloads[i]);
            events.add(e);
            head = e.ref();
        }
        return events;
    }

    private MeshState folded(List<MeshEvent> events) {
        MeshState s = MeshState.empty(MESH, AUTHORITY_PUB);
        for (MeshEvent e : events) s = s.apply(e);
        return s;
    }

    @Test
    void authoritySeedGivesTheFixedKey() {
        assertEquals(AUTHORITY_PUB, authority.publicKeyHex());
    }

    @Test
    void eventsMatchTheVectors() {
        List<MeshEvent> events = history();
        for (int i = 0; i < 4; i++) {
            MeshEvent e = events.get(i);
            assertEquals(i + 1, e.version());
            assertEquals(i == 0 ? MeshEvent.ZERO_HASH : EVENT_HASH[i - 1], e.prev());
            assertEquals(EVENT_CANONICAL[i], e.canonical(), "canonical v" + (i + 1));
            assertEquals(EVENT_HASH[i], e.hash(), "hash v" + (i + 1));
            assertEquals(EVENT_HASH[i], Canonical.sha256Hex(EVENT_CANONICAL[i]));
            assertEquals(EVENT_SIG[i], e.signature(), "signature v" + (i + 1));
            assertTrue(Signatures.verify(AUTHORITY_PUB, EVENT_CANONICAL[i], EVENT_SIG[i]));
            assertFalse(Signatures.verify(ALICE_PUB, EVENT_CANONICAL[i], EVENT_SIG[i]));
        }
        MeshState s = folded(events);
        assertEquals(new StateRef(4, EVENT_HASH[3]), s.head());
        assertEquals(MemberEntry.REVOKED, s.entry(BOB_PUB).orElseThrow().status());
        assertTrue(s.isActive(ALICE_PUB, EVENT_T0 + 4000));
    }

    @Test
    void eventWireJsonMatchesAndVerifies() throws Exception {
        MeshEvent v4 = history().get(3);
        assertEquals(EVENT_V4_JSON, Json.MAPPER.writeValueAsString(v4));
        MeshEvent back = Json.MAPPER.readValue(EVENT_V4_JSON, MeshEvent.class);
        assertEquals(EVENT_HASH[3], back.hash());
        assertTrue(back.signedBy(AUTHORITY_PUB));
        MeshState s = MeshState.empty(MESH, AUTHORITY_PUB);
        List<MeshEvent> events = history();
        for (int i = 0; i < 3; i++) s = s.apply(events.get(i));
        assertEquals(MemberEntry.REVOKED, s.apply(back).entry(BOB_PUB).orElseThrow().status());
    }

    @Test
    void snapshotMatchesTheVectors() throws Exception {
        List<MeshEvent> events = history();
        MeshState state = folded(events);
        MeshSnapshot snap = MeshSnapshot.seal(authority, state, events.get(3), List.of(), SNAPSHOT_AT);

        var body = Json.MAPPER.createObjectNode();
        body.put("name", snap.name());
        var members = body.putArray("members");
        snap.members().forEach(m -> members.add(Json.MAPPER.valueToTree(m)));
        assertEquals(SNAPSHOT_BODY, CanonicalJson.write(body));
        assertEquals(SNAPSHOT_BODY_HASH, Canonical.sha256Hex(SNAPSHOT_BODY));
        assertEquals(SNAPSHOT_BODY_HASH, MeshSnapshot.bodyHash(snap.name(), snap.members()));
        assertEquals(SNAPSHOT_CANONICAL, snap.canonical());
        assertEquals(SNAPSHOT_SIG, snap.signature());
        assertTrue(Signatures.verify(AUTHORITY_PUB, SNAPSHOT_CANONICAL, SNAPSHOT_SIG));

        MeshSnapshot back = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(snap), MeshSnapshot.class);
        MeshState installed = back.verify(MESH, AUTHORITY_PUB, StateRef.EMPTY);
        assertEquals(state.head(), installed.head());
        assertEquals(List.copyOf(state.entries()), List.copyOf(installed.entries()));
    }

    @Test
    void inviteV2MatchesTheVectors() {
        String canonical = Canonical.inviteV2(MESH, INVITE_ID, ALICE_PUB, INVITE_EXPIRES_AT, 1, AUTHORITY_PUB);
        assertEquals(INVITE_V2_CANONICAL, canonical);
        assertEquals(INVITE_V2_SIG, alice().signHex(canonical));
        Invite inv = new Invite(2, "ws://127.0.0.1:7600", MESH, MESH_NAME, INVITE_ID, ALICE_PUB, INVITE_EXPIRES_AT, 1,
                INVITE_V2_SIG, AUTHORITY_PUB);
        assertTrue(inv.signatureValid());
        assertEquals(INVITE_V2_TEXT, inv.encode());
        Invite decoded = Invite.decode(INVITE_V2_TEXT);
        assertEquals(inv, decoded);
        assertTrue(decoded.signatureValid());
        assertEquals(AUTHORITY_PUB, decoded.authority());
    }
}
