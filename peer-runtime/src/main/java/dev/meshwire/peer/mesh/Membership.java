package dev.meshwire.peer.mesh;

import static dev.meshwire.peer.mesh.CoordinatorAnswers.CONNECT_WAIT_MS;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.CoordinatorLink;
import dev.meshwire.peer.p2p.DirectRegistry;
import dev.meshwire.peer.p2p.PeerPath;
import dev.meshwire.peer.transport.CoordinatorRelayTransport;
import dev.meshwire.peer.coordinator.CoordinatorUrls;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.home.MeshConfig;
import dev.meshwire.peer.home.MeshStore;
import dev.meshwire.peer.ipc.MembershipApi;
import dev.meshwire.peer.ipc.api.CreateMeshReply;
import dev.meshwire.peer.ipc.api.CreateMeshRequest;
import dev.meshwire.peer.ipc.api.InviteReply;
import dev.meshwire.peer.ipc.api.MeshReply;
import dev.meshwire.peer.ipc.api.PeerItem;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.peer.ipc.api.PeersReply;
import dev.meshwire.peer.ipc.api.PingReply;
import dev.meshwire.peer.ipc.api.ForgetMeshRequest;
import dev.meshwire.peer.ipc.api.LeaveRequest;
import dev.meshwire.peer.ipc.api.MeshRemovedReply;
import dev.meshwire.signaling.Canonical;
import dev.meshwire.signaling.Names;
import dev.meshwire.signaling.crypto.BoxCipher;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.PublicKey;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.invite.Invite;
import dev.meshwire.peer.meshstate.Member;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Becoming and staying a member: create a mesh (you own it), join one with an invite, issue
 * invites, list the members, and reconnect by hand. Each new membership gets its own identity.
 */
public final class Membership implements MembershipApi {
    private final DirectRegistry direct;
    private static final Logger log = LoggerFactory.getLogger(Membership.class);
    private static final long DEFAULT_INVITE_TTL_MS = 24 * 3600_000L;

    private final JoinedMeshes meshes;
    private final MeshStore store;
    private final MeshConnector connector;
    private final MeshRegistrar registrar = new MeshRegistrar();

    private final MeshDeparture departure;

    public Membership(JoinedMeshes meshes, MeshStore store, MeshConnector connector, DirectRegistry direct, MeshDeparture departure) {
        this.direct = direct;
        this.departure = departure;
        this.meshes = meshes;
        this.store = store;
        this.connector = connector;
    }

    @Override
    public CreateMeshReply createMesh(CreateMeshRequest req) {
        String name = req.name();
        String coordinator = req.coordinator();
        String displayName = req.displayName();
        String adminToken = req.adminToken();
        String bad = Names.checkMeshName(name);
        if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
        String display = displayName == null ? DisplayNames.fromHostName() : displayName;
        bad = Names.checkDisplayName(display);
        if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
        if (coordinator == null) throw new PeerException(PeerException.BAD_REQUEST, "a coordinator URL is required (--coordinator)");
        String wsBase = CoordinatorUrls.wsBase(coordinator);
        refuseExisting(name);
        Identity id = Identity.generate();
        long now = System.currentTimeMillis();
        var body = new dev.meshwire.coordinator.authority.CreateMeshRequest(name, id.publicKeyHex(), display, now,
                id.signHex(Canonical.meshCreate(name, id.publicKeyHex(), display, now)));
        JsonNode answer = registrar.register(coordinator, adminToken, body);
        String meshId = answer.path("mesh").asText(null);
        if (meshId == null) throw new PeerException(PeerException.COORDINATOR_REFUSED, "coordinator answer has no mesh id");
        String coordUrl = answer.hasNonNull("coordinator") ? CoordinatorUrls.wsBase(answer.get("coordinator").asText()) : wsBase;
        // The creation answer names the mesh authority key: pinned now, it verifies the whole history.
        String authority = answer.hasNonNull("authority") ? answer.get("authority").asText() : null;
        if (authority != null && !Hex.isHex(authority, PublicKey.HEX_CHARS)) {
            throw new PeerException(PeerException.COORDINATOR_REFUSED, "coordinator answer names a malformed authority key");
        }
        if (authority == null) log.warn("mesh {}: the coordinator's creation answer names no authority key; it will be trusted on first use", name);
        MeshConfig cfg = new MeshConfig(meshId, name, coordUrl, display, "owner", id.publicKeyHex(), now, authority);
        store.save(cfg, id);
        CoordinatorLink link = connector.open(cfg, id, null);
        String warning = null;
        try {
            CoordinatorAnswers.connected(link.start(), CONNECT_WAIT_MS);
        } catch (PeerException e) {
            // The mesh exists on the coordinator and on disk; the link keeps retrying.
            warning = "mesh created but not connected yet: " + e.getMessage();
        }
        Invite inv = Invite.create(id, coordUrl, meshId, name, now + DEFAULT_INVITE_TTL_MS, 1,
                meshes.get(name).roster().replica().pinnedAuthority());
        return new CreateMeshReply(MeshSummary.of(meshes.get(name)), inv.encode(), inv.expiresAt(), inv.maxUses(), warning);
    }

