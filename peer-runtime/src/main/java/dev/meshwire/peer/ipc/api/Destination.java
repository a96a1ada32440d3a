package dev.meshwire.peer.ipc.api;

/** Where a send goes: {@code kind} dm (ref = the recipient's public key) or group (ref = {@code *}). */
public record Destination(String kind, String ref) {}
