package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.InboxDeleteReply;
import dev.meshwire.peer.ipc.api.InboxFlushReply;
import dev.meshwire.peer.ipc.api.InboxQuery;
import dev.meshwire.peer.ipc.api.InboxReply;

/** Received messages: {@code /v1/inbox}, {@code /v1/inbox/flush}, {@code DELETE /v1/inbox/{id}}. */
public interface InboxApi {
    /** Inbox listing; marks the returned unread rows seen unless {@code peek}. */
    InboxReply inbox(InboxQuery query);

    /** Deletes seen messages, or all with {@code all}. */
    InboxFlushReply inboxFlush(String mesh, boolean all);

    InboxDeleteReply inboxDelete(long id);
}
