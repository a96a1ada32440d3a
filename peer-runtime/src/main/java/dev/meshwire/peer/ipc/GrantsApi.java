package dev.meshwire.peer.ipc;

import dev.meshwire.peer.ipc.api.GrantReply;
import dev.meshwire.peer.ipc.api.GrantRequest;
import dev.meshwire.peer.ipc.api.GrantsReply;

/**
 * Grants (docs/protocol.md §6.3): {@code POST /v1/grant} sets what a member (or {@code *}) may do to you, through
 * the coordinator, which records it as a signed {@code grant_set} event; {@code GET /v1/grants} lists the grants
 * of the local verified replica. docs/ipc.md has the shapes.
 */
public interface GrantsApi {
    GrantReply grant(GrantRequest req);

    GrantsReply grants(String mesh);
}
