package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/services}: every service the mesh state records (revoked and expired ones too), from the replica. */
public record ServicesReply(String mesh, long stateVersion, List<ServiceItem> items) {}
