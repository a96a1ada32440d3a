package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.BAD_SIGNATURE;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.CHAIN_BROKEN;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.MALFORMED;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.REPLAY;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.UNKNOWN_AUTHORITY;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.VERSION_GAP;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.WRONG_MESH;

import dev.meshwire.signaling.grants.Caps;
import dev.meshwire.signaling.grants.GrantEntry;
import dev.meshwire.signaling.grants.Grants;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.service.ServiceEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of one mesh at one version: its authority key, every member and every banned or
 * revoked key, the members' grants (who may do what to them) and the services members registered.
 * Immutable: {@link #apply} verifies the next event and returns the following state,
 * or throws without changing anything. The coordinator and every daemon run this same code, so both
 * sides agree on what a history means.
 */
public final class MeshState {
    private final String mesh;
    private final String name;
    private final String authority;
    private final StateRef head;
    private final TreeMap<String, MemberEntry> keys;
    /** recipient → sender (or {@code *}) → grant. Never mutated once built (events copy what they change). */
    private final TreeMap<String, TreeMap<String, GrantEntry>> grants;
    /** service pubkey → service. Never mutated once built. */
    private final TreeMap<String, ServiceEntry> services;
    /** Groups and topics (docs/protocol.md §12). */
    private final ChannelDirectory channels;

    MeshState(String mesh, String name, String authority, StateRef head, TreeMap<String, MemberEntry> keys) {
        this(mesh, name, authority, head, keys, new TreeMap<>(), new TreeMap<>(), ChannelDirectory.EMPTY);
    }

    MeshState(String mesh, String name, String authority, StateRef head, TreeMap<String, MemberEntry> keys,
              TreeMap<String, TreeMap<String, GrantEntry>> grants, TreeMap<String, ServiceEntry> services, ChannelDirectory channels) {
        this.mesh = mesh;
        this.name = name;
        this.authority = authority;
        this.head = head;
        this.keys = keys;
        this.grants = grants;
        this.services = services;
        this.channels = channels;
    }

    /**
     * The state before the genesis event of {@code mesh}, trusting {@code pinnedAuthority} (from the
     * invite, or the mesh creation answer) to sign it.
     */
    public static MeshState empty(String mesh, String pinnedAuthority) {
        return new MeshState(mesh, null, pinnedAuthority, StateRef.EMPTY, new TreeMap<>());
    }

    public String mesh() { return mesh; }

    /** The mesh name from the genesis event; null before it. */
    public String name() { return name; }

    /** The key that signs the next event. */
    public String authority() { return authority; }

    public StateRef head() { return head; }

    public long version() { return head.version(); }

    /** Every key the state knows (members, banned and revoked keys), sorted by pubkey. */
    public Collection<MemberEntry> entries() {
        return Collections.unmodifiableCollection(keys.values());
    }

    public Optional<MemberEntry> entry(String pubkey) {
        return Optional.ofNullable(pubkey == null ? null : keys.get(pubkey));
    }

    /** A member in good standing at {@code now}: may send, receive and signal. */
    public boolean isActive(String pubkey, long now) {
        MemberEntry e = pubkey == null ? null : keys.get(pubkey);
        return e != null && e.activeAt(now);
    }

    // ---- grants (docs/protocol.md §6.3) ----

    /** Every grant, by recipient then sender. */
    public List<GrantEntry> grants() {
        List<GrantEntry> out = new ArrayList<>();
        for (TreeMap<String, GrantEntry> m : grants.values()) out.addAll(m.values());
        return out;
    }

    /** The grants {@code recipient} set: sender (or {@code *}) → caps; empty when it set none (everything allowed). */
    public Map<String, Set<String>> grantsOf(String recipient) {
        TreeMap<String, GrantEntry> m = recipient == null ? null : grants.get(recipient);
        if (m == null) return Map.of();
        Map<String, Set<String>> out = new TreeMap<>();
        for (GrantEntry g : m.values()) out.put(g.sender(), Collections.unmodifiableSet(Caps.fromCsv(g.caps())));
        return Collections.unmodifiableMap(out);
    }

    /** Whether {@code recipient}'s grants let {@code sender} use {@code cap} ({@link Grants#recipientGrants}). */
    public boolean grants(String recipient, String sender, String cap) {
        TreeMap<String, GrantEntry> m = recipient == null ? null : grants.get(recipient);
        if (m == null) return true; // the common case: no grants set, nothing to build
        return Grants.recipientGrants(grantsOf(recipient), sender, cap);
    }

    // ---- groups and topics (docs/protocol.md §12) ----

    /** The groups and topics of this state. */
    public ChannelDirectory channels() {
        return channels;
    }

    // ---- services (docs/protocol.md §6.4) ----

    /** Every recorded service, by service key (revoked and expired ones included). */
    public Collection<ServiceEntry> services() {
        return Collections.unmodifiableCollection(services.values());
    }

    public Optional<ServiceEntry> service(String servicePubkey) {
        return Optional.ofNullable(servicePubkey == null ? null : services.get(servicePubkey));
    }

    /**
     * {@link ServiceEntry#REVOKED} (its key was revoked), {@link ServiceEntry#EXPIRED} (attestation past
     * {@code expiresAt}), {@link ServiceEntry#OWNER_INACTIVE} (its owner is no longer an active member) or
     * {@link ServiceEntry#ACTIVE}: only an active service may act.
     */
    public String serviceStatus(ServiceEntry s, long now) {
        MemberEntry k = keys.get(s.attestation().servicePubkey());
        if (k != null && !MemberEntry.ACTIVE.equals(k.status())) return ServiceEntry.REVOKED;
        if (s.attestation().expiresAt() <= now) return ServiceEntry.EXPIRED;
        if (!isActive(s.attestation().owner(), now)) return ServiceEntry.OWNER_INACTIVE;
        return ServiceEntry.ACTIVE;
    }

    /**
     * Checks that {@code e} is the next event of this history — same mesh, version + 1, {@code prev}
     * equal to the head hash, signed by the current authority, well-formed data — and returns the
     * state after it.
     *
     * @throws MeshStateException with the first rule it breaks; this state is unchanged
     */
    public MeshState apply(MeshEvent e) {
        if (e == null) throw new MeshStateException(MALFORMED, "no event");
        if (!mesh.equals(e.mesh())) {
            throw new MeshStateException(WRONG_MESH, "event v" + e.version() + " is for mesh " + e.mesh() + ", not " + mesh);
        }
        if (e.version() <= head.version()) {
            throw new MeshStateException(REPLAY, "event v" + e.version() + " is not newer than the replica (v" + head.version() + ")");
        }
        if (e.version() != head.version() + 1) {
            throw new MeshStateException(VERSION_GAP, "event v" + e.version() + " does not follow v" + head.version());
        }
        String hash = e.hash(); // also checks the fields are present
        if (!head.head().equals(e.prev())) {
            throw new MeshStateException(CHAIN_BROKEN, "event v" + e.version() + " chains to " + abbrev(e.prev())
                    + " but v" + head.version() + " is " + abbrev(head.head()) + ": the history was rewritten");
        }
        if (!e.signedBy(authority)) {
            throw new MeshStateException(BAD_SIGNATURE, "event v" + e.version() + " is not signed by the mesh authority "
                    + abbrev(authority));
        }
        EventPayload p = e.payload();
        if (e.version() == 1 && !(p instanceof EventPayload.MeshCreated)) {
            throw new MeshStateException(MALFORMED, "event v1 must be mesh_created, got " + e.kind());
        }
        if (e.version() > 1 && p instanceof EventPayload.MeshCreated) {
            throw new MeshStateException(MALFORMED, "mesh_created may only be event v1");
        }
        return next(e, p, new StateRef(e.version(), hash));
    }

    private MeshState next(MeshEvent e, EventPayload p, StateRef ref) {
        TreeMap<String, MemberEntry> k = new TreeMap<>(keys);
        TreeMap<String, TreeMap<String, GrantEntry>> g = grants;
        TreeMap<String, ServiceEntry> sv = services;
        String newName = name;
        String newAuthority = authority;
        if (p instanceof EventPayload.MeshCreated c) {
            if (!c.authority().equals(authority)) {
                throw new MeshStateException(UNKNOWN_AUTHORITY, "genesis names authority " + abbrev(c.authority())
                        + " but " + abbrev(authority) + " is pinned");
            }
            newName = c.name();
        } else if (p instanceof EventPayload.MemberJoined j) {
            MemberEntry old = k.get(j.pubkey());
            if (old == null || !MemberEntry.REVOKED.equals(old.status())) { // revocation is terminal: a join does not undo it
                k.put(j.pubkey(), new MemberEntry(j.pubkey(), j.name(), j.role(), MemberEntry.ACTIVE, e.at(), e.at(), j.expiresAt(), null, e.actor()));
            }
        } else if (p instanceof EventPayload.MemberLeft l) {
            MemberEntry old = k.get(l.pubkey());
            if (old != null && MemberEntry.ACTIVE.equals(old.status())) k.remove(l.pubkey());
            g = withoutRecipient(g, l.pubkey()); // a member's own grants leave with it
        } else if (p instanceof EventPayload.MemberRenamed r) {
            k.computeIfPresent(r.pubkey(), (key, old) -> old.withName(r.name()));
        } else if (p instanceof EventPayload.MemberBanned b) {
            MemberEntry old = k.get(b.pubkey());
            if (old == null) {
                k.put(b.pubkey(), new MemberEntry(b.pubkey(), b.name(), null, MemberEntry.BANNED, 0, e.at(), null, b.reason(), e.actor()));
            } else if (!MemberEntry.REVOKED.equals(old.status())) {
                k.put(b.pubkey(), old.withStatus(MemberEntry.BANNED, e.at(), b.reason(), e.actor()));
            }
        } else if (p instanceof EventPayload.MemberUnbanned u) {
            MemberEntry old = k.get(u.pubkey());
            if (old != null && MemberEntry.BANNED.equals(old.status())) {
                if (old.wasMember()) k.put(u.pubkey(), old.withStatus(MemberEntry.ACTIVE, e.at(), null, e.actor()));
                else k.remove(u.pubkey());
            }
        } else if (p instanceof EventPayload.MemberRevoked r) {
            MemberEntry old = k.get(r.pubkey());
            MemberEntry base = old != null ? old
                    : new MemberEntry(r.pubkey(), null, null, MemberEntry.REVOKED, 0, e.at(), null, null, e.actor());
            k.put(r.pubkey(), base.withStatus(MemberEntry.REVOKED, e.at(), r.reason(), e.actor()));
            g = withoutRecipient(g, r.pubkey());
        } else if (p instanceof EventPayload.RoleChanged r) {
            k.computeIfPresent(r.pubkey(), (key, old) -> old.withRole(r.role()));
        } else if (p instanceof EventPayload.ExpirySet x) {
            k.computeIfPresent(x.pubkey(), (key, old) -> old.withExpiry(x.expiresAt()));
        } else if (p instanceof EventPayload.AuthorityRotated r) {
            if (!r.previous().equals(authority)) {
                throw new MeshStateException(UNKNOWN_AUTHORITY, "rotation from " + abbrev(r.previous()) + " but the authority is "
                        + abbrev(authority));
            }
            newAuthority = r.next();
        } else if (p instanceof EventPayload.GrantSet gs) {
            if (!gs.recipient().equals(e.actor())) {
                throw new MeshStateException(MALFORMED, "grant_set v" + e.version() + ": only the recipient may set its grants (actor "
                        + abbrev(e.actor()) + ")");
            }
            g = new TreeMap<>(g);
            TreeMap<String, GrantEntry> mine = new TreeMap<>(g.getOrDefault(gs.recipient(), new TreeMap<>()));
            if (gs.caps() == null) mine.remove(gs.sender());
            else mine.put(gs.sender(), new GrantEntry(gs.recipient(), gs.sender(), gs.caps(), e.at()));
            if (mine.isEmpty()) g.remove(gs.recipient());
            else g.put(gs.recipient(), mine);
        } else if (p instanceof EventPayload.ServiceRegistered sr) {
            ServiceAttestation a = sr.attestation(mesh);
            if (!a.owner().equals(e.actor())) {
                throw new MeshStateException(MALFORMED, "service_registered v" + e.version() + ": only the owner may register its service");
            }
            if (!a.signatureValid()) {
                throw new MeshStateException(BAD_SIGNATURE, "service_registered v" + e.version() + ": the attestation is not signed by its owner "
                        + abbrev(a.owner()));
            }
            sv = new TreeMap<>(sv);
            sv.put(a.servicePubkey(), new ServiceEntry(a, e.at()));
        }
        ChannelDirectory ch = channels.apply(this, e, p);
        // member_kicked and unknown kinds change nothing but the head.
        return new MeshState(mesh, newName, newAuthority, ref, k, g, sv, ch);
    }

    private static TreeMap<String, TreeMap<String, GrantEntry>> withoutRecipient(TreeMap<String, TreeMap<String, GrantEntry>> g, String recipient) {
        if (!g.containsKey(recipient)) return g;
        TreeMap<String, TreeMap<String, GrantEntry>> out = new TreeMap<>(g);
        out.remove(recipient);
        return out;
    }

    /** Builds the grant, service, group and topic maps of a snapshot. @throws MeshStateException MALFORMED on a bad or repeated entry */
    static MeshState withExtras(MeshState base, List<GrantEntry> grantList, List<ServiceEntry> serviceList,
                                List<GroupEntry> groupList, List<TopicEntry> topicList) {
        TreeMap<String, TreeMap<String, GrantEntry>> g = new TreeMap<>();
        for (GrantEntry ge : grantList) {
            if (ge == null || ge.caps() == null) throw new MeshStateException(MALFORMED, "snapshot lists a grant without caps");
            // The same field rules as a grant_set event.
            EventPayload.parse(EventKind.GRANT_SET, dev.meshwire.signaling.Json.MAPPER.valueToTree(
                    new EventPayload.GrantSet(ge.recipient(), ge.sender(), ge.caps())));
            if (g.computeIfAbsent(ge.recipient(), x -> new TreeMap<>()).put(ge.sender(), ge) != null) {
                throw new MeshStateException(MALFORMED, "snapshot lists a grant twice");
            }
        }
        TreeMap<String, ServiceEntry> sv = new TreeMap<>();
        for (ServiceEntry se : serviceList) {
            if (se == null || se.attestation() == null) throw new MeshStateException(MALFORMED, "snapshot lists a null service");
            ServiceAttestation a = se.attestation();
            if (!base.mesh.equals(a.mesh()) || !a.signatureValid()) {
                throw new MeshStateException(BAD_SIGNATURE, "snapshot service " + a.serviceId() + " has no valid attestation of its owner");
            }
            if (sv.put(a.servicePubkey(), se) != null) throw new MeshStateException(MALFORMED, "snapshot lists a service twice");
        }
        return new MeshState(base.mesh, base.name, base.authority, base.head, base.keys, g, sv, ChannelDirectory.of(groupList, topicList));
    }

    static String abbrev(String hex) {
        return hex == null ? "(none)" : hex.substring(0, Math.min(12, hex.length())) + "…";
    }
}
