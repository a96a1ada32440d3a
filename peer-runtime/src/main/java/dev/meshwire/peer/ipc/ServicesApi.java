package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.InboxReply;
import dev.meshwire.peer.ipc.api.ServiceRegisterReply;
import dev.meshwire.peer.ipc.api.ServiceSendReply;
import dev.meshwire.peer.ipc.api.ServiceSendRequest;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.ServiceRevokeReply;
import dev.meshwire.peer.ipc.api.ServiceRevokeRequest;
import dev.meshwire.peer.ipc.api.ServicesReply;

/**
 * Services (docs/protocol.md §6.4): {@code POST /v1/services} mints a service key and a member-signed attestation
 * and records it; {@code GET /v1/services} lists the replica's services; {@code POST /v1/services/revoke} revokes one
 * through the mesh-state revocation. A delegated service this daemon holds: {@code GET /v1/services/{name}/inbox} lists
 * what was sent to it, {@code POST /v1/services/{name}/send} sends as it, {@code POST /v1/services/{name}/subpeers} sets
 * the sub-peers it fronts, {@code GET /v1/services/{name}/files} lists the files it received for them, {@code POST /v1/services/{name}/files}
 * sends a file as it, and
 * {@code POST /v1/services/{name}/files/{id}/delivered} lets go of one (docs/ipc.md "Delegated services").
 */
public interface ServicesApi {
    ServiceRegisterReply register(ServiceRegisterRequest req);

    ServicesReply list(String mesh);

    ServiceRevokeReply revoke(ServiceRevokeRequest req);

    /** The messages delivered to the delegated service {@code name} of {@code mesh}; {@code unknown_service} when not held. */
    InboxReply inbox(String mesh, String name, InboxQuery query);

    /** Sends as the delegated service {@code name} (synchronous, over its own connection; not kept in the outbox). */
    ServiceSendReply send(String name, ServiceSendRequest req);

    /**
     * Sets the whole set of sub-peers the delegated service {@code name} fronts (docs/protocol.md §6.5; a LiveKit side-car's
     * room participants {@code lk:<identity>}); published on the service's connection now and after every reconnect.
     */
    dev.meshwire.peer.ipc.api.SubpeersReply subpeers(String name, dev.meshwire.peer.ipc.api.SubpeersRequest req);

    /** The files the delegated service {@code name} received for its sub-peers and not delivered yet (docs/protocol.md §12.4). */
    dev.meshwire.peer.ipc.api.ServiceFilesReply files(String mesh, String name);

    /** Sends a local file as the delegated service {@code name} to a member over the stream channel (docs/protocol.md §12.4). */
    IpcReply<dev.meshwire.peer.ipc.api.FileItem> sendFile(String name, dev.meshwire.peer.ipc.api.ServiceFileSendRequest req);

    /** The app delivered file {@code id} of the delegated service {@code name}: the file is removed, no longer listed. Idempotent. */
    dev.meshwire.peer.ipc.api.ServiceFileItem fileDelivered(String mesh, String name, String id);
}
