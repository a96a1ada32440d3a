package dev.meshwire.peer.inbox;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.ipc.InboxApi;
import dev.meshwire.peer.ipc.IpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The IPC face of the inbox: list (marking seen), flush, delete. No mesh name means every mesh. */
public final class InboxEndpoints implements InboxApi {
    private final Inbox inbox;
    private final JoinedMeshes meshes;

    public InboxEndpoints(Inbox inbox, JoinedMeshes meshes) {
        this.inbox = inbox;
        this.meshes = meshes;
    }

    @Override
    public Map<String, Object> inbox(String mesh, int limit, boolean unreadOnly, boolean peek) {
        meshes.requireKnownIfNamed(mesh);
        if (limit < 1 || limit > 10_000) throw new PeerException(PeerException.BAD_REQUEST, "limit must be between 1 and 10000");
        List<Object> out = new ArrayList<>();
        for (InboxMessage m : inbox.list(filter(mesh), limit, unreadOnly, !peek)) out.add(InboundProcessor.messageJson(m));
        return IpcClient.map("messages", out, "unread", inbox.unreadCount(filter(mesh)));
    }

    @Override
    public Map<String, Object> inboxFlush(String mesh, boolean all) {
        meshes.requireKnownIfNamed(mesh);
        int n = inbox.flush(filter(mesh), all);
        return IpcClient.map("deleted", n, "all", all);
    }

    @Override
    public Map<String, Object> inboxDelete(long id) {
        if (!inbox.delete(id)) throw new PeerException(PeerException.UNKNOWN_INBOX_MESSAGE, "no inbox message with id " + id);
        return IpcClient.map("deleted", 1, "id", id);
    }

    /** The inbox's mesh filter: null for every mesh. */
    private static String filter(String mesh) {
        return mesh == null || mesh.isBlank() ? null : mesh;
    }
}
