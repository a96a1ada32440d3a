package dev.meshwire.livekit.bridge;

import dev.meshwire.peer.ipc.IpcClient;
import dev.meshwire.peer.ipc.IpcException;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.ServiceItem;
import dev.meshwire.peer.ipc.api.ServiceRegisterRequest;
import dev.meshwire.peer.ipc.api.ServiceSendRequest;
import java.util.List;

/**
 * The side-car's view of the mesh: the local daemon's IPC, acting as the delegated {@code livekit-room} service.
 * The daemon holds the service key, keeps its coordinator connection, stores what is sent to it durably (the
 * service inbox) and signs what it sends; the side-car never sees a mesh secret. Blocking calls: never on the room
 * thread.
 */
final class MeshSide {
    private final DaemonLink daemon;
    private final BridgeConfig config;

    MeshSide(DaemonLink daemon, BridgeConfig config) {
        this.daemon = daemon;
        this.config = config;
    }

    /** Runs one IPC call, telling the link when the daemon was away (so a restarted daemon is found again). */
    private <T> T call(java.util.function.Function<IpcClient, T> fn) {
        try {
            return fn.apply(daemon.client());
        } catch (IpcException e) {
            daemon.failed(e);
            throw e;
        }
    }

    /**
     * Uses the service if this daemon already holds it, else registers it (delegated, type {@code livekit-room}).
     * Returns the service key. Throws {@link BridgeException} when a service of that name exists but is not held
     * here, is not active or is of another type.
     */
    String ensureService() {
        for (ServiceItem s : call(c -> c.services(config.mesh())).items()) {
            if (!s.name().equals(config.service()) || !"active".equals(s.status())) continue;
            if (!BridgeConfig.TYPE.equals(s.type())) {
                throw new BridgeException("service '" + s.name() + "' exists with type " + s.type() + ", not " + BridgeConfig.TYPE);
            }
            if (s.connection() == null) {
                throw new BridgeException("service '" + s.name() + "' is not held by this daemon (registered elsewhere or without --delegate)");
            }
            return s.servicePubkey();
        }
        return call(c -> c.registerService(new ServiceRegisterRequest(config.mesh(), config.service(), BridgeConfig.TYPE,
                BridgeConfig.SCOPES, null, true))).service().servicePubkey();
    }

    /** Up to {@code limit} rows sent to the service, oldest first, without marking them. */
    List<InboxItem> pending(int limit) {
        List<InboxItem> items = new java.util.ArrayList<>(call(c -> c.serviceInbox(config.mesh(), config.service(), limit, false, true)).items());
        items.sort(java.util.Comparator.comparingLong(InboxItem::id));
        return items;
    }

    /** Removes a row once it is handled (forwarded into the room, or answered as undeliverable). */
    void consume(long inboxId) {
        try {
            call(c -> c.inboxDelete(inboxId));
        } catch (IpcException e) {
            if (e.status() != 404) throw e; // already gone: fine
        }
    }

    /** Sends {@code text} as the service; the same {@code clientMessageId} again is deduplicated by the coordinator. */
    void send(String to, String text, String clientMessageId) {
        call(c -> c.serviceSend(config.service(), new ServiceSendRequest(config.mesh(), to, text, null, clientMessageId)));
    }

    /**
     * Publishes the whole set of participants present as sub-peers {@code lk:<identity>} of the service (docs/protocol.md
     * §6.5); the daemon signs it with the service key and keeps it for the service's reconnects.
     */
    void subpeers(java.util.Collection<String> names) {
        call(c -> c.serviceSubpeers(config.service(), new dev.meshwire.peer.ipc.api.SubpeersRequest(config.mesh(), List.copyOf(names))));
    }

    /** The files sent to the service's sub-peers that wait in the daemon (docs/protocol.md §12.4), oldest first. */
    List<dev.meshwire.peer.ipc.api.ServiceFileItem> files() {
        return call(c -> c.serviceFiles(config.mesh(), config.service())).files();
    }

    /** The file {@code id} was delivered into the room (or cannot be): the daemon removes it. */
    void fileDelivered(String id) {
        call(c -> c.serviceFileDelivered(config.mesh(), config.service(), id));
    }

    /** Sends the local file {@code path} as the service to member {@code to} over the stream channel; the daemon's transfer. */
    dev.meshwire.peer.ipc.api.FileItem sendFile(String to, String path) {
        return call(c -> c.serviceFileSend(config.service(), new dev.meshwire.peer.ipc.api.ServiceFileSendRequest(config.mesh(), to, path)));
    }

    /** The daemon's transfer {@code id} as it stands now. */
    dev.meshwire.peer.ipc.api.FileItem file(String id) {
        return call(c -> c.file(id));
    }
}
