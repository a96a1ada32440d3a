package dev.meshwire.peer.ipc.api;

import java.util.List;

/** {@code GET /v1/sidecars}: every side-car the daemon runs or hears from, by name. */
public record SidecarsReply(List<SidecarItem> items) {}
