package dev.meshwire.peer.inbox;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.coordinator.JoinedMeshes;
import dev.meshwire.peer.ipc.InboxApi;
import dev.meshwire.peer.ipc.api.InboxDeleteReply;
import dev.meshwire.peer.ipc.api.InboxFlushReply;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.InboxReply;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPC face of the inbox: list (marking seen), flush, delete. No mesh name means every mesh. A listing shows user
 * messages unless its query asks for the system entries or for both ({@link InboxKind}); its unread count is of that kind.
 */
public final class InboxEndpoints implements InboxApi {
    private final Inbox inbox;
    private final JoinedMeshes meshes;

    public InboxEndpoints(Inbox inbox, JoinedMeshes meshes) {
        this.inbox = inbox;
        this.meshes = meshes;
    }

    @Override
    public InboxReply inbox(InboxQuery query) {
        String mesh = query.mesh();
        int limit = query.limit();
        meshes.requireKnownIfNamed(mesh);
        if (limit < 1 || limit > 10_000) throw new PeerException(PeerException.BAD_REQUEST, "limit must be between 1 and 10000");
        InboxKind kind = InboxKind.fromWire(query.kind());
        List<InboxItem> out = new ArrayList<>();
        for (InboxMessage m : inbox.list(filter(mesh), null, kind, limit, query.unread(), !query.peek())) out.add(InboundProcessor.item(m));
        return new InboxReply(out, inbox.unreadCount(filter(mesh), kind));
    }

    @Override
    public InboxFlushReply inboxFlush(String mesh, boolean all) {
        meshes.requireKnownIfNamed(mesh);
        int n = inbox.flush(filter(mesh), all);
        return new InboxFlushReply(n, all);
    }

    @Override
    public InboxDeleteReply inboxDelete(long id) {
        if (!inbox.delete(id)) throw new PeerException(PeerException.UNKNOWN_INBOX_MESSAGE, "no inbox message with id " + id);
        return new InboxDeleteReply(1, id);
    }

    /** The inbox's mesh filter: null for every mesh. */
    private static String filter(String mesh) {
        return mesh == null || mesh.isBlank() ? null : mesh;
    }
}
