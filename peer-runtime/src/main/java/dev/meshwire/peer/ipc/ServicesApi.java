package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.ServiceRegisterReply;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.ServiceRevokeReply;
import dev.meshwire.peer.ipc.api.ServiceRevokeRequest;
import dev.meshwire.peer.ipc.api.ServicesReply;

/**
 * Services (docs/protocol.md §6.4): {@code POST /v1/services} mints a service key and a member-signed attestation
 * and records it; {@code GET /v1/services} lists the replica's services; {@code POST /v1/services/revoke} revokes one
 * through the mesh-state revocation.
 */
public interface ServicesApi {
    ServiceRegisterReply register(ServiceRegisterRequest req);

    ServicesReply list(String mesh);

    ServiceRevokeReply revoke(ServiceRevokeRequest req);
}
