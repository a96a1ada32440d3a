package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.GroupCreateRequest;
import dev.meshwire.peer.ipc.api.GroupDeleteRequest;
import dev.meshwire.peer.ipc.api.GroupMemberRequest;
import dev.meshwire.peer.ipc.api.GroupReply;
import dev.meshwire.peer.ipc.api.GroupsReply;

/**
 * Groups (docs/protocol.md §12.1): {@code POST /v1/groups}, {@code /v1/groups/member}, {@code /v1/groups/delete} ask the
 * coordinator, which records them as signed events; {@code GET /v1/groups} lists the groups of the local verified
 * replica. Sending to a group is {@code POST /v1/send} with {@code to} {@code @name}. docs/ipc.md has the shapes.
 */
public interface GroupsApi {
    GroupReply create(GroupCreateRequest req);

    GroupReply member(GroupMemberRequest req);

    GroupReply delete(GroupDeleteRequest req);

    GroupsReply list(String mesh);
}
