package dev.meshwire.peer.ipc.api;

/** A peer by name and public key (name absent when unknown). */
public record PeerRef(String name, String pubkey) {}
