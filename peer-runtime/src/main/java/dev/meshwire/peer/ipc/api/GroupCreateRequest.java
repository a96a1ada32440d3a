package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/groups}: create the empty group {@code name} ({@code @name} without the {@code @}). */
public record GroupCreateRequest(String mesh, String name) {}
