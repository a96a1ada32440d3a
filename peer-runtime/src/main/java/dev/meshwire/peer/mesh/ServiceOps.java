package dev.meshwire.peer.mesh;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.ServicesApi;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.InboxReply;
import dev.meshwire.peer.ipc.api.ServiceSendReply;
import dev.meshwire.peer.ipc.api.ServiceSendRequest;
import dev.meshwire.peer.service.DelegatedServices;
import dev.meshwire.peer.service.ServiceKeyFile;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.ipc.api.ServiceItem;
import dev.meshwire.peer.ipc.api.ServiceRegisterReply;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.ServiceRevokeReply;
import dev.meshwire.peer.ipc.api.ServiceRevokeRequest;
import dev.meshwire.peer.ipc.api.ServicesReply;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.service.Scopes;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.service.ServiceEntry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.regex.Pattern;

/**
 * {@code meshwire service register|list|revoke} (docs/protocol.md §6.4). Register mints a fresh Ed25519 key pair
 * for the service, signs the attestation with this member's key, writes the service's key file ({@link ServiceKeyFile};
 * the secret is never printed nor sent) and asks the coordinator to record the attestation as a
 * {@code service_registered} event; with {@code delegate} this daemon then holds the service ({@link DelegatedServices}).
 * Inbox and send of a delegated service are {@link DelegatedServices}'. List reads the verified replica. Revoke asks the
 * coordinator to revoke the service key through the mesh-state revocation.
 */
public final class ServiceOps implements ServicesApi {
    private static final Pattern TYPE = Pattern.compile("^[a-z][a-z0-9-]{0,31}$");
    private final JoinedMeshes meshes;
    private final MeshwireHome home;
    private final DelegatedServices delegated;
    private final dev.meshwire.peer.stream.FileService files;

    /** @param delegated the daemon's holder of delegated services (register --delegate starts one, revoke ends it) */
    public ServiceOps(JoinedMeshes meshes, MeshwireHome home, DelegatedServices delegated) {
        this(meshes, home, delegated, null);
    }

    /** @param files the daemon's file transfers (files a held service received for its sub-peers), or null for none */
    public ServiceOps(JoinedMeshes meshes, MeshwireHome home, DelegatedServices delegated, dev.meshwire.peer.stream.FileService files) {
        this.files = files;
        this.meshes = meshes;
        this.home = home;
        this.delegated = delegated;
    }

    /** How the coordinator reaches a service of {@code type}: webhook → http-webhook, livekit → livekit, else ws. */
    static String transportFor(String type) {
        return switch (type) {
            case "webhook" -> "http-webhook";
            case "livekit" -> "livekit";
            default -> "ws";
        };
    }

