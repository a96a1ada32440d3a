package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/mesh/log}: the verified events held, oldest first. */
public record MeshLogReply(String mesh, long stateVersion, boolean stateVerified, String authority, String pinnedAuthority,
                           List<LogEntry> items) {}
