package dev.meshwire.peer.ipc;

import java.util.Map;

/** Received messages: {@code /v1/inbox}, {@code /v1/inbox/flush}, {@code DELETE /v1/inbox/{id}}. */
public interface InboxApi {
    /** Inbox listing; marks the returned unread rows seen unless {@code peek}. */
    Map<String, Object> inbox(String mesh, int limit, boolean unreadOnly, boolean peek);

    /** Deletes seen messages, or all with {@code all}. */
    Map<String, Object> inboxFlush(String mesh, boolean all);

    Map<String, Object> inboxDelete(long id);
}
