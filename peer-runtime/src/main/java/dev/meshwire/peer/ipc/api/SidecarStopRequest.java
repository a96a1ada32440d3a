package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/sidecars/stop}: stop the managed bridge {@code name} and forget it (it does not come back). */
public record SidecarStopRequest(String name) {}