    @Override
    public MeshReply join(String inviteText, String displayName) {
        Invite inv;
        try {
            inv = Invite.decode(inviteText);
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.INVITE_INVALID, e.getMessage());
        }
        if (!inv.signatureValid()) throw new PeerException(PeerException.INVITE_INVALID, "invite signature is not valid");
        if (inv.expiresAt() < System.currentTimeMillis()) throw new PeerException(PeerException.INVITE_INVALID, "invite has expired");
        String display = displayName == null ? DisplayNames.fromHostName() : displayName;
        String bad = Names.checkDisplayName(display);
        if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
        String meshName = inv.meshName() != null && Names.checkMeshName(inv.meshName()) == null ? inv.meshName()
                : "mesh-" + inv.mesh().substring(0, Math.min(8, inv.mesh().length())).toLowerCase();
        refuseExisting(meshName);
        if (meshes.byMeshId(inv.mesh()).isPresent()) {
            throw new PeerException(PeerException.MESH_EXISTS, "this daemon is already a member of that mesh (as '"
                    + meshes.byMeshId(inv.mesh()).get().name() + "')");
        }
        Identity id = Identity.generate();
        String coord = CoordinatorUrls.wsBase(inv.coordinator());
        // A v2 invite names the mesh authority key: pinned before the first byte from the coordinator.
        MeshConfig draft = new MeshConfig(inv.mesh(), meshName, coord, display, "member", id.publicKeyHex(), System.currentTimeMillis(),
                inv.v() >= 2 ? inv.authority() : null);
        CoordinatorLink link = connector.open(draft, id, inv);
        Frames.HelloAck ack;
        try {
            ack = CoordinatorAnswers.connected(link.start(), CONNECT_WAIT_MS);
        } catch (PeerException e) {
            link.close();
            if (meshes.byMeshId(inv.mesh()).isEmpty()) connector.states().discard(inv.mesh());
            throw e;
        }
        String role = ack.self() != null && ack.self().role() != null ? ack.self().role() : "member";
        // v1 invite: the key hello_ack names is trusted on first use (the link listener logs it).
        String authority = draft.authority() != null ? draft.authority() : ack.authority();
        MeshConfig cfg = new MeshConfig(ack.mesh() != null ? ack.mesh() : inv.mesh(), meshName, coord, display, role,
                id.publicKeyHex(), draft.joinedAt(), authority);
        store.save(cfg, id);
        // The link is already connected and now says hello on reconnect; register it under its final
        // record. The link's listener holds a session built from the draft config; it is equivalent
        // for delivery (same identity, mesh id, name and roster), so only the lookup needs the final record.
        MeshSession s = new MeshSession(cfg, id, new BoxCipher(id), link, connector.states().open(cfg));
        meshes.put(s);
        return new MeshReply(MeshSummary.of(s));
    }

    private void refuseExisting(String meshName) {
        if (meshes.contains(meshName) || store.exists(meshName)) {
            throw new PeerException(PeerException.MESH_EXISTS, "a mesh named '" + meshName + "' is already joined here");
        }
    }

    @Override
    public InviteReply invite(String mesh, int uses, long expiresInMs) {
        MeshSession s = meshes.select(mesh);
        if (uses < 1 || uses > 1000) throw new PeerException(PeerException.BAD_REQUEST, "uses must be between 1 and 1000");
        if (expiresInMs < 60_000 || expiresInMs > 30L * 24 * 3600_000) {
            throw new PeerException(PeerException.BAD_REQUEST, "expiry must be between 1 minute and 30 days");
        }
        // v2: the invite names the key the joiner pins (this replica's trust anchor; null makes a v1 invite).
        Invite inv = Invite.create(s.identity(), s.config().coordinator(), s.config().meshId(), s.name(),
                System.currentTimeMillis() + expiresInMs, uses, s.roster().replica().pinnedAuthority());
        return new InviteReply(s.name(), inv.encode(), inv.expiresAt(), uses);
    }

    @Override
    public PeersReply peers(String mesh) {
        MeshSession s = meshes.select(mesh);
        s.link().refreshPresence();
        List<Frames.PeerInfo> roster = new ArrayList<>(s.roster().active());
        roster.sort(Comparator.comparing((Frames.PeerInfo p) -> !p.online()).thenComparing(p -> p.name() == null ? "" : p.name()));
        List<PeerItem> peers = new ArrayList<>();
        for (Frames.PeerInfo p : roster) {
            boolean self = p.pubkey().equals(s.selfPubkey());
            PeerPath path = self ? null : direct.path(s.config().meshId(), p.pubkey());
            boolean shown = path != null && (p.online() || path.direct());
            peers.add(new PeerItem(p.name(), p.pubkey(), p.role(), p.online(), self, p.connectedSince(),
                    p.capabilities() != null && p.capabilities().p2p(),
                    shown ? path.path() : null,
                    shown ? path.state() : null,
                    shown && path.since() > 0 ? path.since() : null,
                    shown && path.rttMicros() != null ? path.rttMicros() / 1000.0 : null,
                    p.online() || self ? null : lastSeen(s, p.pubkey())));
        }
        // Then every online session (docs/protocol.md §5 "session_hello"), after the members; relay only.
        for (Frames.PeerInfo p : s.roster().onlineSessions()) {
            String kind = s.selfPubkey().equals(p.parent()) ? PeerItem.YOUR_SESSION : PeerItem.OTHER_SESSION;
            peers.add(new PeerItem(p.name(), p.pubkey(), p.role(), true, false, p.connectedSince(), false, CoordinatorRelayTransport.PATH, null, null, null, null,
                    p.parent(), kind));
        }
        // Then every active service whose connection is online (docs/protocol.md §6.4), role "service"; relay only.
        for (Frames.PeerInfo p : s.roster().onlineServices()) {
            String kind = s.selfPubkey().equals(p.parent()) ? PeerItem.YOUR_SESSION : PeerItem.OTHER_SESSION;
            peers.add(new PeerItem(p.name(), p.pubkey(), p.role(), true, false, p.connectedSince(), false, CoordinatorRelayTransport.PATH, null, null, null, null,
                    p.parent(), kind));
        }
        // Then the sub-peers services front (docs/protocol.md §6.5: lk:alice of a LiveKit side-car), role "subpeer", parent =
        // the service key (what a dm to them is sent to); offline ones were seen since this daemon started.
        for (var e : s.roster().subpeers()) {
            peers.add(new PeerItem(e.name(), e.service(), MeshRoster.SUBPEER_ROLE, e.online(), false, e.since(), false,
                    e.online() ? CoordinatorRelayTransport.PATH : null, null, null, null, e.online() ? null : e.lastSeen(), e.service(), null));
        }
        return new PeersReply(s.name(), s.link().connected(), s.link().state().wireName(), s.roster().replica().version(),
                s.roster().replica().verified(), peers);
    }

    /** When the coordinator last reported {@code pubkey} online to this daemon (presence events), or null. */
    private static Long lastSeen(MeshSession s, String pubkey) {
        Member m = s.roster().member(pubkey);
        return m == null ? null : m.lastSeen();
    }

    @Override
    public PingReply ping(String mesh, String peer, int count) {
        return new PeerPinger(meshes.select(mesh), direct, connector.pings()).ping(peer, count);
    }

    @Override
    public MeshReply reconnect(String mesh) {
        MeshSession old = meshes.select(mesh);
        // The new link resumes the old one's presence: a manual reconnect is no leave/join for the peers.
        String token = old.link().closeForHandover();
        CoordinatorLink link = connector.open(old.config(), old.identity(), null);
        link.resumeWith(token);
        try {
            CoordinatorAnswers.connected(link.start(), CONNECT_WAIT_MS);
        } catch (PeerException e) {
            // The link keeps retrying unless the refusal was terminal; report the first failure as is.
            throw new PeerException(e.code(), "reconnect failed: " + e.getMessage());
        }
        MeshSession now = meshes.get(old.name());
        return new MeshReply(MeshSummary.of(now));
    }

    @Override
    public MeshRemovedReply leave(LeaveRequest req) {
        return departure.leave(req.mesh(), req.forced());
    }

    @Override
    public MeshRemovedReply forget(ForgetMeshRequest req) {
        return departure.forget(req.mesh(), req.forced());
    }
}
