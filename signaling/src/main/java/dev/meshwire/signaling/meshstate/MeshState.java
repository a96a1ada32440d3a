package dev.meshwire.signaling.meshstate;

import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.BAD_SIGNATURE;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.CHAIN_BROKEN;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.MALFORMED;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.REPLAY;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.UNKNOWN_AUTHORITY;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.VERSION_GAP;
import static dev.meshwire.signaling.meshstate.MeshStateException.Reason.WRONG_MESH;

import java.util.Collection;
import java.util.Collections;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state of one mesh at one version: its authority key, and every member and every banned or
 * revoked key. Immutable: {@link #apply} verifies the next event and returns the following state,
 * or throws without changing anything. The coordinator and every daemon run this same code, so both
 * sides agree on what a history means.
 */
public final class MeshState {
    private final String mesh;
    private final String name;
    private final String authority;
    private final StateRef head;
    private final TreeMap<String, MemberEntry> keys;

    MeshState(String mesh, String name, String authority, StateRef head, TreeMap<String, MemberEntry> keys) {
        this.mesh = mesh;
        this.name = name;
        this.authority = authority;
        this.head = head;
        this.keys = keys;
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
        }
        // member_kicked and unknown kinds change nothing but the head.
        return new MeshState(mesh, newName, newAuthority, ref, k);
    }

    static String abbrev(String hex) {
        return hex == null ? "(none)" : hex.substring(0, Math.min(12, hex.length())) + "…";
    }
}
