package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/services/{name}/files}: the files the held service received for its sub-peers and has not delivered yet, oldest first. */
public record ServiceFilesReply(String mesh, String service, String servicePubkey, List<ServiceFileItem> files) {}
