package dev.meshwire.peer.ipc.api;

/** Where a send goes: {@code kind} peer (ref = its public key) or group (ref = {@code *}). */
public record Destination(String kind, String ref) {}
