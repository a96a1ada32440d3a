package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.meshstate.Chain.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.grants.Caps;
import dev.meshwire.signaling.grants.GrantEntry;
import dev.meshwire.signaling.grants.Grants;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.service.ServiceEntry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** grant_set and service_registered in the rule book, and both carried by snapshots (real Ed25519 keys). */
class GrantsAndServicesStateTest {
    static final String MESH = "m_a1b2c3d4e5f60718";
    final Identity authority = Identity.generate();
    final Identity owner = Identity.generate();
    final Identity alice = Identity.generate();
    final Identity bob = Identity.generate();
    final Identity svc = Identity.generate();
    final String ownerKey = owner.publicKeyHex();
    final String aliceKey = alice.publicKeyHex();
    final String bobKey = bob.publicKeyHex();

    Chain team() {
        Chain c = Chain.created(MESH, "team", authority, owner, "owner");
        c.add(aliceKey, new EventPayload.MemberJoined(aliceKey, "alice", MemberEntry.MEMBER, null));
        c.add(bobKey, new EventPayload.MemberJoined(bobKey, "bob", MemberEntry.MEMBER, null));
        return c;
    }

    @Test
    void aRecipientBlocksAndGrants() {
        Chain c = team();
        assertTrue(c.state.grants(aliceKey, bobKey, Caps.DM), "no grants: the full member set");
        c.add(aliceKey, new EventPayload.GrantSet(aliceKey, bobKey, ""));
        assertFalse(c.state.grants(aliceKey, bobKey, Caps.DM), "blocked");
        assertFalse(c.state.grants(aliceKey, bobKey, Caps.BROADCAST));
        assertTrue(c.state.grants(aliceKey, ownerKey, Caps.DM), "others keep the default");
        assertTrue(c.state.grants(bobKey, aliceKey, Caps.DM), "grants are per recipient: bob did not block alice");

        c.add(aliceKey, new EventPayload.GrantSet(aliceKey, bobKey, "dm"));
        assertTrue(c.state.grants(aliceKey, bobKey, Caps.DM));
        assertFalse(c.state.grants(aliceKey, bobKey, Caps.BROADCAST));
        assertEquals(Map.of(bobKey, Set.of("dm")), c.state.grantsOf(aliceKey));

        c.add(aliceKey, new EventPayload.GrantSet(aliceKey, Grants.ANY, ""));
        assertFalse(c.state.grants(aliceKey, ownerKey, Caps.DM), "'*' blocks everyone without an own entry");
        assertTrue(c.state.grants(aliceKey, bobKey, Caps.DM), "bob's own entry wins");

        c.add(aliceKey, new EventPayload.GrantSet(aliceKey, bobKey, null));
        assertFalse(c.state.grants(aliceKey, bobKey, Caps.DM), "bob's entry removed: '*' applies");
        c.add(aliceKey, new EventPayload.GrantSet(aliceKey, Grants.ANY, null));
        assertTrue(c.state.grantsOf(aliceKey).isEmpty());
        assertTrue(c.state.grants().isEmpty());
    }

    @Test
    void onlyTheRecipientMaySetItsGrants() {
        Chain c = team();
        MeshEvent forged = c.seal(bobKey, new EventPayload.GrantSet(aliceKey, bobKey, "dm"));
        refused(c.state, forged, MeshStateException.Reason.MALFORMED);
    }

    @Test
    void malformedGrantsAreRefused() {
        Chain c = team();
        refused(c.state, c.seal(aliceKey, new EventPayload.GrantSet(aliceKey, aliceKey, "")), MeshStateException.Reason.MALFORMED);
        refused(c.state, c.seal(aliceKey, new EventPayload.GrantSet(aliceKey, bobKey, "rpc,dm")), MeshStateException.Reason.MALFORMED);
        refused(c.state, c.seal(aliceKey, new EventPayload.GrantSet(aliceKey, "bob", "dm")), MeshStateException.Reason.MALFORMED);
    }

    @Test
    void aLeavingOrRevokedRecipientTakesItsGrantsAlong() {
        Chain c = team();
        c.add(aliceKey, new EventPayload.GrantSet(aliceKey, bobKey, ""));
        c.add(bobKey, new EventPayload.GrantSet(bobKey, aliceKey, ""));
        c.add(aliceKey, new EventPayload.MemberLeft(aliceKey));
        assertTrue(c.state.grantsOf(aliceKey).isEmpty());
        assertFalse(c.state.grants(bobKey, aliceKey, Caps.DM), "bob's block of alice's key stays (it is about the key)");
        c.add(ownerKey, new EventPayload.MemberRevoked(bobKey, "lost laptop"));
        assertTrue(c.state.grants().isEmpty());
    }

    ServiceAttestation attest(long expiresAt) {
        return ServiceAttestation.sign(alice, MESH, "hook-1", svc.publicKeyHex(), "webhook", "dm:read,dm:write", expiresAt, "http-webhook", null);
    }

