package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/groups/delete}: delete group {@code name}. */
public record GroupDeleteRequest(String mesh, String name) {}