    @Override
    public ServiceRegisterReply register(ServiceRegisterRequest req) {
        String bad = ServiceAttestation.checkServiceId(req.name());
        if (bad != null) throw new PeerException(PeerException.BAD_REQUEST, bad);
        if (req.type() == null || !TYPE.matcher(req.type()).matches()) {
            throw new PeerException(PeerException.BAD_REQUEST, "type must be 1-32 characters of a-z, 0-9 and '-' (webhook, livekit, bot, ...)");
        }
        SortedSet<String> scopes;
        try {
            scopes = Scopes.parse(req.scopes());
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.BAD_REQUEST, e.getMessage());
        }
        long ttl = req.ttlMs() == null ? ServiceAttestation.DEFAULT_TTL_MS : req.ttlMs();
        if (ttl < 60_000 || ttl > ServiceAttestation.MAX_TTL_MS) {
            throw new PeerException(PeerException.BAD_REQUEST, "ttl must be between 1 minute and " + ServiceAttestation.MAX_TTL_MS / 86_400_000L + " days");
        }
        MeshSession s = meshes.select(req.mesh()).requireConnected();
        Identity service = Identity.generate();
        String delegate = Boolean.TRUE.equals(req.delegate()) ? s.selfPubkey() : null;
        ServiceAttestation a = ServiceAttestation.sign(s.identity(), s.config().meshId(), req.name(), service.publicKeyHex(), req.type(),
                String.join(",", scopes), System.currentTimeMillis() + ttl, transportFor(req.type()), delegate);
        ServiceKeyFile keyFile = ServiceKeyFile.write(home, s.name(), a, service);
        String id = s.link().nextId();
        Frame answer;
        try {
            answer = CoordinatorAnswers.reply(s, id, new Frames.ServiceRegister(id, a));
        } catch (PeerException e) {
            keyFile.deleteQuietly(); // nothing was recorded: the key is worthless
            throw e;
        }
        // A delegated service: this daemon connects as the service now (and after every restart).
        String connection = delegate != null ? delegated.registered(s.name(), a.servicePubkey()) : null;
        ServiceItem item = item(s.roster(), new ServiceEntry(a, System.currentTimeMillis()), ServiceEntry.ACTIVE, connection);
        return new ServiceRegisterReply(s.name(), item, a, keyFile.path().toString(), answer instanceof Frames.Ok ok ? ok.detail() : null);
    }

    @Override
    public ServicesReply list(String mesh) {
        MeshSession s = meshes.select(mesh);
        MeshState st = s.roster().replica().state();
        List<ServiceItem> out = new ArrayList<>();
        if (st != null) {
            long now = System.currentTimeMillis();
            st.services().stream().sorted(Comparator.comparing((ServiceEntry e) -> e.attestation().serviceId())
                            .thenComparingLong(ServiceEntry::registeredAt))
                    .forEach(e -> out.add(item(s.roster(), e, st.serviceStatus(e, now), delegated.connection(e.attestation().servicePubkey()))));
        }
        return new ServicesReply(s.name(), s.roster().replica().version(), out);
    }

    @Override
    public ServiceRevokeReply revoke(ServiceRevokeRequest req) {
        if (req.name() == null || req.name().isBlank()) throw new PeerException(PeerException.BAD_REQUEST, "name a service");
        String reason = req.reason() == null || req.reason().isBlank() ? null : req.reason().trim();
        if (reason != null && reason.length() > 200) throw new PeerException(PeerException.BAD_REQUEST, "reason must be at most 200 characters");
        MeshSession s = meshes.select(req.mesh()).requireConnected();
        String id = s.link().nextId();
        Frame answer = CoordinatorAnswers.reply(s, id, new Frames.ServiceRevoke(id, req.name().trim(), reason));
        Frames.Ok ok = answer instanceof Frames.Ok o ? o : null;
        if (ok != null && ok.target() != null) delegated.revoked(ok.target()); // its connection ends now, not at the next check
        return new ServiceRevokeReply(s.name(), req.name().trim(), ok == null ? null : ok.target(), ok == null ? null : ok.detail());
    }

    @Override
    public InboxReply inbox(String mesh, String name, InboxQuery query) {
        return delegated.inbox(mesh, name, query);
    }

    @Override
    public ServiceSendReply send(String name, ServiceSendRequest req) {
        return delegated.send(name, req);
    }

    private static ServiceItem item(MeshRoster roster, ServiceEntry e, String status, String connection) {
        ServiceAttestation a = e.attestation();
        return new ServiceItem(a.serviceId(), a.type(), List.copyOf(Scopes.fromCsv(a.scopes())), a.servicePubkey(),
                new PeerRef(MeshConnector.nameOf(roster, a.owner()), a.owner()), a.transport(), a.delegate(), a.expiresAt(), e.registeredAt(), status,
                connection);
    }

    @Override
    public dev.meshwire.peer.ipc.api.SubpeersReply subpeers(String name, dev.meshwire.peer.ipc.api.SubpeersRequest req) {
        return delegated.subpeers(name, req);
    }

    @Override
    public dev.meshwire.peer.ipc.api.ServiceFilesReply files(String mesh, String name) {
        var h = delegated.held(mesh, name);
        var list = files == null ? java.util.List.<dev.meshwire.peer.stream.Transfer>of() : files.serviceFiles(h.pubkey());
        return new dev.meshwire.peer.ipc.api.ServiceFilesReply(h.meshName(), h.name(), h.pubkey(), list.stream().map(ServiceOps::fileItem).toList());
    }

    @Override
    public dev.meshwire.peer.ipc.IpcReply<dev.meshwire.peer.ipc.api.FileItem> sendFile(String name, dev.meshwire.peer.ipc.api.ServiceFileSendRequest req) {
        var h = delegated.held(req.mesh(), name);
        if (files == null) throw new dev.meshwire.peer.PeerException(dev.meshwire.peer.PeerException.BAD_REQUEST, "file transfer is not available");
        return files.sendAs(h.asMesh(), h.name(), h.file().attestation().scopes(), req.to(), req.path());
    }

    @Override
    public dev.meshwire.peer.ipc.api.ServiceFileItem fileDelivered(String mesh, String name, String id) {
        var h = delegated.held(mesh, name);
        if (files == null) throw new dev.meshwire.peer.PeerException(dev.meshwire.peer.PeerException.UNKNOWN_TRANSFER, "no file " + id);
        return fileItem(files.serviceFileDelivered(h.pubkey(), id));
    }

    private static dev.meshwire.peer.ipc.api.ServiceFileItem fileItem(dev.meshwire.peer.stream.Transfer t) {
        return new dev.meshwire.peer.ipc.api.ServiceFileItem(t.streamId(), new dev.meshwire.peer.ipc.api.PeerRef(t.peerName(), t.peer()), t.subpeer(),
                t.name(), t.size(), t.sha256(), t.localPath(), t.finishedAt() != null ? t.finishedAt() : t.updatedAt());
    }
}
