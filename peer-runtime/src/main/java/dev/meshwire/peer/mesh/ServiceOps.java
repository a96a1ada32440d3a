package dev.meshwire.peer.mesh;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.coordinator.MeshSession;
import dev.meshwire.peer.home.MeshwireHome;
import dev.meshwire.peer.ipc.ServicesApi;
import dev.meshwire.peer.ipc.api.PeerRef;
import dev.meshwire.peer.ipc.api.ServiceItem;
import dev.meshwire.peer.ipc.api.ServiceRegisterReply;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.ServiceRevokeReply;
import dev.meshwire.peer.ipc.api.ServiceRevokeRequest;
import dev.meshwire.peer.ipc.api.ServicesReply;
import dev.meshwire.peer.meshstate.MeshRoster;
import dev.meshwire.signaling.Json;
import dev.meshwire.signaling.crypto.Hex;
import dev.meshwire.signaling.crypto.Identity;
import dev.meshwire.signaling.frame.Frame;
import dev.meshwire.signaling.frame.Frames;
import dev.meshwire.signaling.meshstate.MeshState;
import dev.meshwire.signaling.service.Scopes;
import dev.meshwire.signaling.service.ServiceAttestation;
import dev.meshwire.signaling.service.ServiceEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.regex.Pattern;

/**
 * {@code meshwire service register|list|revoke} (docs/protocol.md §6.4). Register mints a fresh Ed25519 key pair
 * for the service, signs the attestation with this member's key, writes the service's key file (mode 0600, under
 * {@code $MESHWIRE_HOME/services/<mesh>/}; the secret is never printed nor sent) and asks the coordinator to record
 * the attestation as a {@code service_registered} event. List reads the verified replica. Revoke asks the
 * coordinator to revoke the service key through the mesh-state revocation.
 */
public final class ServiceOps implements ServicesApi {
    private static final Pattern TYPE = Pattern.compile("^[a-z][a-z0-9-]{0,31}$");
    private final JoinedMeshes meshes;
    private final MeshwireHome home;

    public ServiceOps(JoinedMeshes meshes, MeshwireHome home) {
        this.meshes = meshes;
        this.home = home;
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
        Path keyFile = home.root().resolve("services").resolve(s.name()).resolve(req.name() + "-" + service.publicKeyHex().substring(0, 12) + ".json");
        writeKeyFile(keyFile, a, service);
        String id = s.link().nextId();
        Frame answer;
        try {
            answer = CoordinatorAnswers.reply(s, id, new Frames.ServiceRegister(id, a));
        } catch (PeerException e) {
            deleteQuietly(keyFile); // nothing was recorded: the key is worthless
            throw e;
        }
        ServiceItem item = item(s.roster(), new ServiceEntry(a, System.currentTimeMillis()), ServiceEntry.ACTIVE);
        return new ServiceRegisterReply(s.name(), item, a, keyFile.toString(), answer instanceof Frames.Ok ok ? ok.detail() : null);
    }

    /** The integration's one file: the attestation and the service's secret key, 0600 in a 0700 directory. */
    private static void writeKeyFile(Path file, ServiceAttestation a, Identity service) {
        MeshwireHome.ensureDir(file.getParent().getParent());
        MeshwireHome.ensureDir(file.getParent());
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set("attestation", Json.MAPPER.valueToTree(a));
        n.put("secretKey", Hex.encode(service.secretKey()));
        try {
            MeshwireHome.writePrivate(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
        } catch (JsonProcessingException e) {
            throw new PeerException(PeerException.INTERNAL, "cannot write the service key file: " + e.getOriginalMessage());
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // best effort: the file holds a key nobody recorded
        }
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
                    .forEach(e -> out.add(item(s.roster(), e, st.serviceStatus(e, now))));
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
        return new ServiceRevokeReply(s.name(), req.name().trim(), ok == null ? null : ok.target(), ok == null ? null : ok.detail());
    }

    private static ServiceItem item(MeshRoster roster, ServiceEntry e, String status) {
        ServiceAttestation a = e.attestation();
        return new ServiceItem(a.serviceId(), a.type(), List.copyOf(Scopes.fromCsv(a.scopes())), a.servicePubkey(),
                new PeerRef(MeshConnector.nameOf(roster, a.owner()), a.owner()), a.transport(), a.delegate(), a.expiresAt(), e.registeredAt(), status);
    }
}