    @Test
    void aServiceIsRecordedAndEndsWithItsKeyOrOwner() {
        Chain c = team();
        long exp = Chain.T0 + 3_600_000L * 24;
        c.add(aliceKey, EventPayload.ServiceRegistered.of(attest(exp)));
        ServiceEntry s = c.state.service(svc.publicKeyHex()).orElseThrow();
        assertEquals("hook-1", s.attestation().serviceId());
        assertEquals(MESH, s.attestation().mesh());
        assertEquals(ServiceEntry.ACTIVE, c.state.serviceStatus(s, Chain.T0 + 10_000));
        assertEquals(ServiceEntry.EXPIRED, c.state.serviceStatus(s, exp));
        assertFalse(c.state.isActive(svc.publicKeyHex(), Chain.T0 + 10_000), "a service is not a member");

        // Revocation is the mesh-state revocation of the service key.
        c.add(aliceKey, new EventPayload.MemberRevoked(svc.publicKeyHex(), "service hook-1 revoked by its owner"));
        assertEquals(ServiceEntry.REVOKED, c.state.serviceStatus(c.state.service(svc.publicKeyHex()).orElseThrow(), Chain.T0 + 10_000));

        Chain d = team();
        d.add(aliceKey, EventPayload.ServiceRegistered.of(attest(exp)));
        d.add(aliceKey, new EventPayload.MemberLeft(aliceKey));
        assertEquals(ServiceEntry.OWNER_INACTIVE, d.state.serviceStatus(d.state.service(svc.publicKeyHex()).orElseThrow(), Chain.T0 + 10_000));
    }

    @Test
    void aServiceAttestationMustBeTheActorsAndVerify() {
        Chain c = team();
        long exp = Chain.T0 + 3_600_000L;
        refused(c.state, c.seal(bobKey, EventPayload.ServiceRegistered.of(attest(exp))), MeshStateException.Reason.MALFORMED);
        ServiceAttestation a = attest(exp);
        ServiceAttestation widened = new ServiceAttestation(a.mesh(), a.owner(), a.serviceId(), a.servicePubkey(), a.type(),
                "dm:read,dm:write,rpc:invoke", a.expiresAt(), a.transport(), a.delegate(), a.signature());
        refused(c.state, c.seal(aliceKey, EventPayload.ServiceRegistered.of(widened)), MeshStateException.Reason.BAD_SIGNATURE);
        ServiceAttestation otherMesh = ServiceAttestation.sign(alice, "m_ffffffffffffffff", "hook-1", svc.publicKeyHex(), "webhook",
                "dm:read", exp, "http-webhook", null);
        refused(c.state, c.seal(aliceKey, EventPayload.ServiceRegistered.of(otherMesh)), MeshStateException.Reason.BAD_SIGNATURE);
    }

    @Test
    void snapshotsCarryGrantsAndServices() throws Exception {
        Chain c = team();
        c.add(aliceKey, new EventPayload.GrantSet(aliceKey, bobKey, ""));
        c.add(aliceKey, new EventPayload.GrantSet(aliceKey, Grants.ANY, "broadcast,dm"));
        c.add(aliceKey, EventPayload.ServiceRegistered.of(attest(Chain.T0 + 3_600_000L)));
        MeshSnapshot snap = MeshSnapshot.seal(authority, c.state, c.events.get(c.events.size() - 1), List.of(), Chain.T0 + 99_000);
        MeshSnapshot wire = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(snap), MeshSnapshot.class);
        MeshState installed = wire.verify(MESH, authority.publicKeyHex(), null);
        assertEquals(c.state.grants(), installed.grants());
        assertFalse(installed.grants(aliceKey, bobKey, Caps.DM));
        assertTrue(installed.service(svc.publicKeyHex()).isPresent());

        // The grants are signed: a snapshot whose grants were edited does not verify.
        MeshSnapshot edited = new MeshSnapshot(wire.mesh(), wire.name(), wire.version(), wire.head(), wire.authority(), wire.at(), wire.members(),
                wire.headEvent(), wire.rotations(), wire.signature(), List.of(new GrantEntry(aliceKey, Grants.ANY, "broadcast,dm", 1)), wire.services(),
                wire.groups(), wire.topics());
        org.junit.jupiter.api.Assertions.assertThrows(MeshStateException.class, () -> edited.verify(MESH, authority.publicKeyHex(), null));
    }

    @Test
    void aSnapshotWithoutGrantsKeepsTheVersionOneWireForm() throws Exception {
        Chain c = team();
        MeshSnapshot snap = MeshSnapshot.seal(authority, c.state, c.events.get(c.events.size() - 1), List.of(), Chain.T0 + 99_000);
        String json = Json.MAPPER.writeValueAsString(snap);
        assertFalse(json.contains("\"grants\""), json);
        assertFalse(json.contains("\"services\""), json);
    }
}
