package dev.meshwire.peer.held;

import dev.meshwire.peer.PeerException;
import dev.meshwire.peer.inbox.InboundProcessor;
import dev.meshwire.peer.inbox.Inbox;
import dev.meshwire.peer.inbox.InboxMessage;
import dev.meshwire.peer.ipc.api.InboxItem;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.InboxReply;
import java.util.ArrayList;
import java.util.List;

/** The inbox of one held key: the rows tagged with it, listed as {@code GET /v1/inbox} lists the member's. */
public final class HeldInbox {
    private HeldInbox() {}

    /** At most {@code q.limit()} (1–10000) rows tagged with {@code key}; marks them seen unless {@code q.peek()}. */
    public static InboxReply list(Inbox inbox, String key, InboxQuery q) {
        if (q.limit() < 1 || q.limit() > 10_000) throw new PeerException(PeerException.BAD_REQUEST, "limit must be between 1 and 10000");
        List<InboxItem> out = new ArrayList<>();
        for (InboxMessage m : inbox.list(null, key, q.limit(), q.unread(), !q.peek())) out.add(InboundProcessor.item(m));
        return new InboxReply(out, inbox.unreadCountForSession(key));
    }
}
