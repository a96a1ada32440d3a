package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/status}: the daemon and every joined mesh. */
public record StatusReply(DaemonStatus daemon, List<MeshInfo> meshes) {}
