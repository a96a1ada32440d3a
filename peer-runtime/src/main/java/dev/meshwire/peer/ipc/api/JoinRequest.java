package dev.meshwire.peer.ipc.api;

/** {@code POST /v1/join}: join with an invite text. */
public record JoinRequest(String invite, String displayName) {}
